"""The nudges' vocabularies: kinds, delivery modes and digest names, and the text type.

Kept apart from the models so that the rules and the rendering of a notification's words
can use them without importing the models that use them in turn.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import models

# A person's digest schedule when they have chosen none.
DEFAULT_DIGEST_HOUR = 8
DEFAULT_WEEKLY_DAY = 1  # Monday


class NudgeText(NamedTuple):
    title: str
    body: str


class Mode(models.TextChoices):
    OFF = "off", "Off"
    IMMEDIATE = "immediate", "Straight away"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"


class Kind(models.TextChoices):
    MILESTONE_DUE = "milestone_due", "Milestone due soon"
    MILESTONE_OVERDUE = "milestone_overdue", "Milestone overdue"
    DRAFT_STALLED = "draft_stalled", "Paper draft stalled before a deadline"
    DEADLINE_COUNTDOWN = "deadline_countdown", "Venue deadline countdown"
    FOLLOW_UP_DUE = "follow_up_due", "Outreach follow-up due"
    CARDS_DUE = "cards_due", "Maths review cards due"
    MENTORSHIP_REQUEST = "mentorship_request", "Mentorship request received"
    MENTORSHIP_ACCEPTED = "mentorship_accepted", "Mentorship request accepted"
    MENTORSHIP_DECLINED = "mentorship_declined", "Mentorship request declined"
    MENTORSHIP_MATCHED = "mentorship_matched", "Matched by a mentoring programme"
    MENTORSHIP_EXPIRING = "mentorship_expiring", "Mentorship request expiring"
    MENTOR_WEEKLY = "mentor_weekly", "Weekly summary of my mentees"
    STUDENT_WEEKLY = "student_weekly", "My weekly summary"
    MEETING_REMINDER = "meeting_reminder", "Meeting reminders"
    MESSAGE_RECEIVED = "message_received", "New messages from my mentor or mentee"
    PAIRING_FIT_ALERT = "pairing_fit_alert", "A pairing in my programme may not fit"
    REQUEST_EXPIRED_EARLY = "request_expired_early", "Mentorship request closed unanswered"


# Outbox kinds that are not a notification kind: one email gathering many notifications.
DIGEST_DAILY = "digest_daily"
DIGEST_WEEKLY = "digest_weekly"
UNSUBSCRIBE_ALL = "all"


class Delivery(models.TextChoices):
    """How a notification reaches email, decided when it is created."""

    NONE = "none", "In the app only"
    IMMEDIATE = "immediate", "Email straight away"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
