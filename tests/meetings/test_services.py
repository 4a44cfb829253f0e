"""Booking, moving and cancelling: every rule, a clear message, and nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from apps.matching.models import Mentorship
from apps.meetings import availability, services
from apps.meetings.models import AvailabilityException, Meeting
from tests.matching.factories import MentorshipFactory
from tests.meetings.conftest import MONDAY_9, NOW
from tests.meetings.factories import ExceptionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _book(mentorship, start, purpose="Discuss my first paper"):
    return services.meeting_book(mentorship=mentorship, start=start, purpose=purpose, now=NOW)


def _refused(mentorship, start, expected: str, **kw):
    before = list(Meeting.objects.values_list("pk", "during", "status"))
    with pytest.raises(ValidationError) as exc:
        _book(mentorship, start, **kw)
    assert expected in " ".join(exc.value.messages)
    assert list(Meeting.objects.values_list("pk", "during", "status")) == before


def test_booking_a_free_slot_makes_a_meeting_with_the_purpose_as_agenda(mentorship, availability):
    meeting = _book(mentorship, MONDAY_9)

    assert meeting.start == MONDAY_9
    assert meeting.end == MONDAY_9 + dt.timedelta(minutes=30)
    assert (meeting.mentor, meeting.student) == (mentorship.mentor, mentorship.student)
    assert meeting.status == Meeting.Status.BOOKED
    assert meeting.sequence == 0
    assert meeting.agenda.strip() == "- Discuss my first paper"


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (NOW - dt.timedelta(hours=1), "already passed"),
        (NOW + dt.timedelta(minutes=30), "2 hours' notice"),
        (NOW + dt.timedelta(days=40), "at most 28 days ahead"),
        (MONDAY_9 + dt.timedelta(hours=5), "outside your mentor's availability"),
        (MONDAY_9 + dt.timedelta(minutes=7), "not one of the times offered"),
    ],
)
def test_a_bad_time_is_refused_with_a_clear_message(mentorship, availability, start, expected):
    _refused(mentorship, start, expected)


def test_a_time_when_the_mentor_is_away_is_refused(mentorship, availability):
    ExceptionFactory(
        mentor=mentorship.mentor,
        kind=AvailabilityException.Kind.AWAY,
        during=DateTimeTZRange(MONDAY_9 - dt.timedelta(hours=1), MONDAY_9 + dt.timedelta(hours=1)),
    )
    _refused(mentorship, MONDAY_9, "away")


def test_an_extra_window_can_be_booked(mentorship, availability):
    saturday = dt.datetime(2026, 12, 5, 15, tzinfo=dt.UTC)
    ExceptionFactory(
        mentor=mentorship.mentor,
        kind=AvailabilityException.Kind.EXTRA,
        during=DateTimeTZRange(saturday, saturday + dt.timedelta(hours=1)),
    )
    assert _book(mentorship, saturday).start == saturday


def test_a_taken_slot_and_its_buffer_are_refused(mentorship, availability):
    _book(mentorship, MONDAY_9)
    other = MentorshipFactory(mentor=mentorship.mentor)
    _refused(other, MONDAY_9, "just been taken")
    # 09:30 ends the first meeting; the 10-minute buffer keeps 09:30 closed too.
    _refused(other, MONDAY_9 + dt.timedelta(minutes=30), "just been taken")
    assert _book(other, MONDAY_9 + dt.timedelta(minutes=40)).pk


def test_the_weekly_cap_is_enforced_in_the_mentors_week(mentorship, availability):
    availability.weekly_cap = 2
    availability.save()
    _book(mentorship, MONDAY_9)
    _book(mentorship, MONDAY_9 + dt.timedelta(days=1))
    _refused(mentorship, MONDAY_9 + dt.timedelta(days=2), "weekly limit")
    # The next week is open again.
    assert _book(mentorship, MONDAY_9 + dt.timedelta(days=7)).pk


def test_only_an_active_mentorship_books(mentorship, availability):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.ENDED)
    _refused(mentorship, MONDAY_9, "no longer active")


def test_a_mentor_without_availability_cannot_be_booked(mentorship):
    _refused(mentorship, MONDAY_9, "has not published")


def test_an_empty_or_multi_line_purpose_is_refused(mentorship, availability):
    _refused(mentorship, MONDAY_9, "short purpose", purpose="  ")
    _refused(mentorship, MONDAY_9, "one line", purpose="Line\nBcc: x@example.org")


def test_the_database_refuses_a_double_booking_by_itself(mentorship):
    MeetingFactory(
        mentorship=mentorship, during=DateTimeTZRange(MONDAY_9, MONDAY_9 + dt.timedelta(minutes=30))
    )
    other = MentorshipFactory(mentor=mentorship.mentor)
    with pytest.raises(IntegrityError, match="meeting_mentor_no_overlap"), transaction.atomic():
        MeetingFactory(
            mentorship=other,
            during=DateTimeTZRange(
                MONDAY_9 + dt.timedelta(minutes=15), MONDAY_9 + dt.timedelta(minutes=45)
            ),
        )
    # A cancelled meeting frees its time.
    Meeting.objects.update(status=Meeting.Status.CANCELLED)
    assert MeetingFactory(
        mentorship=other, during=DateTimeTZRange(MONDAY_9, MONDAY_9 + dt.timedelta(minutes=30))
    ).pk


def test_a_mentee_cannot_be_in_two_meetings_at_once(mentorship, availability):
    MeetingFactory(
        mentorship=MentorshipFactory(student=mentorship.student),
        during=DateTimeTZRange(MONDAY_9, MONDAY_9 + dt.timedelta(minutes=30)),
    )
    _refused(mentorship, MONDAY_9, "another meeting then")


def test_the_constraint_refusal_reads_as_just_taken(mentorship, availability, monkeypatch):
    # As if another booking had committed between the checks and the insert.
    from apps.meetings import selectors

    real = selectors.booked_for

    def blind(**kw):
        return real(**{**kw, "now": kw["now"] + dt.timedelta(days=400)})

    MeetingFactory(
        mentorship=MentorshipFactory(mentor=mentorship.mentor),
        during=DateTimeTZRange(MONDAY_9, MONDAY_9 + dt.timedelta(minutes=30)),
    )
    monkeypatch.setattr(selectors, "booked_for", blind)
    _refused(mentorship, MONDAY_9, "just been taken by another booking")


# --- Moving and cancelling ----------------------------------------------------------------


def test_either_side_moves_a_meeting_with_a_reason(mentorship, availability):
    meeting = _book(mentorship, MONDAY_9)
    moved = services.meeting_reschedule(
        meeting=meeting,
        by=mentorship.mentor,
        start=MONDAY_9 + dt.timedelta(days=1),
        reason="A seminar moved",
        now=NOW,
    )
    assert moved.start == MONDAY_9 + dt.timedelta(days=1)
    assert moved.sequence == 1
    assert moved.rescheduled_by == mentorship.mentor
    # Its own old time does not block it: moving by 40 minutes within the same morning.
    again = services.meeting_reschedule(
        meeting=moved, by=mentorship.student, start=moved.start + dt.timedelta(minutes=40),
        reason="Earlier bus", now=NOW,
    )  # fmt: skip
    assert again.sequence == 2


def test_moving_needs_a_reason_and_a_free_time(mentorship, availability):
    meeting = _book(mentorship, MONDAY_9)
    for start, reason, expected in [
        (MONDAY_9 + dt.timedelta(days=1), "", "a reason"),
        (MONDAY_9 + dt.timedelta(hours=6), "Clash", "outside"),
        (MONDAY_9, "Clash", "already at that time"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.meeting_reschedule(
                meeting=meeting, by=mentorship.student, start=start, reason=reason, now=NOW
            )
        assert expected in " ".join(exc.value.messages)
    meeting.refresh_from_db()
    assert (meeting.start, meeting.sequence) == (MONDAY_9, 0)


def test_cancelling_frees_the_slot_and_bumps_the_sequence(mentorship, availability):
    meeting = _book(mentorship, MONDAY_9)
    cancelled = services.meeting_cancel(
        meeting=meeting, by=mentorship.mentor, reason="Ill", now=NOW
    )
    assert cancelled.status == Meeting.Status.CANCELLED
    assert cancelled.sequence == 1
    assert cancelled.cancel_reason == "Ill"
    assert _book(MentorshipFactory(mentor=mentorship.mentor), MONDAY_9).pk
    with pytest.raises(ValidationError, match="cancelled"):
        services.meeting_cancel(meeting=meeting, by=mentorship.mentor, reason="Again", now=NOW)


def test_a_stranger_cannot_change_a_meeting(mentorship, availability):
    meeting = _book(mentorship, MONDAY_9)
    stranger = MentorshipFactory().mentor
    with pytest.raises(ValidationError, match="Only the mentor and the mentee"):
        services.meeting_cancel(meeting=meeting, by=stranger, reason="No", now=NOW)
    with pytest.raises(ValidationError, match="Only the mentor and the mentee"):
        services.meeting_agenda_update(meeting=meeting, by=stranger, agenda="x", now=NOW)


def test_the_agenda_is_editable_until_the_meeting_starts(mentorship, availability):
    meeting = _book(mentorship, MONDAY_9)
    services.meeting_agenda_update(meeting=meeting, by=mentorship.mentor, agenda="- One", now=NOW)
    meeting.refresh_from_db()
    assert meeting.agenda == "- One"
    assert meeting.agenda_updated_by == mentorship.mentor
    with pytest.raises(ValidationError, match="already started"):
        services.meeting_agenda_update(
            meeting=meeting, by=mentorship.student, agenda="late", now=MONDAY_9
        )


# --- Availability ---------------------------------------------------------------------------


def test_overlapping_weekly_windows_are_refused(mentor):
    availability.weekly_slot_add(mentor=mentor, weekday=0, start_time=dt.time(9),
                                 end_time=dt.time(11))  # fmt: skip
    with pytest.raises(ValidationError, match="overlaps"):
        availability.weekly_slot_add(mentor=mentor, weekday=0, start_time=dt.time(10),
                                     end_time=dt.time(12))  # fmt: skip
    assert mentor.weekly_slots.count() == 1
    # Adding a window publishes availability with the default rules.
    assert mentor.meeting_settings.meeting_minutes == 30


def test_an_exception_in_the_past_or_backwards_is_refused(mentor):
    with pytest.raises(ValidationError, match="after the start"):
        availability.exception_add(mentor=mentor, kind="away", start=MONDAY_9,
                                   end=MONDAY_9, now=NOW)  # fmt: skip
    with pytest.raises(ValidationError, match="passed"):
        availability.exception_add(mentor=mentor, kind="away", start=NOW - dt.timedelta(days=2),
                                   end=NOW - dt.timedelta(days=1), now=NOW)  # fmt: skip
    assert not AvailabilityException.objects.exists()


def test_booking_on_a_changeover_day_stores_the_real_instant(mentorship, availability):
    # London springs forward on Sunday 29 March 2026 at 01:00 GMT. A 00:30-03:30 window
    # that night is two real hours: 00:30 GMT ... 03:30 BST (02:30 UTC).
    from apps.meetings.models import WeeklySlot

    availability.buffer_minutes = 0
    availability.save()
    WeeklySlot.objects.create(mentor=mentorship.mentor, weekday=6, start_time=dt.time(0, 30),
                              end_time=dt.time(3, 30))  # fmt: skip
    now = dt.datetime(2026, 3, 26, 12, tzinfo=dt.UTC)
    last = dt.datetime(2026, 3, 29, 2, 0, tzinfo=dt.UTC)  # 03:00 BST
    meeting = services.meeting_book(mentorship=mentorship, start=last, purpose="Late", now=now)
    assert meeting.end == dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.UTC)
    # 02:10 UTC would end after the window closes at 02:30 UTC (03:30 BST).
    with pytest.raises(ValidationError, match="outside"):
        services.meeting_book(
            mentorship=MentorshipFactory(mentor=mentorship.mentor),
            start=dt.datetime(2026, 3, 29, 2, 10, tzinfo=dt.UTC),
            purpose="Too late",
            now=now,
        )
