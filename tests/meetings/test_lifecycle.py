"""A mentorship that ends takes its upcoming meetings with it: each is cancelled, and both
people are sent the cancellation; past meetings stay as they were."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from apps.matching import services as matching_services
from apps.meetings import services
from apps.meetings.models import Meeting
from tests.meetings.conftest import MONDAY_9, NOW
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_ending_the_mentorship_cancels_its_upcoming_meetings_only(
    mentorship, availability, django_capture_on_commit_callbacks
):
    upcoming = services.meeting_book(
        mentorship=mentorship, start=MONDAY_9, purpose="First paper", now=NOW
    )
    earlier = NOW - dt.timedelta(days=3)
    past = MeetingFactory(
        mentorship=mentorship,
        mentor=mentorship.mentor,
        student=mentorship.student,
        during=DateTimeTZRange(earlier, earlier + dt.timedelta(minutes=30)),
    )
    mail.outbox.clear()

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        matching_services.mentorship_end(
            mentorship=mentorship, by=mentorship.student, reason="Moving institutions"
        )

    upcoming.refresh_from_db()
    past.refresh_from_db()
    assert upcoming.status == Meeting.Status.CANCELLED
    assert upcoming.cancel_reason == services.ENDED_MENTORSHIP_REASON
    assert upcoming.cancelled_by == mentorship.student
    assert upcoming.sequence == 1
    assert past.status == Meeting.Status.BOOKED
    # Both people are sent the cancellation of the one upcoming meeting.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [mentorship.mentor.email, mentorship.student.email]
    )
    methods = [
        part.get_param("method")
        for message in mail.outbox
        for part in message.message().walk()
        if part.get_content_type() == "text/calendar"
    ]
    assert methods == ["CANCEL", "CANCEL"]


def test_a_refused_end_leaves_the_meetings_booked(mentorship, availability):
    upcoming = services.meeting_book(
        mentorship=mentorship, start=MONDAY_9, purpose="First paper", now=NOW
    )
    with pytest.raises(matching_services.MatchingError):
        matching_services.mentorship_end(mentorship=mentorship, by=mentorship.student, reason=" ")
    upcoming.refresh_from_db()
    assert upcoming.status == Meeting.Status.BOOKED
