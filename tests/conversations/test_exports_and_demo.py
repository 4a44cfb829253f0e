"""The person's messages in their data download; what account deletion takes; demo data."""

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.accounts.services import user_delete, user_export_data
from apps.conversations.models import EarlyExpiry, Message, ReadMark
from apps.conversations.selectors import unread_count
from apps.core.demo import DEMO_MENTOR, DEMO_STUDENT
from apps.core.registry import data_exporters
from tests.conversations.factories import MessageFactory
from tests.matching.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_messages_the_person_wrote(pair):
    MessageFactory(mentorship=pair, author=pair.student, body="Mine")
    MessageFactory(mentorship=pair, author=pair.mentor, body="Theirs")
    MessageFactory(body="Someone else's")
    data = dict(data_exporters.items())["conversations"](pair.student)
    assert [(m["body"], m["to"]) for m in data["messages"]] == [("Mine", pair.mentor.email)]
    assert data["messages"][0]["edited_at"] is None


def test_the_full_download_includes_messages(pair):
    MessageFactory(mentorship=pair, author=pair.mentor, body="From the mentor")
    export = user_export_data(user=pair.mentor)
    assert export["conversations"]["messages"][0]["body"] == "From the mentor"


def test_deleting_an_account_deletes_its_messages_and_the_threads_it_was_in(pair):
    # The thread belongs to the mentorship, which goes with either person's account.
    MessageFactory(mentorship=pair, author=pair.student)
    MessageFactory(mentorship=pair, author=pair.mentor)
    ReadMark.objects.create(mentorship=pair, user=pair.mentor, last_read_id=1)
    EarlyExpiry.objects.create(
        mentorship=MentorshipFactory(student=pair.student, status="expired"),
        student=pair.student,
        mentor=pair.mentor,
        expired_at=pair.created_at,
    )
    elsewhere = MessageFactory(mentorship=MentorshipFactory(mentor=pair.mentor))

    user_delete(user=pair.student)

    assert list(Message.objects.all()) == [elsewhere]
    assert not ReadMark.objects.exists()
    assert not EarlyExpiry.objects.exists()


def test_demo_thread_is_seeded_once_with_an_unread_message_for_the_mentor():
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)
    mentor = User.objects.get(email=DEMO_MENTOR)
    student = User.objects.get(email=DEMO_STUDENT)
    assert (
        Message.objects.filter(mentorship__mentor=mentor, mentorship__student=student).count() == 4
    )
    assert unread_count(user=mentor) == 1
    assert unread_count(user=student) == 0
