"""Sending, editing and reading messages, straight through the services."""

import datetime as dt

import pytest
import time_machine

from apps.conversations import selectors
from apps.conversations.models import MAX_MESSAGE_LENGTH, Message, ReadMark
from apps.conversations.services import (
    ConversationError,
    message_edit,
    message_send,
    thread_mark_read,
)
from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory
from tests.conversations.factories import MessageFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)


def test_a_participant_sends_and_their_own_message_counts_as_read(pair):
    message = message_send(mentorship=pair, author=pair.student, body="  Hello **there**  ")
    assert message.body == "Hello **there**"
    assert selectors.read_position(mentorship=pair, user=pair.student) == message.pk
    assert selectors.unread_count(user=pair.mentor) == 1
    assert selectors.unread_count(user=pair.student) == 0


def test_an_empty_or_too_long_message_is_refused_and_nothing_is_written(pair):
    with pytest.raises(ConversationError, match="Write something"):
        message_send(mentorship=pair, author=pair.student, body="   ")
    with pytest.raises(ConversationError, match=r"at most 4,000 characters; this one has 4,001"):
        message_send(mentorship=pair, author=pair.student, body="x" * (MAX_MESSAGE_LENGTH + 1))
    assert not Message.objects.exists()
    assert message_send(mentorship=pair, author=pair.mentor, body="x" * MAX_MESSAGE_LENGTH)


def test_only_the_two_people_write_and_only_while_the_mentorship_is_active(pair):
    with pytest.raises(ConversationError, match="Only the mentor and the mentee"):
        message_send(mentorship=pair, author=UserFactory(), body="Hi")
    Mentorship.objects.filter(pk=pair.pk).update(status=Mentorship.Status.ENDED)
    with pytest.raises(ConversationError, match="read-only"):
        message_send(mentorship=pair, author=pair.student, body="Hi")
    assert not Message.objects.exists()


def test_the_author_edits_within_five_minutes_then_the_message_is_final(pair):
    with time_machine.travel(NOW, tick=False):
        message = message_send(mentorship=pair, author=pair.student, body="Frist draft")
    with time_machine.travel(NOW + dt.timedelta(minutes=4, seconds=59), tick=False):
        edited = message_edit(message=message, editor=pair.student, body="First draft")
    assert (edited.body, edited.edited_at) == (
        "First draft",
        NOW + dt.timedelta(minutes=4, seconds=59),
    )
    with (
        time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False),
        pytest.raises(ConversationError, match="edited for 5 minutes"),
    ):
        message_edit(message=message, editor=pair.student, body="Changed later")
    assert Message.objects.get(pk=message.pk).body == "First draft"


def test_nobody_but_the_author_edits_and_not_after_the_end(pair):
    message = message_send(mentorship=pair, author=pair.student, body="Mine")
    with pytest.raises(ConversationError, match="Only the author"):
        message_edit(message=message, editor=pair.mentor, body="Theirs")
    Mentorship.objects.filter(pk=pair.pk).update(status=Mentorship.Status.ENDED)
    with pytest.raises(ConversationError, match="read-only"):
        message_edit(message=message, editor=pair.student, body="Changed")
    assert Message.objects.get(pk=message.pk).body == "Mine"


def test_the_read_position_only_moves_forward(pair):
    first, second = MessageFactory.create_batch(2, mentorship=pair)
    thread_mark_read(mentorship=pair, user=pair.mentor, up_to=second.pk)
    thread_mark_read(mentorship=pair, user=pair.mentor, up_to=first.pk)
    assert ReadMark.objects.get(mentorship=pair, user=pair.mentor).last_read_id == second.pk


def test_seen_goes_under_my_last_message_the_other_has_read(pair):
    a = MessageFactory(mentorship=pair, author=pair.student)
    b = MessageFactory(mentorship=pair, author=pair.student)
    c = MessageFactory(mentorship=pair, author=pair.mentor)
    d = MessageFactory(mentorship=pair, author=pair.student)
    page = [a, b, c, d]
    assert selectors.seen_message_id(messages=page, viewer=pair.student, other_read=0) is None
    assert selectors.seen_message_id(messages=page, viewer=pair.student, other_read=c.pk) == b.pk
    assert selectors.seen_message_id(messages=page, viewer=pair.student, other_read=d.pk) == d.pk


def test_unread_counts_cover_every_thread_of_the_person(pair):
    other = Mentorship.objects.create(
        student=UserFactory(is_student=True), mentor=pair.mentor, status=Mentorship.Status.ENDED
    )
    MessageFactory.create_batch(2, mentorship=pair)
    MessageFactory(mentorship=other)
    MessageFactory(mentorship=pair, author=pair.mentor)
    assert selectors.unread_count(user=pair.mentor) == 3
    assert selectors.unread_count(user=pair.student) == 1  # only the mentor's, own excluded
    thread_mark_read(mentorship=pair, user=pair.student, up_to=Message.objects.latest("id").pk)
    assert selectors.unread_count(user=pair.student) == 0
