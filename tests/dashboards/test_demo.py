"""The dashboards over the demo data every other app seeds: each demo person's pages
render, and the demo mentor sees the demo student."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.core.demo import DEMO_COORDINATOR, DEMO_MENTOR, DEMO_STUDENT
from apps.matching.models import Mentorship


@pytest.mark.django_db
def test_demo_accounts_see_their_dashboards(client):
    call_command("seed_demo", stdout=io.StringIO())
    student = User.objects.get(email=DEMO_STUDENT)
    mentor = User.objects.get(email=DEMO_MENTOR)
    client.force_login(student)
    assert client.get(reverse("home")).status_code == 200
    client.force_login(mentor)
    response = client.get(reverse("dashboards:mentor"))
    assert response.status_code == 200
    active = Mentorship.objects.filter(mentor=mentor, status="active")
    assert active.filter(student=student).exists()
    assert {r.student_id for r in response.context["rows"]} == set(
        active.values_list("student_id", flat=True)
    )
    for m in active:
        assert client.get(reverse("dashboards:mentee", args=[m.student_id])).status_code == 200
    client.force_login(User.objects.get(email=DEMO_COORDINATOR))
    response = client.get(reverse("dashboards:coordinator"))
    assert response.status_code == 200
    assert response.context["programmes"]
    for p in response.context["programmes"]:
        assert client.get(reverse("dashboards:programme", args=[p["pk"]])).status_code == 200


@pytest.mark.django_db
def test_demo_mentor_sees_the_demo_students_overdue_milestones_flagged_with_the_reason(client):
    call_command("seed_demo", stdout=io.StringIO())
    student = User.objects.get(email=DEMO_STUDENT)
    client.force_login(User.objects.get(email=DEMO_MENTOR))

    response = client.get(reverse("dashboards:mentor"))

    [row] = [r for r in response.context["rows"] if r.student_id == student.pk]
    assert row.overdue >= 1
    overdue_flags = [f for f in row.flags if f.kind == "overdue"]
    assert overdue_flags, row.flags
    assert "overdue" in overdue_flags[0].text
    page = response.content.decode()
    assert overdue_flags[0].text in page
    red, amber = response.context["red"], response.context["amber"]
    assert red + amber >= 1
    assert f"{red} red" in page
    assert f"{amber} amber" in page
