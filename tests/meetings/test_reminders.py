"""Reminders 24 hours and 1 hour before a meeting, through the nudges engine: each once,
to both people, in each person's preferences and time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.meetings.models import Meeting
from apps.nudges.models import Kind, KindPreference, Mode, Notification, OutboxMessage
from apps.nudges.services import nudges_sweep
from tests.meetings.conftest import MONDAY_9
from tests.meetings.factories import MeetingFactory, span

pytestmark = pytest.mark.django_db
BOOKED_AT = MONDAY_9 - dt.timedelta(days=3)


@pytest.fixture
def meeting(mentorship):
    meeting = MeetingFactory(mentorship=mentorship, during=span(MONDAY_9), purpose="First paper")
    Meeting.objects.filter(pk=meeting.pk).update(created_at=BOOKED_AT)
    return meeting


def _reminders(**filters):
    return Notification.objects.filter(kind=Kind.MEETING_REMINDER, **filters)


def test_each_reminder_is_written_once_for_both_people(meeting, mentorship):
    nudges_sweep(now=MONDAY_9 - dt.timedelta(hours=25), force=True)
    assert not _reminders().exists()

    for minutes in (0, 1, 30):
        nudges_sweep(now=MONDAY_9 - dt.timedelta(hours=24) + dt.timedelta(minutes=minutes),
                     force=True)  # fmt: skip
    day_before = _reminders()
    assert sorted(day_before.values_list("user_id", flat=True)) == sorted(
        [mentorship.mentor_id, mentorship.student_id]
    )
    assert {n.period for n in day_before} == {"h24-202612070900"}

    for minutes in (60, 59, 5):
        nudges_sweep(now=MONDAY_9 - dt.timedelta(minutes=minutes), force=True)
    assert _reminders().count() == 4
    assert _reminders(period="h1-202612070900").count() == 2
    # Straight away by default: one email each.
    assert OutboxMessage.objects.filter(kind=Kind.MEETING_REMINDER).count() == 4


def test_the_words_are_in_each_persons_time_zone(meeting, mentorship):
    nudges_sweep(now=MONDAY_9 - dt.timedelta(hours=23), force=True)

    student = _reminders().get(user=mentorship.student)
    mentor = _reminders().get(user=mentorship.mentor)
    assert student.title == "Meeting with Maya Mentor on Mon 7 Dec at 04:00"
    assert "(America/New_York). Purpose: First paper" in student.body
    assert mentor.title == "Meeting with Sam Student on Mon 7 Dec at 09:00"

    nudges_sweep(now=MONDAY_9 - dt.timedelta(minutes=50), force=True)
    soon = _reminders(user=mentorship.student, period__startswith="h1").get()
    assert soon.title == "Meeting with Maya Mentor within the hour, at 04:00"


def test_a_person_who_turned_reminders_off_gets_none(meeting, mentorship):
    KindPreference.objects.create(
        user=mentorship.student, kind=Kind.MEETING_REMINDER, mode=Mode.OFF
    )
    KindPreference.objects.create(
        user=mentorship.mentor, kind=Kind.MEETING_REMINDER, mode=Mode.DAILY
    )
    nudges_sweep(now=MONDAY_9 - dt.timedelta(hours=2), force=True)

    assert not _reminders(user=mentorship.student).exists()
    assert _reminders(user=mentorship.mentor).get().delivery == "daily"


def test_cancelled_meetings_and_late_bookings_get_no_day_before_reminder(meeting, mentorship):
    late = MeetingFactory(
        mentorship=mentorship, during=span(MONDAY_9 + dt.timedelta(hours=3)), purpose="Late"
    )
    Meeting.objects.filter(pk=late.pk).update(created_at=MONDAY_9 - dt.timedelta(hours=10))
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)

    nudges_sweep(now=MONDAY_9 - dt.timedelta(hours=8), force=True)
    assert not _reminders().exists()
    # Booked 13 hours ahead, it still gets the hour-before reminder.
    nudges_sweep(now=MONDAY_9 + dt.timedelta(hours=2, minutes=30), force=True)
    assert set(_reminders().values_list("object_id", "period")) == {(late.pk, "h1-202612071200")}


def test_a_moved_meeting_is_reminded_of_at_its_new_time(meeting, mentorship):
    nudges_sweep(now=MONDAY_9 - dt.timedelta(hours=20), force=True)
    new_start = MONDAY_9 + dt.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        during=span(new_start), rescheduled_at=MONDAY_9 - dt.timedelta(hours=19)
    )
    nudges_sweep(now=new_start - dt.timedelta(hours=23), force=True)
    assert _reminders(period="h24-202612080900").count() == 2
