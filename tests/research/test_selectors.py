import datetime as dt
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.utils import timezone

from apps.research import selectors, services
from apps.research.models import ContactStatus, DeadlineKind, Purpose, Stage
from tests.accounts.factories import UserFactory
from tests.research.factories import (
    ContactFactory,
    DraftFactory,
    VenueDeadlineFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def _drafts_with_deadlines(owner, n):
    for i in range(n):
        venue = VenueFactory()
        VenueDeadlineFactory(venue=venue, in_days=5 + i, kind=DeadlineKind.PAPER)
        VenueDeadlineFactory(venue=venue, in_days=60, kind=DeadlineKind.NOTIFICATION)
        DraftFactory(owner=owner, target_venue=venue)


def test_drafts_with_upcoming_deadlines_picks_the_next_deadline(student):
    now = timezone.now()
    soon = VenueFactory(title="SOON")
    VenueDeadlineFactory(venue=soon, in_days=-3, kind=DeadlineKind.ABSTRACT)
    paper = VenueDeadlineFactory(venue=soon, in_days=4, kind=DeadlineKind.PAPER)
    VenueDeadlineFactory(venue=soon, in_days=90, kind=DeadlineKind.NOTIFICATION)
    later = VenueFactory(title="LATER")
    VenueDeadlineFactory(venue=later, in_days=40)
    in_play = DraftFactory(owner=student, target_venue=soon, stage=Stage.DRAFTING)
    DraftFactory(owner=student, target_venue=soon, stage=Stage.PUBLISHED)
    DraftFactory(owner=student, target_venue=soon, stage=Stage.REJECTED)
    DraftFactory(owner=student, target_venue=later)
    DraftFactory(owner=student, target_venue=None)
    DraftFactory(target_venue=soon)  # someone else's

    (draft,) = selectors.drafts_with_upcoming_deadlines(user=student, now=now, within_days=14)
    assert draft == in_play
    assert draft.next_deadline_at == paper.due_at
    assert draft.next_deadline_kind == DeadlineKind.PAPER


@pytest.mark.parametrize("size", [1, 6])
def test_drafts_with_upcoming_deadlines_is_one_query(student, size, django_assert_num_queries):
    _drafts_with_deadlines(student, size)
    with django_assert_num_queries(1):
        drafts = list(
            selectors.drafts_with_upcoming_deadlines(
                user=student, now=timezone.now(), within_days=30
            )
        )
        assert [d.target_venue.title for d in drafts]
    assert len(drafts) == size


def test_followups_due_uses_the_users_local_date():
    # 23:30 UTC on 1 Dec is already 2 Dec in Tokyo, still 1 Dec in London.
    now = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)
    tokyo = UserFactory(timezone="Asia/Tokyo")
    london = UserFactory(timezone="Europe/London")
    for user in (tokyo, london):
        ContactFactory(owner=user, status=ContactStatus.EMAILED, follow_up_on=dt.date(2026, 12, 2))
    assert selectors.followups_due(user=tokyo, now=now).count() == 1
    assert selectors.followups_due(user=london, now=now).count() == 0


def test_followups_due_skips_replied_and_future(student):
    today = timezone.now().date()
    due = ContactFactory(owner=student, status=ContactStatus.EMAILED, follow_up_on=today)
    ContactFactory(
        owner=student, status=ContactStatus.EMAILED, follow_up_on=today + dt.timedelta(days=3)
    )
    ContactFactory(owner=student, status=ContactStatus.REPLIED, follow_up_on=None)
    assert list(selectors.followups_due(user=student, now=timezone.now())) == [due]


@pytest.mark.parametrize("size", [1, 7])
def test_followups_due_is_one_query(student, size, django_assert_num_queries):
    for _ in range(size):
        ContactFactory(
            owner=student, status=ContactStatus.EMAILED, follow_up_on=dt.date(2020, 1, 1)
        )
    with django_assert_num_queries(1):
        assert len(list(selectors.followups_due(user=student, now=timezone.now()))) == size


def test_default_cap_applies_without_preferences(student):
    assert selectors.followup_weekly_cap(user=student) == 3


def test_mailto_link_is_url_encoded_and_prepared(student):
    student.display_name = "Ada Lovelace & Co"
    contact = ContactFactory(
        owner=student,
        name="Dr Ünal O'Brien",
        email="obrien@example.edu",
        purpose=Purpose.PHD_POSITION,
    )
    url = selectors.contact_mailto_url(contact=contact, sender=student)
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert parts.path == "obrien@example.edu"
    assert " " not in url
    assert "+" not in parts.query
    assert "\n" not in url
    query = parse_qs(parts.query)
    assert "PhD" in query["subject"][0]
    body = query["body"][0]
    assert body.startswith("Dear Dr Ünal O'Brien,")
    assert "Ada Lovelace & Co" in body  # the ampersand did not cut the body short
    assert "%0A" in url
    assert unquote(url).count("\n") >= 3


def test_mailto_for_a_follow_up_mentions_the_first_email(student):
    contact = ContactFactory(owner=student)
    services.interaction_log(contact=contact, kind="email_sent", occurred_on=dt.date(2026, 11, 2))
    contact.refresh_from_db()
    subject = parse_qs(
        urlsplit(selectors.contact_mailto_url(contact=contact, sender=student)).query
    )
    assert subject["subject"][0].startswith("Following up")
    assert "2 November 2026" in subject["body"][0]
