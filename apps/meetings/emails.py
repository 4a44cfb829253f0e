"""One function per meeting email kind, each rendered from subject / text / HTML
templates, in each person's own time zone, with the iCalendar invitation attached as
``text/calendar`` so calendar clients offer to add, update or remove the event.

Called from the thin task in ``tasks.py`` after the booking's transaction committed.
"""

from __future__ import annotations

from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from apps.meetings import invitations
from apps.meetings.models import Meeting
from apps.meetings.selectors import zone_of


def _calendar_part(ics: bytes, method: str) -> MIMEText:
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def _send(kind: str, meeting: Meeting, method: str) -> None:
    ics = invitations.build_invitation(meeting, method=method)
    for person in (meeting.student, meeting.mentor):
        zone = zone_of(person)
        other = meeting.mentor if person.pk == meeting.student_id else meeting.student
        context: dict[str, Any] = {
            "site_url": settings.SITE_URL,
            "meeting": meeting,
            "person": person,
            "other": other,
            "start": meeting.start.astimezone(zone),
            "end": meeting.end.astimezone(zone),
            "zone": zone.key,
            "url": invitations.meeting_url(meeting),
        }
        # Templates show times in the active zone: the reader's.
        with timezone.override(zone):
            subject = render_to_string(f"meetings/emails/{kind}_subject.txt", context)
            text = render_to_string(f"meetings/emails/{kind}.txt", context)
            html = render_to_string(f"meetings/emails/{kind}.html", context)
        message = EmailMultiAlternatives(
            " ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, [person.email]
        )
        message.attach_alternative(html, "text/html")
        message.attach(_calendar_part(ics, method))
        message.send()


def send_meeting_booked(meeting: Meeting) -> None:
    _send("meeting_booked", meeting, invitations.REQUEST)


def send_meeting_rescheduled(meeting: Meeting) -> None:
    _send("meeting_rescheduled", meeting, invitations.REQUEST)


def send_meeting_cancelled(meeting: Meeting) -> None:
    _send("meeting_cancelled", meeting, invitations.CANCEL)


def send_for_current_state(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        send_meeting_cancelled(meeting)
    elif meeting.sequence == 0:
        send_meeting_booked(meeting)
    else:
        send_meeting_rescheduled(meeting)
