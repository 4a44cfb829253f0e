import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.nudges.models import Kind, KindPreference, Mode, OutboxMessage
from apps.nudges.services import nudges_sweep, outbox_send_due
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_a_formula_in_a_nudge_stays_readable_as_latex_in_both_email_parts():
    owner = UserFactory(timezone="UTC")
    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
    MilestoneFactory(
        plan=PlanFactory(owner=owner),
        target_date=now.date() + dt.timedelta(days=1),
        success_criterion=r"the bound $\frac{a}{b} < \sum_{i=1}^{n} x_i$ is proved",
    )
    KindPreference.objects.create(user=owner, kind=Kind.MILESTONE_DUE, mode=Mode.IMMEDIATE)
    nudges_sweep(now=now, force=True)
    OutboxMessage.objects.update(next_attempt_at=timezone.now())

    assert outbox_send_due().sent == 1
    [email] = mail.outbox
    assert r"the bound $\frac{a}{b} < \sum_{i=1}^{n} x_i$ is proved" in email.body
    html, _ = email.alternatives[0]
    assert r"the bound $\frac{a}{b} &lt; \sum_{i=1}^{n} x_i$ is proved" in html


def test_a_digest_words_each_nudge_with_its_own_apps_template():
    from apps.nudges.models import NudgeSettings
    from apps.readinglists.models import ReviewCard

    owner = UserFactory(timezone="UTC")
    NudgeSettings.objects.create(user=owner, digest_hour=8, weekdays_only=False)
    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
    MilestoneFactory(
        plan=PlanFactory(owner=owner),
        title="Chapter <two>",
        target_date=now.date() + dt.timedelta(days=2),
        success_criterion="sent",
    )
    for prompt in ("Q1", "Q2"):
        ReviewCard.objects.create(owner=owner, prompt=prompt, due=now - dt.timedelta(hours=1))
    nudges_sweep(now=now, force=True)
    OutboxMessage.objects.update(next_attempt_at=timezone.now())

    assert outbox_send_due().sent == 1
    [email] = mail.outbox
    assert "- Finish “Chapter <two>” — due in 2 days\n  Target date 27 Nov 2026." in email.body
    assert "- Review 2 maths cards due today\n" in email.body
    html, _ = email.alternatives[0]
    assert "Finish “Chapter &lt;two&gt;” — due in 2 days" in html
    assert "Review 2 maths cards due today" in html
