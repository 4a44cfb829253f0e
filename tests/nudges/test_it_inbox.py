"""The notification centre: own items only, unread count, read, snooze; constant queries."""

import pytest
from django.urls import reverse

from apps.nudges.models import Kind, Snooze
from tests.accounts.factories import UserFactory
from tests.nudges.factories import MentorshipFactory, NotificationFactory
from tests.research.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("nudges:inbox"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_lists_own_notifications_with_unread_count(client, student):
    NotificationFactory(user=student, title="Finish chapter two")
    NotificationFactory(user=student, title="Old one", read_at="2026-01-01T00:00Z")
    NotificationFactory(title="Someone else's")
    client.force_login(student)
    response = client.get(reverse("nudges:inbox"))
    body = response.content.decode()
    assert "Finish chapter two" in body
    assert "Old one" in body
    assert "Someone else" not in body
    assert "1 unread" in body


def test_mentor_sees_only_their_own_not_their_mentees(client, student, mentor):
    MentorshipFactory(student=student, mentor=mentor, status="active")
    NotificationFactory(user=student, title="Student private nudge")
    client.force_login(mentor)
    assert "Student private nudge" not in client.get(reverse("nudges:inbox")).content.decode()


def test_empty_state_guides_to_preferences(client, student):
    client.force_login(student)
    body = client.get(reverse("nudges:inbox")).content.decode()
    assert "Nothing needs you right now" in body
    assert reverse("nudges:preferences") in body


def test_titles_are_escaped(client, student):
    NotificationFactory(user=student, title="<script>alert(1)</script>")
    client.force_login(student)
    body = client.get(reverse("nudges:inbox")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_mark_read_own_item(client, student):
    item = NotificationFactory(user=student)
    client.force_login(student)
    response = client.post(reverse("nudges:mark_read", args=[item.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="unread-count"' in response.content.decode()
    item.refresh_from_db()
    assert item.read_at is not None


@pytest.mark.parametrize("name", ["nudges:mark_read", "nudges:snooze"])
def test_cannot_touch_another_persons_item(client, student, name):
    item = NotificationFactory(user=UserFactory())
    client.force_login(student)
    assert client.post(reverse(name, args=[item.pk]), {"days": 1}).status_code == 404
    item.refresh_from_db()
    assert item.read_at is None
    assert not Snooze.objects.exists()


def test_mark_read_needs_post(client, student):
    item = NotificationFactory(user=student)
    client.force_login(student)
    assert client.get(reverse("nudges:mark_read", args=[item.pk])).status_code == 405


def test_mark_all_read(client, student):
    NotificationFactory.create_batch(3, user=student)
    other = NotificationFactory()
    client.force_login(student)
    client.post(reverse("nudges:mark_all_read"))
    assert not student.notifications.filter(read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_snooze_for_three_days(client, student):
    item = NotificationFactory(user=student, kind=Kind.MILESTONE_OVERDUE, object_id=42)
    client.force_login(student)
    response = client.post(reverse("nudges:snooze", args=[item.pk]), {"days": "3"})
    assert response.status_code == 302
    snooze = Snooze.objects.get()
    assert (snooze.kind, snooze.object_id) == (Kind.MILESTONE_OVERDUE, 42)
    item.refresh_from_db()
    assert item.read_at is not None


def test_snooze_rejects_other_durations(client, student):
    item = NotificationFactory(user=student)
    client.force_login(student)
    client.post(reverse("nudges:snooze", args=[item.pk]), {"days": "30"})
    assert not Snooze.objects.exists()
    item.refresh_from_db()
    assert item.read_at is None


def test_inbox_queries_do_not_grow_with_rows(client, student, django_assert_num_queries):
    client.force_login(student)
    NotificationFactory.create_batch(2, user=student)
    client.get(reverse("nudges:inbox"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("nudges:inbox"))
    NotificationFactory.create_batch(20, user=student)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("nudges:inbox"))


def test_a_reply_logged_since_the_last_sweep_is_cleared_when_the_centre_opens(client, student):
    from django.utils import timezone

    from apps.nudges.services import nudges_sweep
    from apps.research.services import interaction_log

    contact = ContactFactory(owner=student, follow_up_due=True)
    stranger = UserFactory(is_student=True)
    theirs = ContactFactory(owner=stranger, follow_up_due=True)
    nudges_sweep(force=True)
    client.force_login(student)
    assert "1 unread" in client.get(reverse("nudges:inbox")).content.decode()
    for c in (contact, theirs):
        interaction_log(contact=c, kind="reply_received", occurred_on=timezone.localdate())
    body = client.get(reverse("nudges:inbox")).content.decode()
    assert "1 unread" not in body
    item = student.notifications.get(kind=Kind.FOLLOW_UP_DUE)
    assert item.read_at is not None
    # Opening one's own centre clears nobody else's.
    assert stranger.notifications.get(kind=Kind.FOLLOW_UP_DUE).read_at is None
