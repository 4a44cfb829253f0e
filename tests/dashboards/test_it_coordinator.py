import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from apps.core.csv_export import csv_safe
from apps.matching.models import Mentorship
from apps.milestones.models import Milestone
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import fill_student_data, programme_with_members

URL = reverse("dashboards:coordinator")

pytestmark = pytest.mark.django_db


def _programme(coordinator, students=4, mentors=2, name="Fellows"):
    programme, studs, ments = programme_with_members(
        coordinator, students=students, mentors=mentors, name=name
    )
    fill_student_data(studs, milestones=4, overdue=1, done=1)
    return programme, studs, ments


def test_overview_figures(client, coordinator):
    _, studs, ments = _programme(coordinator)
    # Two matched students; the first mentor is at capacity (2), the second near it (1).
    Mentorship.objects.create(student=studs[0], mentor=ments[0], status="active")
    Mentorship.objects.create(student=studs[1], mentor=ments[0], status="active")
    Mentorship.objects.create(student=studs[2], mentor=ments[1], status="ended")
    outsider = UserFactory(is_student=True)
    Mentorship.objects.create(student=outsider, mentor=ments[1], status="active")
    # One student has been silent for a month.
    studs[3].last_login = timezone.now() - dt.timedelta(days=30)
    studs[3].save(update_fields=["last_login"])
    Milestone.objects.filter(plan__owner=studs[3]).update(
        updated_at=timezone.now() - dt.timedelta(days=30)
    )
    client.force_login(coordinator)
    (p,) = client.get(URL).context["programmes"]
    assert (p["students"], p["mentors"]) == (4, 2)
    assert (p["matched"], p["matched_pct"], p["active_mentorships"]) == (2, 50, 2)
    assert p["inactive_students"] == 1
    assert (p["mentors_at_capacity"], p["mentors_near_capacity"]) == (1, 1)
    assert p["chart"]["total"] == 4  # one milestone done per student this month


def test_chart_is_svg_with_text_alternative_and_no_inline_style(client, coordinator):
    _programme(coordinator)
    client.force_login(coordinator)
    body = client.get(URL).content.decode()
    assert '<svg viewBox="0 0 600 180" role="img"' in body
    assert "<title id=" in body
    assert "<desc id=" in body
    assert "<table" in body  # the same figures as a table
    assert "style=" not in body


def test_coordinator_sees_only_their_programmes(client, coordinator):
    mine, _, _ = _programme(coordinator, name="Mine")
    other_coordinator = UserFactory(is_coordinator=True)
    theirs, their_students, _ = _programme(other_coordinator, name="Theirs")
    client.force_login(coordinator)
    body = client.get(URL).content.decode()
    assert "Mine" in body
    assert "Theirs" not in body
    assert client.get(reverse("dashboards:programme", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("dashboards:programme_csv", args=[theirs.pk])).status_code == 404
    body = client.get(reverse("dashboards:programme", args=[mine.pk])).content.decode()
    assert their_students[0].display_name not in body


@pytest.mark.parametrize("who", ["student", "mentor"])
def test_members_cannot_open_the_programme_view(client, coordinator, who):
    programme, studs, ments = _programme(coordinator)
    client.force_login(studs[0] if who == "student" else ments[0])
    assert client.get(reverse("dashboards:programme", args=[programme.pk])).status_code == 404
    assert client.get(reverse("dashboards:programme_csv", args=[programme.pk])).status_code == 404
    assert client.get(URL).context["programmes"] == []


def test_anonymous_is_sent_to_log_in(client, coordinator):
    programme, _, _ = _programme(coordinator)
    for url in (
        URL,
        reverse("dashboards:programme", args=[programme.pk]),
        reverse("dashboards:programme_csv", args=[programme.pk]),
    ):
        assert client.get(url).status_code == 302


def test_programme_table(client, coordinator):
    programme, _, _ = _programme(coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("dashboards:programme", args=[programme.pk]))
    assert len(response.context["students"]) == 4
    assert len(response.context["mentors"]) == 2
    row = response.context["students"][0]["f"]
    assert (row.plan_done, row.plan_total, row.overdue) == (1, 4, 1)


def test_csv_export_is_safe_against_formula_injection(client, coordinator):
    programme, studs, _ = _programme(coordinator)
    evil = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]
    for s, name in zip(studs, evil, strict=False):
        s.display_name = name
        s.save(update_fields=["display_name"])
    client.force_login(coordinator)
    response = client.get(reverse("dashboards:programme_csv", args=[programme.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["role", "name", "email"]
    names = {r[1] for r in rows[1:]}
    for name in evil[:4]:
        assert "'" + name in names
    for cell in (c for r in rows[1:] for c in r):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+x", "'+x"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("|cmd", "'|cmd"),
        ("Ada", "Ada"),
        (3, 3),
        (-3, -3),
        (None, ""),
        ("", ""),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


@pytest.mark.parametrize("size", [2, 20])
def test_query_counts_do_not_grow(client, django_assert_num_queries, coordinator, size):
    for i in range(2):
        _programme(coordinator, students=size, mentors=max(1, size // 4), name=f"P{i}")
    client.force_login(coordinator)
    # Session, user, programmes, student memberships, students, their plan figures,
    # mentor memberships, mentors, completion series.
    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200
    programme = coordinator.programmes_coordinated.first()
    url = reverse("dashboards:programme", args=[programme.pk])
    # The plan figures the page above computed are kept: without them, session, user,
    # programme, student memberships, students, mentor memberships, mentors; the meetings
    # section's pairs, fit alerts and answers.
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    # Nothing kept: the students' plan figures are read too.
    cache.clear()
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    # The export reads the figures the page kept (8 queries with nothing kept).
    with django_assert_num_queries(7):
        client.get(reverse("dashboards:programme_csv", args=[programme.pk]))
