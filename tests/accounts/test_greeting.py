"""Before a person gives a name, Pacer greets them neutrally: never by the local part of
their email address (which may be an old nickname or a string of digits)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.nudges.models import Kind, KindPreference, Mode, OutboxMessage
from apps.nudges.services import nudges_sweep, outbox_send_due
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db
ADDRESS = "zz.top.1987@example.org"
LOCAL_PART = "zz.top.1987"


def _nameless(**kwargs):
    return UserFactory(email=ADDRESS, display_name="", **kwargs)


def test_the_header_names_no_one_before_onboarding_and_shows_the_address_in_the_menu(client):
    client.force_login(_nameless(onboarded_at=None))

    html = client.get("/account/welcome/").content.decode()

    assert '<span class="account-name">Account</span>' in html
    assert f"Signed in as {ADDRESS}" in html
    assert html.count(LOCAL_PART) == html.count(ADDRESS)  # only inside the full address


def test_the_header_and_home_use_the_name_once_given(client):
    client.force_login(UserFactory(email=ADDRESS, display_name="Billy", is_student=True))
    html = client.get("/home/").content.decode()
    assert '<span class="account-name">Billy</span>' in html
    assert "<h1>Welcome, Billy</h1>" in html


def test_home_welcomes_a_person_without_a_name_neutrally(client):
    client.force_login(_nameless(is_student=True))
    html = client.get("/home/").content.decode()
    assert "<h1>Welcome</h1>" in html
    assert html.count(LOCAL_PART) == html.count(ADDRESS)


@pytest.mark.parametrize(
    ("display_name", "greeting"), [("", "Hello there,"), ("Billy", "Hello Billy,")]
)
def test_reminder_emails_greet_by_name_or_neutrally(display_name, greeting):
    owner = UserFactory(email=ADDRESS, display_name=display_name, timezone="UTC")
    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
    MilestoneFactory(plan=PlanFactory(owner=owner), target_date=now.date() + dt.timedelta(days=1))
    KindPreference.objects.create(user=owner, kind=Kind.MILESTONE_DUE, mode=Mode.IMMEDIATE)
    nudges_sweep(now=now, force=True)
    OutboxMessage.objects.update(next_attempt_at=timezone.now())

    assert outbox_send_due().sent == 1
    [email] = mail.outbox
    html, _ = email.alternatives[0]
    assert email.body.startswith(greeting) or f"\n{greeting}" in email.body
    assert f"<p>{greeting}</p>" in html
    assert LOCAL_PART not in email.body.replace(ADDRESS, "")
    assert LOCAL_PART not in html.replace(ADDRESS, "")


def test_a_digest_greets_a_nameless_person_neutrally():
    from apps.nudges.models import NudgeSettings

    owner = UserFactory(email=ADDRESS, display_name="", timezone="UTC")
    NudgeSettings.objects.create(user=owner, digest_hour=8, weekdays_only=False)
    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
    MilestoneFactory(plan=PlanFactory(owner=owner), target_date=now.date() + dt.timedelta(days=2))
    nudges_sweep(now=now, force=True)
    OutboxMessage.objects.update(next_attempt_at=timezone.now())

    assert outbox_send_due().sent == 1
    [email] = mail.outbox
    assert "Hello there," in email.body
    assert "<p>Hello there,</p>" in email.alternatives[0][0]
    assert LOCAL_PART not in email.body.replace(ADDRESS, "")
