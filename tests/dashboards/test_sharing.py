"""A mentee who shares only some areas: the mentor sees nothing of the others, on the
dashboard, the mentee page or an export, not even through a flag or the last activity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.milestones.models import Milestone
from apps.research.models import Contact, Draft
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import (
    fill_student_data,
    give_mentees,
    make_students,
    venue_with_deadline,
)

pytestmark = pytest.mark.django_db


def _mentee(**shares):
    mentor = UserFactory(is_mentor=True)
    (student,) = make_students(1, last_login=timezone.now() - dt.timedelta(days=40))
    give_mentees(mentor, [student], **shares)
    # A draft in drafting a day before its deadline would raise a red flag if seen.
    fill_student_data(
        [student], milestones=4, overdue=1, done=1, items=5, read=3, venue=venue_with_deadline(1)
    )
    Draft.objects.filter(owner=student).update(title="Secret draft title")
    Contact.objects.filter(owner=student).update(name="Secret Researcher")
    return mentor, student


def test_mentee_sharing_only_the_plan_shows_nothing_else(client):
    mentor, student = _mentee(
        share_plan=True, share_reading=False, share_papers=False, share_outreach=False
    )
    # Recent work in the unshared areas must not make the mentee look active.
    Draft.objects.filter(owner=student).update(updated_at=timezone.now())
    Milestone.objects.filter(plan__owner=student).update(
        updated_at=timezone.now() - dt.timedelta(days=40)
    )
    client.force_login(mentor)

    dashboard = client.get(reverse("dashboards:mentor"))
    (row,) = dashboard.context["rows"]
    assert (row.plan_done, row.plan_total, row.overdue) == (1, 4, 1)
    assert (row.reading_total, row.reading_done, row.cards_due) == (0, 0, 0)
    assert row.next_paper_deadline is None
    assert row.early_draft_deadline is None
    assert [f.kind for f in row.flags] == ["inactive", "overdue"]
    assert row.last_activity < timezone.now() - dt.timedelta(days=30)
    body = dashboard.content.decode()
    assert body.count("not shared") == 2  # reading and reviews
    assert "Secret" not in body

    page = client.get(reverse("dashboards:mentee", args=[student.pk]))
    detail = page.context["d"]
    assert (detail["reading"], detail["papers"], detail["outreach"]) == (None, None, None)
    assert detail["figures"].reading_total == 0
    assert detail["figures"].next_paper_deadline is None
    body = page.content.decode()
    assert "Secret" not in body
    assert "items read" not in body
    assert "draft not past drafting" not in body

    # The programme export is the coordinator's: the mentor cannot fetch one.
    assert client.get(reverse("dashboards:coordinator")).context["programmes"] == []


def test_mentee_sharing_only_reading_shows_no_plan_figures(client):
    mentor, student = _mentee(
        share_plan=False, share_reading=True, share_papers=False, share_outreach=False
    )
    client.force_login(mentor)

    dashboard = client.get(reverse("dashboards:mentor"))
    (row,) = dashboard.context["rows"]
    assert (row.plan_done, row.plan_total, row.overdue, row.next_milestone) == (0, 0, 0, None)
    assert (row.reading_done, row.reading_total) == (3, 5)
    assert "overdue" not in [f.kind for f in row.flags]
    assert dashboard.context["recent"] == []

    page = client.get(reverse("dashboards:mentee", args=[student.pk]))
    assert page.context["d"]["plan"] is None
    body = page.content.decode()
    assert "Milestone 0" not in body
    assert "of 4 done" not in body
    assert "3 of 5 items read" in body


def test_programme_export_carries_plan_figures_only(client):
    from tests.dashboards.factories import programme_with_members

    coordinator = UserFactory(is_coordinator=True)
    programme, (student,), _ = programme_with_members(coordinator, students=1, mentors=1)
    fill_student_data([student], venue=venue_with_deadline(1))
    Draft.objects.filter(owner=student).update(title="Secret draft title")
    client.force_login(coordinator)
    body = client.get(reverse("dashboards:programme_csv", args=[programme.pk])).content.decode()
    assert "Secret" not in body
    assert "draft" not in body.lower()
