"""A new message reaches the other person by email once, after the edit window, unless
they read it in the app first; their preference chooses straight away, digest or off."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.services import user_delete
from apps.conversations.models import Message
from apps.conversations.services import message_send, thread_mark_read
from apps.nudges.models import Delivery, Kind, KindPreference, Mode, Notification, OutboxMessage
from apps.nudges.rules import get_rule
from apps.nudges.services import notifications_clear_stale, nudges_sweep, outbox_send_due

pytestmark = pytest.mark.django_db


def _sent(pair, body="Could we move Thursday's check-in?", minutes_ago=6):
    message = message_send(mentorship=pair, author=pair.student, body=body)
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return message


def _notices(user):
    return list(Notification.objects.filter(user=user, kind=Kind.MESSAGE_RECEIVED))


def test_messages_are_emailed_straight_away_by_default():
    assert get_rule(Kind.MESSAGE_RECEIVED).default_mode == Mode.IMMEDIATE


def test_a_message_is_emailed_to_the_other_person_once(pair):
    message = _sent(pair)
    nudges_sweep()
    nudges_sweep()
    [notice] = _notices(pair.mentor)
    assert notice.object_id == message.pk
    assert notice.delivery == Delivery.IMMEDIATE
    assert notice.url == f"/messages/{pair.pk}/"
    assert notice.title == "New message from Stella Student"
    assert notice.body.startswith("Could we move Thursday's check-in?")
    assert _notices(pair.student) == []

    assert outbox_send_due().sent == 1
    assert outbox_send_due().sent == 0
    [email] = mail.outbox
    assert email.to == [pair.mentor.email]
    assert email.subject == "New message from Stella Student"
    assert "Could we move Thursday's check-in?" in email.body


def test_a_message_waits_for_its_edit_window_to_close(pair):
    _sent(pair, minutes_ago=4)
    nudges_sweep()
    assert _notices(pair.mentor) == []


def test_a_message_read_in_the_app_before_the_sweep_is_not_emailed(pair):
    message = _sent(pair)
    thread_mark_read(mentorship=pair, user=pair.mentor, up_to=message.pk)
    nudges_sweep()
    assert _notices(pair.mentor) == []


def test_a_message_read_after_the_sweep_but_before_the_email_is_not_emailed(pair):
    message = _sent(pair)
    nudges_sweep()
    assert OutboxMessage.objects.to_people([pair.mentor.pk]).count() == 1
    thread_mark_read(mentorship=pair, user=pair.mentor, up_to=message.pk)

    outbox_send_due()

    assert mail.outbox == []
    [notice] = _notices(pair.mentor)
    assert notice.emailed_at is None
    assert notice.read_at is not None


def test_reading_clears_the_notice_from_the_notification_centre(pair):
    message = _sent(pair)
    KindPreference.objects.create(user=pair.mentor, kind=Kind.MESSAGE_RECEIVED, mode=Mode.DAILY)
    nudges_sweep()
    thread_mark_read(mentorship=pair, user=pair.mentor, up_to=message.pk)
    assert notifications_clear_stale(user=pair.mentor) == 1


@pytest.mark.parametrize(("mode", "delivery"), [(Mode.DAILY, Delivery.DAILY), (Mode.OFF, None)])
def test_the_persons_choice_decides_the_delivery(pair, mode, delivery):
    _sent(pair)
    KindPreference.objects.create(user=pair.mentor, kind=Kind.MESSAGE_RECEIVED, mode=mode)
    nudges_sweep()
    assert [n.delivery for n in _notices(pair.mentor)] == ([delivery] if delivery else [])
    assert not OutboxMessage.objects.filter(notification__isnull=False).exists()


def test_a_long_message_is_quoted_in_part(pair):
    _sent(pair, body="word " * 300)
    nudges_sweep()
    [notice] = _notices(pair.mentor)
    assert notice.body.split("\n")[0].endswith("…")
    assert len(notice.body) < 700


def test_deleting_the_senders_account_takes_the_notice_quoting_them(pair):
    _sent(pair)
    nudges_sweep()
    assert len(_notices(pair.mentor)) == 1
    user_delete(user=pair.student)
    assert _notices(pair.mentor) == []
    assert not OutboxMessage.objects.exists()
