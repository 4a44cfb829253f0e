"""Nudge words come from the owning app's templates, rendered when shown."""

import datetime as dt

import pytest
from django.core import mail
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from apps.core.registry import nudge_rules
from apps.matching.models import Mentorship
from apps.nudges.models import Kind, KindPreference, Mode, Notification, OutboxMessage
from apps.nudges.rendering import notification_text
from apps.nudges.rules import get_rule
from apps.nudges.services import nudges_sweep, outbox_send_due
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory
from tests.nudges.factories import MentorshipFactory, NotificationFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)


def _due_milestone(owner, **fields):
    return MilestoneFactory(
        plan=PlanFactory(owner=owner), target_date=NOW.date() + dt.timedelta(days=1), **fields
    )


def test_a_rule_stores_facts_and_its_template_words_them():
    owner = UserFactory(timezone="UTC")
    milestone = _due_milestone(owner, title="Chapter two", success_criterion="sent to Ada")
    nudges_sweep(now=NOW, force=True)

    item = Notification.objects.get(user=owner, kind=Kind.MILESTONE_DUE)
    assert item.context == {
        "title": "Chapter two",
        "target_date": str(milestone.target_date),
        "days_left": 1,
        "success_criterion": "sent to Ada",
    }
    assert item.title == "Finish “Chapter two” — due tomorrow"
    assert item.body == "Target date 26 Nov 2026. Done means: sent to Ada"


def test_text_is_plain_text_and_the_title_one_line():
    text = notification_text(
        kind=Kind.FOLLOW_UP_DUE,
        context={
            "name": "<b>Ada</b> & co\nsecond line",
            "affiliation": "",
            "last_emailed_on": None,
        },
    )
    # Not escaped here: each page and email escapes it where it is shown.
    assert text.title == "Follow up with <b>Ada</b> & co"
    assert text.body.startswith("second line\nNo reply since your email.")


def test_words_stored_before_templates_are_shown_as_they_were():
    text = notification_text(
        kind=Kind.MILESTONE_DUE, context={"stored": {"title": "Old title", "body": "Old body"}}
    )
    assert text == ("Old title", "Old body")


def test_a_kind_without_a_rule_shows_its_name(monkeypatch):
    from apps.nudges import rules

    monkeypatch.delitem(rules._rules(), Kind.CARDS_DUE)
    assert notification_text(kind=Kind.CARDS_DUE, context={"count": 2}) == (
        "Maths review cards due",
        "",
    )


def test_rendering_reads_nothing_from_the_database(django_assert_num_queries):
    item = NotificationFactory(kind=Kind.CARDS_DUE, object_id=0)
    item = Notification.objects.get(pk=item.pk)
    item.context = {"count": 1}
    with django_assert_num_queries(0):
        assert item.title == "Review 1 maths card due today"


def test_every_kind_is_registered_by_its_app_with_a_template():
    from django.template.loader import get_template

    registered = dict(nudge_rules.items())
    assert set(registered) == set(Kind.values)
    for kind, build in registered.items():
        rule = get_rule(kind)
        assert rule.kind == kind
        app = build.__module__.split(".")[1]
        assert build.__module__ == f"apps.{app}.nudges"
        assert rule.template == f"{app}/nudges/{kind}.txt"
        get_template(rule.template)


def test_the_inbox_escapes_what_a_template_renders(client):
    owner = UserFactory(timezone="UTC")
    _due_milestone(owner, title="<script>alert(1)</script>")
    nudges_sweep(now=NOW, force=True)
    client.force_login(owner)

    page = client.get(reverse("nudges:inbox")).content.decode()

    assert "Finish “&lt;script&gt;alert(1)&lt;/script&gt;”" in page
    assert "<script>alert(1)" not in page


def test_an_email_renders_its_notification_once(django_capture_on_commit_callbacks):
    owner = UserFactory(timezone="UTC")
    for _ in range(3):
        _due_milestone(owner)
    KindPreference.objects.create(user=owner, kind=Kind.MILESTONE_DUE, mode=Mode.IMMEDIATE)
    nudges_sweep(now=NOW, force=True)
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    rendered: list[str] = []

    def record(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        assert outbox_send_due().sent == 3
    finally:
        template_rendered.disconnect(record)
    # The subject, the text part and the HTML part all use one rendering.
    assert rendered.count("milestones/nudges/milestone_due.txt") == 3
    assert len(mail.outbox) == 3


def test_mentorship_words_come_from_the_matching_templates():
    ms = MentorshipFactory(message="Could we meet monthly?")
    nudges_sweep()
    item = Notification.objects.get(user=ms.mentor, kind=Kind.MENTORSHIP_REQUEST)
    assert item.title == f"Reply to {ms.student.name}'s mentorship request"
    assert item.body.endswith("\n\nTheir message: Could we meet monthly?")
    assert ms.status == Mentorship.Status.PENDING
