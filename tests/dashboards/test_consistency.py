"""One student with a known mix of milestones, reading and papers: every page, export
and email that shows their figures says the same numbers and the same flag."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.dashboards.selectors import mentor_dashboard
from apps.matching.models import Cohort, CohortMembership, Programme
from apps.milestones.models import Category, Milestone, Plan
from apps.milestones.models import Status as MStatus
from apps.nudges.models import Kind, Notification
from apps.nudges.services import nudges_sweep
from apps.readinglists.models import Item, Progress, ReadingList, ReadingStatus
from apps.research.models import Draft, Stage
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import give_mentees, venue_with_deadline

pytestmark = pytest.mark.django_db

FLAG = "2 overdue, one by 30 days"


def _student_with_a_known_mix(*, today: dt.date, now: dt.datetime) -> tuple[User, Plan]:
    """3 done, 1 skipped, 2 open and 2 overdue (by 2 and by 30 days): 3 of 7 done;
    4 reading items of which 2 read and 1 in progress; one draft with a far deadline."""
    student = UserFactory(is_student=True, display_name="Mix Student", last_login=now)
    plan = Plan.objects.create(
        owner=student, title="Road", target_role="PhD", start_date=today - dt.timedelta(days=400)
    )
    rows = [
        (MStatus.DONE, -40),
        (MStatus.DONE, -20),
        (MStatus.DONE, 10),
        (MStatus.SKIPPED, -50),
        (MStatus.PLANNED, 20),
        (MStatus.IN_PROGRESS, 40),
        (MStatus.PLANNED, -2),
        (MStatus.IN_PROGRESS, -30),
    ]
    for i, (status, days) in enumerate(rows):
        Milestone.objects.create(
            plan=plan,
            title=f"M{i}",
            category=Category.RESEARCH,
            success_criterion="done",
            target_date=today + dt.timedelta(days=days),
            status=status,
            completed_at=now if status == MStatus.DONE else None,
            position=i,
        )
    reading = ReadingList.objects.create(owner=student, title="Reading")
    items = [Item.objects.create(reading_list=reading, title=f"P{i}", position=i) for i in range(4)]
    for item, status in zip(
        items, [ReadingStatus.READ, ReadingStatus.SUMMARISED, ReadingStatus.READING], strict=False
    ):
        Progress.objects.create(user=student, item=item, status=status)
    Draft.objects.create(
        owner=student,
        title="Draft",
        target_venue=venue_with_deadline(40),
        stage=Stage.DRAFTING,
        stage_changed_at=now,
    )
    return student, plan


@pytest.fixture
def world():
    now = timezone.now()
    student, plan = _student_with_a_known_mix(today=timezone.localdate(now), now=now)
    mentor = UserFactory(is_mentor=True)
    give_mentees(mentor, [student])
    coordinator = UserFactory(is_coordinator=True)
    programme = Programme.objects.create(name="Programme")
    programme.coordinators.add(coordinator)
    cohort = Cohort.objects.create(programme=programme, name="2026")
    CohortMembership.objects.create(cohort=cohort, user=student, role="student")
    return {
        "student": student,
        "plan": plan,
        "mentor": mentor,
        "coordinator": coordinator,
        "programme": programme,
    }


def test_every_page_and_export_reports_the_same_figures_and_flag(client, world):
    student, mentor, coordinator = world["student"], world["mentor"], world["coordinator"]

    client.force_login(student)
    plan_page = client.get(reverse("milestones:plan_detail", args=[world["plan"].pk]))
    progress = plan_page.context["progress"]
    assert (progress["done"], progress["total"], progress["overdue"]) == (3, 7, 2)
    assert progress["skipped"] == 1
    assert "3 of 7 done" in plan_page.content.decode()

    home = client.get(reverse("home"))
    mine = home.context["home"]["figures"]
    assert (mine.plan_done, mine.plan_total, mine.overdue) == (3, 7, 2)
    assert (mine.reading_done, mine.reading_total, mine.reading_in_progress) == (2, 4, 1)
    body = home.content.decode()
    assert "3 of 7 done" in body
    assert FLAG in body
    assert "2 of 4 items read" in body

    client.force_login(mentor)
    dashboard = client.get(reverse("dashboards:mentor"))
    (row,) = dashboard.context["rows"]
    assert (row.plan_done, row.plan_total, row.overdue) == (3, 7, 2)
    assert (row.reading_done, row.reading_total) == (2, 4)
    assert [f.text for f in row.flags] == [FLAG]
    assert row.level_label == "red"
    body = dashboard.content.decode()
    assert "3/7" in body
    assert FLAG in body
    # The summary counts agree with the rows.
    assert (dashboard.context["red"], dashboard.context["amber"]) == (1, 0)
    assert "1 red" in body
    assert "0 amber" in body

    mentee = client.get(reverse("dashboards:mentee", args=[student.pk]))
    figures = mentee.context["d"]["figures"]
    assert (figures.plan_done, figures.plan_total, figures.overdue) == (3, 7, 2)
    body = mentee.content.decode()
    assert "3 of 7 done" in body
    assert FLAG in body
    assert "2 of 4 items read" in body

    client.force_login(coordinator)
    members = client.get(reverse("dashboards:programme", args=[world["programme"].pk]))
    (s,) = members.context["students"]
    assert (s["f"].plan_done, s["f"].plan_total, s["f"].overdue) == (3, 7, 2)
    body = members.content.decode()
    assert "3/7" in body
    assert FLAG in body
    overview = client.get(reverse("dashboards:coordinator"))
    assert overview.context["programmes"][0]["inactive_students"] == 0

    export = client.get(reverse("dashboards:programme_csv", args=[world["programme"].pk]))
    header, line = list(csv.reader(io.StringIO(export.content.decode())))[:2]
    record = dict(zip(header, line, strict=True))
    assert (record["milestones done"], record["milestones total"]) == ("3", "7")
    assert (record["milestones skipped"], record["overdue"]) == ("1", "2")
    assert (record["flag"], record["flag reasons"]) == ("red", FLAG)


def test_mentor_weekly_digest_reports_the_dashboards_overdue_count():
    """Rendered through the nudges sweep, the public way the digest is built."""
    monday = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    student, _ = _student_with_a_known_mix(today=monday.date(), now=monday)
    mentor = UserFactory(is_mentor=True)
    give_mentees(mentor, [student])

    nudges_sweep(now=monday)

    (item,) = Notification.objects.filter(user=mentor, kind=Kind.MENTOR_WEEKLY)
    with timezone.override(dt.UTC):
        (row,) = mentor_dashboard(mentor=mentor, now=monday)["rows"]
    assert row.overdue == 2
    assert f"{row.name}: {row.overdue} overdue" in item.body
