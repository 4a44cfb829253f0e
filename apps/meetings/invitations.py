"""iCalendar invitations (RFC 5546 iTIP) for a meeting, built with ``icalendar``.

One UID for the meeting's whole life and a SEQUENCE that grows with every change, so a
calendar client updates (or removes) the event it already has instead of adding another.
Times are in UTC: every client converts them to its own zone.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import Meeting

if TYPE_CHECKING:
    from apps.accounts.models import User

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PRODID = "-//Pacer//Meetings//EN"


def _person(user: User, *, role: str = "") -> icalendar.vCalAddress:
    value = icalendar.vCalAddress(f"mailto:{user.email}")
    value.params["CN"] = user.name
    if role:
        value.params["ROLE"] = role
        value.params["PARTSTAT"] = "ACCEPTED"
        value.params["CUTYPE"] = "INDIVIDUAL"
    return value


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("meetings:meeting_detail", args=[meeting.pk])


def meeting_event(meeting: Meeting, *, stamp: dt.datetime | None = None) -> icalendar.Event:
    """The meeting as a VEVENT (also what the personal calendar feed lists)."""
    event = icalendar.Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", meeting.start.astimezone(dt.UTC))
    event.add("dtend", meeting.end.astimezone(dt.UTC))
    event.add("summary", f"Mentoring: {meeting.student.name} and {meeting.mentor.name}")
    event.add("description", f"{meeting.purpose}\n\n{meeting_url(meeting)}")
    event.add("url", meeting_url(meeting))
    if meeting.location:
        event.add("location", meeting.location)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _person(meeting.mentor))
    event.add("attendee", _person(meeting.mentor, role="CHAIR"))
    event.add("attendee", _person(meeting.student, role="REQ-PARTICIPANT"))
    return event


def build_invitation(meeting: Meeting, *, method: str) -> bytes:
    """A whole iCalendar object with METHOD ``REQUEST`` (booked or moved) or ``CANCEL``."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(meeting_event(meeting))
    return cal.to_ical()


def method_for(meeting: Meeting) -> str:
    return CANCEL if meeting.status == Meeting.Status.CANCELLED else REQUEST
