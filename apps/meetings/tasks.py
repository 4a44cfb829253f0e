"""Thin Celery tasks: take ids, fetch, call one email function.

Services enqueue these by name (``apps.core.enqueue``) and never import this module.
"""

from __future__ import annotations

import smtplib

from celery import shared_task

from apps.meetings import emails
from apps.meetings.models import Meeting

# Only delivery problems are worth retrying; a missing row means the work is moot.
_TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(
    name="meetings.email_invitation",
    autoretry_for=_TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def email_invitation(meeting_id: int, sequence: int) -> None:
    meeting = Meeting.objects.select_related("mentor", "student").filter(pk=meeting_id).first()
    # A later change (a newer SEQUENCE) sends its own invitation, which supersedes this one.
    if meeting is not None and meeting.sequence == sequence:
        emails.send_for_current_state(meeting)
