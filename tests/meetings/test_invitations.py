"""Booking, moving and cancelling email both people an iCalendar invitation; every one is
parsed back here."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import mail

from apps.meetings import services
from apps.meetings.invitations import CANCEL, REQUEST, build_invitation
from tests.meetings.conftest import MONDAY_9, NOW

pytestmark = pytest.mark.django_db


def _calendar_parts(message) -> list[tuple[str, icalendar.Calendar]]:
    found = []
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            found.append((part.get_param("method"), cal))
    return found


def _event(cal: icalendar.Calendar) -> icalendar.Event:
    (event,) = cal.walk("VEVENT")
    return event


def test_the_three_invitations_share_a_uid_and_raise_the_sequence(
    mentorship, availability, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_book(
            mentorship=mentorship, start=MONDAY_9, purpose="First paper", now=NOW
        )
    booked = list(mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_reschedule(
            meeting=meeting,
            by=mentorship.mentor,
            start=MONDAY_9 + dt.timedelta(days=1),
            reason="Seminar",
            now=NOW,
        )
    moved = list(mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, by=mentorship.student, reason="Ill", now=NOW)
    cancelled = list(mail.outbox)

    uids = set()
    for messages, method, sequence, start, status in [
        (booked, REQUEST, 0, MONDAY_9, "CONFIRMED"),
        (moved, REQUEST, 1, MONDAY_9 + dt.timedelta(days=1), "CONFIRMED"),
        (cancelled, CANCEL, 2, MONDAY_9 + dt.timedelta(days=1), "CANCELLED"),
    ]:
        assert sorted(m.to[0] for m in messages) == sorted(
            [mentorship.mentor.email, mentorship.student.email]
        )
        for message in messages:
            ((part_method, cal),) = _calendar_parts(message)
            assert part_method == method
            assert str(cal["METHOD"]) == method
            event = _event(cal)
            uids.add(str(event["UID"]))
            assert int(event["SEQUENCE"]) == sequence
            assert str(event["STATUS"]) == status
            assert event.decoded("DTSTART") == start
            assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
            assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=30)
            assert str(event["ORGANIZER"]) == f"mailto:{mentorship.mentor.email}"
            attendees = sorted(str(a) for a in event["ATTENDEE"])
            assert attendees == sorted(
                [f"mailto:{mentorship.mentor.email}", f"mailto:{mentorship.student.email}"]
            )
    assert uids == {meeting.ical_uid}


def test_each_person_reads_the_time_in_their_own_zone(
    mentorship, availability, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_book(mentorship=mentorship, start=MONDAY_9, purpose="Paper", now=NOW)

    by_person = {m.to[0]: m for m in mail.outbox}
    mentor_mail = by_person[mentorship.mentor.email]
    student_mail = by_person[mentorship.student.email]
    # Monday 09:00 in London is 04:00 in New York.
    assert "Mon 7 Dec, 09:00" in mentor_mail.subject
    assert "Mon 7 Dec, 04:00" in student_mail.subject
    assert "(America/New_York)" in student_mail.body
    assert "Sam Student booked a meeting with you" in mentor_mail.body
    html = student_mail.alternatives[0][0]
    assert "You booked a meeting" in html
    assert "04:00" in html


def test_an_invitation_survives_a_purpose_that_looks_like_icalendar(mentorship):
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory(mentorship=mentorship, purpose="Talk; about, this: END:VEVENT")
    cal = icalendar.Calendar.from_ical(build_invitation(meeting, method=REQUEST))
    assert str(_event(cal)["DESCRIPTION"]).startswith("Talk; about, this: END:VEVENT")
    assert len(cal.walk("VEVENT")) == 1


def test_a_superseded_invitation_is_not_sent(
    mentorship, availability, django_capture_on_commit_callbacks
):
    # Booked and moved before the first email went: only the newer invitation goes.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting = services.meeting_book(mentorship=mentorship, start=MONDAY_9, purpose="P", now=NOW)
        services.meeting_reschedule(
            meeting=meeting, by=mentorship.student, start=MONDAY_9 + dt.timedelta(days=1),
            reason="Clash", now=NOW,
        )  # fmt: skip
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    assert all("moved" in m.subject.lower() for m in mail.outbox)
