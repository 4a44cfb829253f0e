"""Writes for meetings: booking, moving, cancelling, the agenda and the check-in note.

Every booking rule is checked inside one transaction that first locks the mentor's
availability row, so two bookings with the same mentor are decided one after the other
(the weekly cap cannot be overshot by two at once). The exclusion constraints on
``Meeting`` are the last word on overlaps: should anything else write a meeting, the
database still refuses a double booking, and that refusal is reported as "just taken".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from psycopg.errors import DeadlockDetected

from apps.core.enqueue import enqueue_on_commit
from apps.core.text import validate_single_line
from apps.matching.models import Mentorship
from apps.matching.selectors import mentor_can_view
from apps.meetings import selectors, slots
from apps.meetings.agenda import draft_agenda
from apps.meetings.models import (
    MAX_AGENDA,
    MAX_PURPOSE,
    MAX_REASON,
    AvailabilitySettings,
    Meeting,
)
from apps.milestones.services import checkin_create

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.milestones.models import CheckIn, Plan

JUST_TAKEN = "That time has just been taken by another booking. Choose another time."
INVITATION_TASK = "meetings.email_invitation"
NO_OVERLAP_CONSTRAINTS = {"meeting_mentor_no_overlap", "meeting_student_no_overlap"}

ENDED_MENTORSHIP_REASON = "The mentorship has ended."


def _required_text(value: str, *, field: str, label: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: f"Write {label}."})
    if len(value) > limit:
        raise ValidationError({field: f"Keep {label} under {limit} characters."})
    return value


def _lock_rules(mentorship: Mentorship) -> AvailabilitySettings:
    """Lock the mentor's availability (bookings with one mentor go one at a time) and
    check that the mentorship is still active, under a lock too: a mentorship ended a
    moment ago takes no more bookings."""
    settings = (
        AvailabilitySettings.objects.select_for_update()
        .filter(mentor_id=mentorship.mentor_id)
        .first()
    )
    if settings is None:
        raise ValidationError({"start": "Your mentor has not published any availability."})
    still_active = (
        Mentorship.objects.select_for_update()
        .filter(pk=mentorship.pk, status=Mentorship.Status.ACTIVE)
        .exists()
    )
    if not still_active:
        raise ValidationError("This mentorship is no longer active.")
    return settings


def _check_slot(
    mentorship: Mentorship, start: dt.datetime, now: dt.datetime, exclude: Meeting | None = None
) -> slots.Rules:
    context = selectors.booking_context(mentorship=mentorship, now=now, exclude=exclude)
    if context is None:
        raise ValidationError({"start": "Your mentor has not published any availability."})
    problem = slots.slot_problem(context.rules, context.booked, now, start)
    if problem:
        raise ValidationError({"start": problem})
    return context.rules


def _save_or_taken(meeting: Meeting, **kwargs) -> None:
    # A savepoint, so that a refusal by the exclusion constraint leaves the outer
    # transaction usable for the clear error raised instead.
    try:
        with transaction.atomic():
            meeting.save(**kwargs)
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint in NO_OVERLAP_CONSTRAINTS:
            raise ValidationError({"start": JUST_TAKEN}) from exc
        raise
    except OperationalError as exc:
        # Two overlapping bookings inserted at once wait on each other's row while the
        # constraint is checked; PostgreSQL ends one of them: that one lost the slot.
        if isinstance(exc.__cause__, DeadlockDetected):
            raise ValidationError({"start": JUST_TAKEN}) from exc
        raise


def _send_invitations(meeting: Meeting) -> None:
    enqueue_on_commit(INVITATION_TASK, meeting.pk, meeting.sequence)


def meeting_book(
    *,
    mentorship: Mentorship,
    start: dt.datetime,
    purpose: str,
    now: dt.datetime | None = None,
) -> Meeting:
    """The mentee books a free slot with their mentor."""
    now = now or timezone.now()
    purpose = _required_text(purpose, field="purpose", label="a short purpose", limit=MAX_PURPOSE)
    try:
        validate_single_line(purpose)
    except ValidationError as exc:
        raise ValidationError({"purpose": exc.messages}) from exc
    with transaction.atomic():
        settings = _lock_rules(mentorship)
        rules = _check_slot(mentorship, start, now)
        meeting = Meeting(
            mentorship=mentorship,
            mentor_id=mentorship.mentor_id,
            student_id=mentorship.student_id,
            during=DateTimeTZRange(start, start + rules.meeting_length),
            purpose=purpose,
            location=settings.location,
            booked_by_id=mentorship.student_id,
        )
        _save_or_taken(meeting)
        # Drafted once the meeting exists, so the drafting can tell it from earlier ones.
        meeting.agenda = draft_agenda(meeting=meeting)[:MAX_AGENDA]
        meeting.save(update_fields=["agenda"])
        _send_invitations(meeting)
    return meeting


def _lock_meeting(meeting: Meeting, by: User, now: dt.datetime) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("mentorship").get(pk=meeting.pk)
    if not locked.involves(by.pk):
        raise ValidationError("Only the mentor and the mentee of this meeting can change it.")
    if locked.status != Meeting.Status.BOOKED:
        raise ValidationError("This meeting has been cancelled.")
    if locked.start <= now:
        raise ValidationError("This meeting has already started.")
    return locked


def meeting_reschedule(
    *,
    meeting: Meeting,
    by: User,
    start: dt.datetime,
    reason: str,
    now: dt.datetime | None = None,
) -> Meeting:
    """Move a meeting to another free slot; both people are sent the updated invitation."""
    now = now or timezone.now()
    reason = _required_text(reason, field="reason", label="a reason", limit=MAX_REASON)
    with transaction.atomic():
        locked = _lock_meeting(meeting, by, now)
        _lock_rules(locked.mentorship)
        if start == locked.start:
            raise ValidationError({"start": "The meeting is already at that time."})
        rules = _check_slot(locked.mentorship, start, now, exclude=locked)
        locked.during = DateTimeTZRange(start, start + rules.meeting_length)
        locked.sequence += 1
        locked.rescheduled_by = by
        locked.rescheduled_at = now
        locked.reschedule_reason = reason
        _save_or_taken(
            locked,
            update_fields=[
                "during",
                "sequence",
                "rescheduled_by",
                "rescheduled_at",
                "reschedule_reason",
                "updated_at",
            ],
        )
        _send_invitations(locked)
    return locked


def meeting_cancel(
    *, meeting: Meeting, by: User, reason: str, now: dt.datetime | None = None
) -> Meeting:
    now = now or timezone.now()
    reason = _required_text(reason, field="reason", label="a reason", limit=MAX_REASON)
    with transaction.atomic():
        locked = _lock_meeting(meeting, by, now)
        _cancel(locked, by=by, reason=reason, now=now)
    return locked


def meetings_cancel_for_ended_mentorship(
    *, mentorship: Mentorship, by: User, now: dt.datetime
) -> int:
    """Cancel the pair's meetings still to come when their mentorship ends (whoever
    ended it: either person or a coordinator); both are sent the cancellation."""
    upcoming = Meeting.objects.select_for_update().filter(
        mentorship=mentorship, status=Meeting.Status.BOOKED, during__startswith__gt=now
    )
    cancelled = 0
    for meeting in upcoming:
        _cancel(meeting, by=by, reason=ENDED_MENTORSHIP_REASON, now=now)
        cancelled += 1
    return cancelled


def _cancel(meeting: Meeting, *, by: User, reason: str, now: dt.datetime) -> None:
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.cancelled_by = by
    meeting.cancelled_at = now
    meeting.cancel_reason = reason
    meeting.save(
        update_fields=[
            "status",
            "sequence",
            "cancelled_by",
            "cancelled_at",
            "cancel_reason",
            "updated_at",
        ]
    )
    _send_invitations(meeting)


def meeting_agenda_update(
    *, meeting: Meeting, by: User, agenda: str, now: dt.datetime | None = None
) -> Meeting:
    """Either person edits the agenda, until the meeting starts."""
    now = now or timezone.now()
    if len(agenda) > MAX_AGENDA:
        raise ValidationError({"agenda": f"Keep the agenda under {MAX_AGENDA} characters."})
    with transaction.atomic():
        locked = _lock_meeting(meeting, by, now)
        locked.agenda = agenda.strip()
        locked.agenda_updated_at = now
        locked.agenda_updated_by = by
        locked.save(
            update_fields=["agenda", "agenda_updated_at", "agenda_updated_by", "updated_at"]
        )
    return locked


def meeting_checkin_create(
    *,
    meeting: Meeting,
    by: User,
    plan: Plan,
    date: dt.date,
    agenda: str = "",
    notes: str = "",
    action_items: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> CheckIn:
    """Write the check-in note of a meeting that has started, on one of the mentee's
    plans, through the check-in feature (whose action items become milestones)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.involves(by.pk):
            raise ValidationError("Only the mentor and the mentee of this meeting can write it.")
        if locked.status != Meeting.Status.BOOKED:
            raise ValidationError("This meeting was cancelled.")
        if locked.start > now:
            raise ValidationError("The check-in note can be written once the meeting has started.")
        if locked.checkin_id is not None:
            raise ValidationError("This meeting already has its check-in note.")
        if plan.owner_id != locked.student_id or not mentor_can_view(
            viewer=by, owner=plan.owner_id, area="plan"
        ):
            raise ValidationError({"plan": "Choose one of the mentee's plans you can see."})
        checkin = checkin_create(
            plan=plan,
            author=by,
            mentor=locked.mentor,
            date=date,
            agenda=agenda,
            notes=notes,
            action_items=action_items,
        )
        locked.checkin = checkin
        locked.save(update_fields=["checkin", "updated_at"])
    meeting.checkin = checkin
    return checkin
