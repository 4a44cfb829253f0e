"""Stored XSS: every free-text column of every Pacer table holds a script payload, and
the pages the owner, their mentor and their coordinator see, and the nudge emails,
show it as text only.

The poisoning walks the models, so a new text column is poisoned too.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.db import models
from django.urls import reverse

from apps.matching.models import CohortMembership, Mentorship
from apps.milestones.models import ActionItem
from apps.nudges.models import Kind, Notification
from apps.nudges.services import outbox_send_batch
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import fill_student_data
from tests.matching.factories import CohortFactory, ProgrammeFactory
from tests.milestones.factories import CheckInFactory, MilestoneFactory
from tests.nudges.factories import NotificationFactory, OutboxFactory
from tests.research.factories import ContactFactory

PAYLOAD = (
    '<script>alert("x")</script><img src=x onerror=alert(1)>'
    '[link](javascript:alert(1))" onmouseover="alert(1)'
)
# What must never reach a page or an email: the payload's script element, its image's
# event handler, a javascript: link, or an attribute broken out of inside a tag.
DANGERS = [
    re.compile(r"<script>alert"),
    re.compile(r"<img[^>]*onerror", re.IGNORECASE),
    re.compile(r"""(?:href|src)\s*=\s*["']?\s*javascript:""", re.IGNORECASE),
    re.compile(r"""<[^>]*["']\s*onmouseover=""", re.IGNORECASE),
]
# Columns that are identifiers, codes or addresses rather than free text.
NOT_FREE_TEXT = {
    "email", "url", "token", "period", "slug", "doi", "arxiv_id", "isbn", "orcid",
    "password", "timezone", "homepage", "evidence_url", "manuscript_url", "code_url",
    "preprint_url", "bibtex_key", "kind", "status", "stage", "source_hash", "uid",
    "provider", "session_key", "last_error",
}  # fmt: skip


def _poison() -> list[str]:
    poisoned = []
    for config in django_apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        for model in config.get_models():
            fields = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField)
                and not isinstance(f, models.EmailField | models.URLField | models.SlugField)
                and not f.choices
                and f.name not in NOT_FREE_TEXT
                and not f.unique
            ]
            if fields:
                model._default_manager.update(
                    **{f.name: PAYLOAD[: f.max_length] if f.max_length else PAYLOAD for f in fields}
                )
                poisoned += [f"{model._meta.label}.{f.name}" for f in fields]
    return poisoned


@pytest.fixture
def world(db):
    coordinator = UserFactory(is_coordinator=True)
    programme = ProgrammeFactory(coordinator=coordinator)
    student = UserFactory(is_student=True)
    mentor = UserFactory(is_mentor=True)
    CohortMembership.objects.create(cohort=CohortFactory(programme=programme), user=student)
    Mentorship.objects.create(
        student=student, mentor=mentor, status=Mentorship.Status.ACTIVE,
        share_plan=True, share_reading=True, share_papers=True, share_outreach=True,
    )  # fmt: skip
    fill_student_data([student])
    plan = student.plans.get()
    milestone = MilestoneFactory(plan=plan, description="d", evidence_note="e")
    checkin = CheckInFactory(plan=plan, mentor=mentor)
    ActionItem.objects.create(checkin=checkin, text="t")
    ContactFactory(owner=student, notes="n")
    poisoned = _poison()
    # A nudge keeps facts, not words: its context carries what people typed (here a
    # milestone's title and criterion) into the words its template renders.
    NotificationFactory(
        user=student,
        kind=Kind.MILESTONE_DUE,
        object_id=milestone.pk,
        context={
            "title": PAYLOAD,
            "target_date": "2026-12-01",
            "days_left": 1,
            "success_criterion": PAYLOAD,
        },
    )
    return {
        "student": student,
        "mentor": mentor,
        "coordinator": coordinator,
        "programme": programme,
        "plan": plan,
        "milestone": milestone,
        "poisoned": poisoned,
    }


def _assert_inert(body: str, where: str) -> None:
    for danger in DANGERS:
        found = danger.search(body)
        assert found is None, f"{found.group(0) if found else ''!r} in {where}"


def test_the_walk_poisons_the_free_text_people_type(world):
    poisoned = set(world["poisoned"])

    assert {
        "accounts.User.display_name",
        "accounts.User.bio",
        "milestones.Plan.title",
        "milestones.Milestone.description",
        "milestones.CheckIn.agenda",
        "readinglists.ReadingList.description",
        "research.Contact.notes",
    } <= poisoned
    nudge = Notification.objects.get(user=world["student"], kind=Kind.MILESTONE_DUE)
    assert nudge.title.startswith("Finish “<script>")
    assert nudge.body.endswith(PAYLOAD)


def test_pages_show_stored_text_as_text(client, world):
    student, mentor, coordinator = world["student"], world["mentor"], world["coordinator"]
    plan, milestone = world["plan"], world["milestone"]
    reading_list = student.reading_lists.get()
    item = reading_list.items.first()
    draft = student.paper_drafts.first()
    contact = student.research_contacts.first()
    pages = {
        student: [
            reverse("home"),
            reverse("accounts:profile"),
            reverse("milestones:plan_list"),
            reverse("milestones:plan_detail", args=[plan.pk]),
            reverse("milestones:plan_timeline", args=[plan.pk]),
            reverse("milestones:milestone_detail", args=[milestone.pk]),
            reverse("milestones:checkin_list", args=[plan.pk]),
            reverse("readinglists:list_index"),
            reverse("readinglists:list_detail", args=[reading_list.pk]),
            reverse("readinglists:item_detail", args=[item.pk]),
            reverse("readinglists:review_home"),
            reverse("research:draft_board"),
            reverse("research:draft_list"),
            reverse("research:draft_detail", args=[draft.pk]),
            reverse("research:contact_list"),
            reverse("research:contact_detail", args=[contact.pk]),
            reverse("nudges:inbox"),
            reverse("matching:mentorship_list"),
        ],
        mentor: [
            reverse("home"),
            reverse("dashboards:mentor"),
            reverse("dashboards:mentee", args=[student.pk]),
            reverse("milestones:plan_detail", args=[plan.pk]),
            reverse("readinglists:mentee_reading", args=[student.pk]),
            reverse("matching:mentorship_list"),
        ],
        coordinator: [
            reverse("dashboards:coordinator"),
            reverse("dashboards:programme", args=[world["programme"].pk]),
            reverse("matching:programme_detail", args=[world["programme"].pk]),
        ],
    }
    for person, urls in pages.items():
        client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert "alert" in body or url.endswith(("/review/",)), f"no payload shown on {url}"
            _assert_inert(body, url)


def test_nudge_emails_show_stored_text_as_text(world):
    notification = Notification.objects.get(user=world["student"], kind=Kind.MILESTONE_DUE)
    assert notification.title.startswith("Finish “<script>")
    OutboxFactory(notification=notification, next_attempt_at=dt.datetime.now(dt.UTC))

    outbox_send_batch()

    assert mail.outbox
    for email in mail.outbox:
        html = email.alternatives[0][0]
        _assert_inert(html, "nudge email (HTML)")
        assert "\n" not in email.subject
