"""Writes for mentor profiles, student preferences, one-to-one mentorships and mentor
notes. Programmes and invitations are written in ``programmes``, co-coordinators in
``coordinators``, matching rounds in ``rounds``.

Every function validates first and raises ``MatchingError`` with a message fit for the
person who asked, before changing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.registry import mentorship_end_hooks
from apps.matching.models import (
    MentorNote,
    MentorProfile,
    Mentorship,
    ShareArea,
    StudentPreferences,
)
from apps.matching.selectors import coordinates_mentorship

if TYPE_CHECKING:
    from apps.accounts.models import User


class MatchingError(Exception):
    """A request the rules do not allow; the message is shown to the person as is."""


Status = Mentorship.Status

# --- Profiles ------------------------------------------------------------------------

MENTOR_PROFILE_FIELDS = (
    "research_areas",
    "topic_tags",
    "method_tags",
    "seniority",
    "institution",
    "can_supervise_phd",
    "capacity",
    "accepting",
    "cadence",
    "involvement",
    "channel",
    "languages",
    "offer",
)
PREFERENCE_FIELDS = (
    "interests",
    "tags",
    "goals",
    "preferred_seniority",
    "preferred_cadence",
    "preferred_involvement",
    "preferred_channel",
    "languages",
    "timezone_tolerance_hours",
)


def _active_count(mentor_id: int) -> int:
    return Mentorship.objects.filter(mentor_id=mentor_id, status=Status.ACTIVE).count()


@transaction.atomic
def mentor_profile_update(*, user: User, **values: Any) -> MentorProfile:
    """Create or update ``user``'s mentor profile. Capacity may not drop below the
    number of mentees already active: the profile row is locked while counting, so an
    acceptance cannot slip in between."""
    unknown = set(values) - set(MENTOR_PROFILE_FIELDS)
    if unknown:
        raise MatchingError(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    profile, _ = MentorProfile.objects.get_or_create(user=user)
    profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
    if "capacity" in values:
        active = _active_count(user.pk)
        if values["capacity"] < active:
            raise MatchingError(
                f"You already mentor {active} people; capacity cannot be lower than that. "
                "End a mentorship first."
            )
    for name, value in values.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.full_clean(exclude=["user"])
    profile.save(update_fields=[*values, "updated_at"])
    if not user.is_mentor:
        user.is_mentor = True
        user.save(update_fields=["is_mentor"])
    return profile


def student_preferences_update(*, user: User, **values: Any) -> StudentPreferences:
    unknown = set(values) - set(PREFERENCE_FIELDS)
    if unknown:
        raise MatchingError(f"Unknown preference fields: {', '.join(sorted(unknown))}.")
    prefs, _ = StudentPreferences.objects.get_or_create(user=user)
    for name, value in values.items():
        setattr(prefs, name, value.strip() if isinstance(value, str) else value)
    prefs.full_clean(exclude=["user"])
    prefs.save(update_fields=[*values, "updated_at"])
    return prefs


# --- One-to-one mentorships ------------------------------------------------------------


# Mentorship events (request, answer, a published round's matches) reach people through
# the nudges outbox, whose rules read these rows; only invitations are mailed from here.


def mentorship_request(*, student: User, mentor: User, message: str = "") -> Mentorship:
    if student.pk == mentor.pk:
        raise MatchingError("You cannot ask yourself to be your mentor.")
    profile = MentorProfile.objects.filter(user=mentor).first()
    if profile is None or not mentor.is_mentor:
        raise MatchingError("This person does not mentor on Pacer.")
    if not profile.accepting:
        raise MatchingError(f"{mentor.name} is not accepting new mentees at the moment.")
    existing = Mentorship.objects.filter(
        student=student, mentor=mentor, status__in=[Status.PENDING, Status.ACTIVE]
    ).first()
    if existing is not None:
        if existing.status == Status.ACTIVE:
            raise MatchingError(f"{mentor.name} already mentors you.")
        raise MatchingError(f"You already have a pending request to {mentor.name}.")
    limit = settings.PACER_MAX_PENDING_REQUESTS
    pending = Mentorship.objects.filter(student=student, status=Status.PENDING).count()
    if pending >= limit:
        raise MatchingError(
            f"You already have {pending} pending requests (the limit is {limit}). "
            "Withdraw one or wait for an answer."
        )
    if _active_count(mentor.pk) >= profile.capacity:
        raise MatchingError(f"{mentor.name} has no free places right now.")
    now = timezone.now()
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                student=student,
                mentor=mentor,
                message=message.strip(),
                expires_at=now + dt.timedelta(days=settings.PACER_REQUEST_EXPIRY_DAYS),
            )
    except IntegrityError:
        # Two tabs sent the same request at once; the constraint kept one.
        raise MatchingError(f"You already have a pending request to {mentor.name}.") from None
    return mentorship


def _locked_pending(mentorship_id: int) -> Mentorship:
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship_id)
    if mentorship.status != Status.PENDING:
        raise MatchingError(f"This request is already {mentorship.get_status_display().lower()}.")
    if mentorship.expires_at and mentorship.expires_at <= timezone.now():
        raise MatchingError("This request has expired.")
    return mentorship


def mentorship_accept(*, mentorship: Mentorship, mentor: User, note: str = "") -> Mentorship:
    """Activate a pending request without ever exceeding the mentor's capacity.

    Two acceptances at the same moment (two tabs, two requests) are serialised by
    locking the mentor's profile row first: the second waits, then counts the first
    one's activation and refuses if the mentor is full.
    """
    if mentorship.mentor_id != mentor.pk:
        raise MatchingError("Only the requested mentor can accept.")
    with transaction.atomic():
        profile = MentorProfile.objects.select_for_update().filter(user_id=mentor.pk).first()
        if profile is None:
            raise MatchingError("Set up your mentor profile first.")
        locked = _locked_pending(mentorship.pk)
        active = _active_count(mentor.pk)
        if active >= profile.capacity:
            raise MatchingError(
                f"You are at capacity ({active} of {profile.capacity}). "
                "Raise your capacity or end a mentorship first."
            )
        now = timezone.now()
        locked.status = Status.ACTIVE
        locked.response_note = note.strip()
        locked.responded_at = now
        locked.started_at = now
        locked.save(update_fields=["status", "response_note", "responded_at", "started_at"])
    return locked


@transaction.atomic
def mentorship_decline(*, mentorship: Mentorship, mentor: User, note: str = "") -> Mentorship:
    if mentorship.mentor_id != mentor.pk:
        raise MatchingError("Only the requested mentor can decline.")
    locked = _locked_pending(mentorship.pk)
    locked.status = Status.DECLINED
    locked.response_note = note.strip()
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "response_note", "responded_at"])
    return locked


@transaction.atomic
def mentorship_withdraw(*, mentorship: Mentorship, student: User) -> Mentorship:
    if mentorship.student_id != student.pk:
        raise MatchingError("Only the student who asked can withdraw the request.")
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status != Status.PENDING:
        raise MatchingError("Only a pending request can be withdrawn.")
    locked.status = Status.WITHDRAWN
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "ended_at"])
    return locked


@transaction.atomic
def mentorship_end(*, mentorship: Mentorship, by: User, reason: str) -> Mentorship:
    """End an active mentorship: either person may, and so may a coordinator of a
    programme the pair belongs to (when the pairing does not work out). The student
    stays in their cohorts, so the next round matches them again, and may ask another
    mentor at once."""
    if by.pk not in (mentorship.student_id, mentorship.mentor_id) and not (
        coordinates_mentorship(user=by, mentorship=mentorship)
    ):
        raise MatchingError("Only the mentor or the mentee can end a mentorship.")
    reason = reason.strip()
    if not reason:
        raise MatchingError("Please give a reason for ending the mentorship.")
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status != Status.ACTIVE:
        raise MatchingError("Only an active mentorship can be ended.")
    locked.status = Status.ENDED
    locked.end_reason = reason
    locked.ended_by = by
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "end_reason", "ended_by", "ended_at"])
    for _name, hook in mentorship_end_hooks.items():
        hook(mentorship=locked, by=by, now=locked.ended_at)
    return locked


def mentorship_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every pending request past its date in one conditional UPDATE, so a
    request accepted at the same moment (which locks and re-checks) is never flipped."""
    now = now or timezone.now()
    return Mentorship.objects.filter(status=Status.PENDING, expires_at__lte=now).update(
        status=Status.EXPIRED, ended_at=now
    )


