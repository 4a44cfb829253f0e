"""Feedback after a meeting: writes and reads.

Each of the two people of a meeting answers once, from the meeting's start on, and may
change the answer for a day after giving it. Fit answers and the private notes reach
the programme's coordinators (``apps.meetings.health``); the other person of the
meeting sees neither.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from apps.meetings.models import MAX_FEEDBACK_NOTE, Fit, Meeting, MeetingFeedback

if TYPE_CHECKING:
    from apps.accounts.models import User

EDITABLE_FOR = dt.timedelta(days=1)
# Past meetings older than this no longer ask for an answer.
PROMPT_WITHIN = dt.timedelta(days=30)


class FeedbackError(Exception):
    """A request the rules do not allow; the message is shown to the person as is."""


def feedback_of(*, meeting: Meeting, author: User) -> MeetingFeedback | None:
    return MeetingFeedback.objects.filter(meeting=meeting, author_id=author.pk).first()


def can_give_feedback(*, meeting: Meeting, user: User, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return meeting.involves(user.pk) and meeting.is_active and meeting.start <= now


def can_edit_feedback(*, feedback: MeetingFeedback, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) < feedback.created_at + EDITABLE_FOR


def meeting_feedback_give(
    *,
    meeting: Meeting,
    author: User,
    useful: int,
    fit: str,
    note_to_coordinator: str = "",
    now: dt.datetime | None = None,
) -> MeetingFeedback:
    """Record ``author``'s answer about ``meeting``, or change it within a day."""
    now = now or timezone.now()
    if not meeting.involves(author.pk):
        raise FeedbackError("Only the two people of a meeting can give feedback on it.")
    if not meeting.is_active:
        raise FeedbackError("This meeting was cancelled.")
    if meeting.start > now:
        raise FeedbackError("Feedback opens when the meeting starts.")
    if not isinstance(useful, int) or not 1 <= useful <= 5:
        raise FeedbackError("Say how useful the meeting was, from 1 to 5.")
    if fit not in Fit.values:
        raise FeedbackError("Say whether this is a good fit.")
    note = note_to_coordinator.strip()
    if len(note) > MAX_FEEDBACK_NOTE:
        raise FeedbackError(f"Keep the note under {MAX_FEEDBACK_NOTE} characters.")
    values = {"useful": useful, "fit": fit, "note_to_coordinator": note}
    try:
        with transaction.atomic():
            existing = (
                MeetingFeedback.objects.select_for_update()
                .filter(meeting=meeting, author_id=author.pk)
                .first()
            )
            if existing is None:
                return MeetingFeedback.objects.create(meeting=meeting, author=author, **values)
            if not can_edit_feedback(feedback=existing, now=now):
                raise FeedbackError("Feedback can be changed for a day after giving it.")
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save(update_fields=[*values, "updated_at"])
            return existing
    except IntegrityError:
        # Two tabs answered at once; the constraint kept the first answer.
        raise FeedbackError("You already answered for this meeting.") from None


def awaiting_feedback(*, user: User, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """The person's meetings of the last 30 days that have started and that they have
    not answered for, oldest first. One query."""
    now = now or timezone.now()
    answered = MeetingFeedback.objects.filter(meeting_id=OuterRef("pk"), author_id=user.pk)
    return (
        Meeting.objects.active()
        .involving(user.pk)
        .filter(during__startswith__lte=now, during__startswith__gte=now - PROMPT_WITHIN)
        .filter(~Exists(answered))
        .order_by("during", "pk")
    )


def awaiting_feedback_ids(*, user: User, now: dt.datetime | None = None) -> set[int]:
    """Ids of ``awaiting_feedback``, for a list page to mark its rows (one query)."""
    return set(awaiting_feedback(user=user, now=now).values_list("pk", flat=True))


def feedback_due(*, meeting: Meeting, user: User, now: dt.datetime | None = None) -> bool:
    """Does the meeting's page ask ``user`` for an answer? One query."""
    return awaiting_feedback(user=user, now=now).filter(pk=meeting.pk).exists()