@transaction.atomic
def mentorships_expire_early(*, mentors: Q, now: dt.datetime) -> list[Mentorship]:
    """Expire now the pending requests to the mentors ``mentors`` selects (a filter on
    ``mentor_id``), returns them. Rows are locked as
    acceptance locks them, so a request being accepted at this moment is left alone
    (skipped) and one accepted just before is no longer pending."""
    pending = Mentorship.objects.filter(mentors, status=Status.PENDING)
    locked = list(pending.select_for_update(skip_locked=True).order_by("pk"))
    Mentorship.objects.filter(pk__in=[m.pk for m in locked]).update(
        status=Status.EXPIRED, ended_at=now
    )
    for mentorship in locked:
        mentorship.status, mentorship.ended_at = Status.EXPIRED, now
    return locked


def mentorship_update_sharing(
    *, mentorship: Mentorship, student: User, areas: Iterable[str]
) -> Mentorship:
    if mentorship.student_id != student.pk:
        raise MatchingError("Only the mentee decides what a mentor sees.")
    wanted = set(areas)
    unknown = wanted - set(ShareArea.values)
    if unknown:
        raise MatchingError(f"Unknown areas: {', '.join(sorted(unknown))}.")
    fields = [f"share_{area}" for area in ShareArea.values]
    for area in ShareArea.values:
        setattr(mentorship, f"share_{area}", area in wanted)
    mentorship.save(update_fields=fields)
    return mentorship


# --- Mentor notes ------------------------------------------------------------------------


def mentor_note_create(*, mentor: User, student: User, body: str) -> MentorNote:
    body = body.strip()
    if not body:
        raise MatchingError("A note cannot be empty.")
    if not Mentorship.objects.filter(
        mentor=mentor, student=student, status__in=[Status.ACTIVE, Status.ENDED]
    ).exists():
        raise MatchingError("You can only keep notes on your mentees.")
    return MentorNote.objects.create(mentor=mentor, student=student, body=body)


def mentor_note_delete(*, note: MentorNote, mentor: User) -> None:
    if note.mentor_id != mentor.pk:
        raise MatchingError("Only the note's author can delete it.")
    note.delete()
