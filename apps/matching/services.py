"""Writes for mentorships, profiles, programmes and matching rounds.

Every function validates first and raises ``MatchingError`` with a message fit for the
person who asked, before changing anything.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.matching import algorithms, fit
from apps.matching.enqueue import enqueue_on_commit
from apps.matching.models import (
    Cohort,
    CohortInvitation,
    CohortMembership,
    MatchingRound,
    MemberRole,
    MentorNote,
    MentorProfile,
    Mentorship,
    Programme,
    ProgrammeCoordinator,
    ProposedPair,
    RoundChoice,
    ShareArea,
    StudentPreferences,
    split_list,
)
from apps.matching.selectors import is_programme_coordinator

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
    if by.pk not in (mentorship.student_id, mentorship.mentor_id):
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
    return locked


def mentorship_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every pending request past its date in one conditional UPDATE, so a
    request accepted at the same moment (which locks and re-checks) is never flipped."""
    now = now or timezone.now()
    return Mentorship.objects.filter(status=Status.PENDING, expires_at__lte=now).update(
        status=Status.EXPIRED, ended_at=now
    )


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


# --- Programmes, cohorts, invitations ----------------------------------------------------


@transaction.atomic
def programme_create(*, coordinator: User, name: str, description: str = "") -> Programme:
    if not coordinator.is_coordinator:
        raise MatchingError("Only coordinators can create programmes.")
    name = name.strip()
    if not name:
        raise MatchingError("A programme needs a name.")
    programme = Programme.objects.create(name=name, description=description.strip())
    ProgrammeCoordinator.objects.create(programme=programme, user=coordinator)
    return programme


def cohort_create(*, programme: Programme, name: str) -> Cohort:
    name = name.strip()
    if not name:
        raise MatchingError("A cohort needs a name.")
    return Cohort.objects.create(programme=programme, name=name)


# Invitations are emails with a programme's wording sent to any address: a coordinator
# may send a cohort's worth at a time, a few cohorts' worth a day, and only so many
# batches an hour, so a compromised or careless account cannot become a mailing cannon.
INVITATIONS_PER_REQUEST = 50
INVITATIONS_PER_DAY = 200
INVITATION_BATCHES_PER_HOUR = 20


def invitation_batch_allowed(inviter: User) -> bool:
    """Counts one batch in the shared cache (all web processes see it); False once the
    hour's allowance is spent."""
    key = f"matching:invitation-batches:{inviter.pk}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= INVITATION_BATCHES_PER_HOUR
    except ValueError:  # the key expired between add and incr: a fresh hour
        cache.add(key, 1, timeout=3600)
        return True


@transaction.atomic
def cohort_invite(
    *, cohort: Cohort, inviter: User, emails: Sequence[str], role: str
) -> list[CohortInvitation]:
    """Invite each address once per role; repeated addresses are skipped, not re-sent.
    Only the programme's coordinator invites, within the caps above."""
    if not is_programme_coordinator(user=inviter, programme=cohort.programme_id):
        raise MatchingError("Only the programme's coordinators can invite people.")
    if role not in MemberRole.values:
        raise MatchingError("Invite people as students or mentors.")
    cleaned = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not cleaned:
        raise MatchingError("Enter at least one email address.")
    # One inviter's batches take turns, so two at once cannot both fit under the cap.
    get_user_model().objects.select_for_update().filter(pk=inviter.pk).first()
    if len(cleaned) > INVITATIONS_PER_REQUEST:
        raise MatchingError(
            f"Invite at most {INVITATIONS_PER_REQUEST} addresses at a time "
            f"(you entered {len(cleaned)})."
        )
    new = (
        len(cleaned)
        - CohortInvitation.objects.filter(cohort=cohort, email__in=cleaned, role=role).count()
    )
    sent_today = CohortInvitation.objects.filter(
        invited_by=inviter, created_at__gte=timezone.now() - dt.timedelta(days=1)
    ).count()
    if sent_today + new > INVITATIONS_PER_DAY:
        left = max(0, INVITATIONS_PER_DAY - sent_today)
        raise MatchingError(
            f"You can send {INVITATIONS_PER_DAY} invitations a day; {left} are left today."
        )
    if not invitation_batch_allowed(inviter):
        raise MatchingError("You have sent many invitations in the last hour; try again later.")
    created: list[CohortInvitation] = []
    for email in cleaned:
        invitation, was_created = CohortInvitation.objects.get_or_create(
            cohort=cohort, email=email, role=role, defaults={"invited_by": inviter}
        )
        if was_created:
            created.append(invitation)
            enqueue_on_commit("matching.email_invitation", invitation.pk)
    return created


@transaction.atomic
def invitation_accept(*, invitation: CohortInvitation, user: User) -> CohortMembership:
    if invitation.email.lower() != user.email.lower():
        raise MatchingError(
            f"This invitation was sent to {invitation.email}; sign in with that address."
        )
    membership, _ = CohortMembership.objects.get_or_create(
        cohort=invitation.cohort, user=user, role=invitation.role
    )
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    role_flag = "is_student" if invitation.role == MemberRole.STUDENT else "is_mentor"
    if not getattr(user, role_flag):
        setattr(user, role_flag, True)
        user.save(update_fields=[role_flag])
    if invitation.role == MemberRole.MENTOR:
        MentorProfile.objects.get_or_create(user=user)
    return membership


# --- Matching rounds ---------------------------------------------------------------------

ROUND_SETTINGS = (
    "name",
    "algorithm",
    "collect_choices",
    "weight_interest",
    "weight_tags",
    "weight_style",
    "weight_seniority",
    "weight_timezone",
)


def round_create(*, cohort: Cohort, name: str, algorithm: str = "stable") -> MatchingRound:
    name = name.strip()
    if not name:
        raise MatchingError("A round needs a name.")
    if algorithm not in MatchingRound.Algorithm.values:
        raise MatchingError("Choose the stable or the optimal algorithm.")
    return MatchingRound.objects.create(cohort=cohort, name=name, algorithm=algorithm)


def round_update_settings(*, matching_round: MatchingRound, **values: Any) -> MatchingRound:
    if matching_round.status in (MatchingRound.Status.RUNNING, MatchingRound.Status.PUBLISHED):
        raise MatchingError("A running or published round cannot be changed.")
    unknown = set(values) - set(ROUND_SETTINGS)
    if unknown:
        raise MatchingError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    weights = {k: v for k, v in values.items() if k.startswith("weight_")}
    if any(v < 0 for v in weights.values()):
        raise MatchingError("Weights cannot be negative.")
    for name, value in values.items():
        setattr(matching_round, name, value)
    if sum(matching_round.weights.values()) <= 0:
        raise MatchingError("At least one weight must be above zero.")
    matching_round.save(update_fields=list(values))
    return matching_round


def round_open(*, matching_round: MatchingRound) -> MatchingRound:
    updated = MatchingRound.objects.filter(
        pk=matching_round.pk, status=MatchingRound.Status.DRAFT
    ).update(status=MatchingRound.Status.OPEN)
    if not updated:
        raise MatchingError("Only a draft round can be opened.")
    matching_round.refresh_from_db(fields=["status"])
    return matching_round


@transaction.atomic
def round_choices_set(
    *, matching_round: MatchingRound, student: User, mentor_ids: Sequence[int]
) -> list[RoundChoice]:
    """Replace the student's ranked choices (first id = first choice)."""
    if matching_round.status != MatchingRound.Status.OPEN or not matching_round.collect_choices:
        raise MatchingError("This round is not collecting choices.")
    if not CohortMembership.objects.filter(
        cohort_id=matching_round.cohort_id, user=student, role=MemberRole.STUDENT
    ).exists():
        raise MatchingError("Only students in this cohort can rank mentors.")
    ordered = list(dict.fromkeys(int(m) for m in mentor_ids if m))
    allowed = set(
        CohortMembership.objects.filter(
            cohort_id=matching_round.cohort_id, role=MemberRole.MENTOR
        ).values_list("user_id", flat=True)
    )
    if any(m not in allowed for m in ordered):
        raise MatchingError("Rank only mentors of this cohort.")
    RoundChoice.objects.filter(round=matching_round, student=student).delete()
    return RoundChoice.objects.bulk_create(
        RoundChoice(round=matching_round, student=student, mentor_id=m, rank=i)
        for i, m in enumerate(ordered, start=1)
    )


def round_start(*, matching_round: MatchingRound) -> MatchingRound:
    """Claim the round for a run and enqueue it; a conditional UPDATE makes a double
    click start one run only."""
    mentors = CohortMembership.objects.filter(
        cohort_id=matching_round.cohort_id, role=MemberRole.MENTOR
    )
    if not mentors.exists():
        raise MatchingError("This cohort has no mentors yet; invite some before matching.")
    if not CohortMembership.objects.filter(
        cohort_id=matching_round.cohort_id, role=MemberRole.STUDENT
    ).exists():
        raise MatchingError("This cohort has no students yet; invite some before matching.")
    with transaction.atomic():
        claimed = MatchingRound.objects.filter(
            pk=matching_round.pk,
            status__in=[
                MatchingRound.Status.DRAFT,
                MatchingRound.Status.OPEN,
                MatchingRound.Status.DONE,
                MatchingRound.Status.FAILED,
            ],
        ).update(
            status=MatchingRound.Status.RUNNING,
            progress=0,
            progress_message="Queued",
            error="",
        )
        if not claimed:
            raise MatchingError("This round is already running or published.")
        enqueue_on_commit("matching.run_matching_round", matching_round.pk)
    matching_round.refresh_from_db()
    return matching_round


def _progress(round_id: int, percent: int, message: str) -> None:
    # Written outside any transaction so the polling page sees it at once.
    MatchingRound.objects.filter(pk=round_id).update(progress=percent, progress_message=message)


@lru_cache(maxsize=512)
def _offset_hours(tz_name: str, day: dt.date) -> float:
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    offset = moment.utcoffset() or dt.timedelta()
    return offset.total_seconds() / 3600


def mentor_features(
    profile: MentorProfile, *, free_places: int, day: dt.date | None = None
) -> fit.MentorFeatures:
    user = profile.user
    return fit.MentorFeatures(
        id=str(user.pk),
        text=" ".join(
            [
                profile.research_areas,
                profile.topic_tags,
                profile.method_tags,
                user.bio,
                user.research_interests,
                profile.offer,
            ]
        ),
        tags=profile.tags,
        languages=profile.language_list,
        seniority=profile.seniority,
        cadence=profile.cadence,
        involvement=profile.involvement,
        channel=profile.channel,
        utc_offset_hours=_offset_hours(user.timezone, day or timezone.now().date()),
        capacity=profile.capacity,
        free_places=free_places,
        labels={
            "seniority": profile.get_seniority_display(),
            "cadence": profile.get_cadence_display(),
            "involvement": profile.get_involvement_display(),
            "channel": profile.get_channel_display(),
        },
    )


def student_features(
    user: User, prefs: StudentPreferences | None, *, day: dt.date | None = None
) -> fit.StudentFeatures:
    offset = _offset_hours(user.timezone, day or timezone.now().date())
    if prefs is None:
        return fit.StudentFeatures(
            id=str(user.pk),
            text=user.research_interests,
            tags=split_list(user.research_interests),
            utc_offset_hours=offset,
        )
    return fit.StudentFeatures(
        id=str(user.pk),
        text=" ".join([prefs.interests, prefs.tags, prefs.goals, user.research_interests]),
        tags=prefs.tag_list or split_list(user.research_interests),
        languages=prefs.language_list,
        preferred_seniority=prefs.preferred_seniority,
        preferred_cadence=prefs.preferred_cadence,
        preferred_involvement=prefs.preferred_involvement,
        preferred_channel=prefs.preferred_channel,
        utc_offset_hours=offset,
        timezone_tolerance_hours=prefs.timezone_tolerance_hours,
    )


def round_run(*, round_id: int) -> MatchingRound:
    """Score the cohort, run the chosen algorithm around locked pairs, store proposals."""
    matching_round = MatchingRound.objects.select_related("cohort").get(pk=round_id)
    try:
        _round_compute(matching_round)
    except (MatchingError, algorithms.MatchingInputError) as exc:
        _fail(round_id, str(exc))
    except Exception:
        # Never leave the page polling a run that died; the worker log has the details.
        _fail(round_id, "An unexpected error stopped the run; try again or contact support.")
        raise
    matching_round.refresh_from_db()
    return matching_round


def _fail(round_id: int, message: str) -> None:
    MatchingRound.objects.filter(pk=round_id).update(
        status=MatchingRound.Status.FAILED, error=message, progress=100, progress_message="Failed"
    )


def _round_compute(matching_round: MatchingRound) -> None:
    round_id = matching_round.pk
    _progress(round_id, 5, "Loading the cohort")
    members = CohortMembership.objects.filter(cohort_id=matching_round.cohort_id).select_related(
        "user__mentor_profile", "user__student_preferences"
    )
    students = [m.user for m in members if m.role == MemberRole.STUDENT]
    mentor_users = [m.user for m in members if m.role == MemberRole.MENTOR]
    profiles = [MentorProfile.objects.get_or_create(user=u)[0] for u in mentor_users]
    if not profiles:
        raise MatchingError("This cohort has no mentors; invite some before matching.")

    locked = {
        p.student_id: p
        for p in ProposedPair.objects.filter(
            round=matching_round, locked=True, mentor__isnull=False
        )
    }
    active_counts = dict(
        Mentorship.objects.filter(mentor__in=mentor_users, status=Status.ACTIVE)
        .values_list("mentor_id")
        .annotate(n=Count("id"))
    )
    already_mentored = set(
        Mentorship.objects.filter(student__in=students, status=Status.ACTIVE).values_list(
            "student_id", "mentor_id"
        )
    )
    locked_per_mentor: dict[int, int] = {}
    for pair in locked.values():
        mentor_id = _mentor_id(pair)
        locked_per_mentor[mentor_id] = locked_per_mentor.get(mentor_id, 0) + 1

    free = {
        p.user_id: max(
            0, p.capacity - active_counts.get(p.user_id, 0) - locked_per_mentor.get(p.user_id, 0)
        )
        for p in profiles
    }
    _progress(round_id, 20, "Scoring fit")
    today = timezone.now().date()
    pool = [s for s in students if s.pk not in locked]
    student_feats = [
        student_features(s, getattr(s, "student_preferences", None), day=today) for s in pool
    ]
    # Locked pairs and full mentors keep scoring for explanations; filters decide eligibility.
    mentor_feats = [mentor_features(p, free_places=free[p.user_id], day=today) for p in profiles]
    fits, excluded = fit.score_pairs(student_feats, mentor_feats, matching_round.weights)
    for student_id, mentor_id in already_mentored:
        fits.pop((str(student_id), str(mentor_id)), None)

    _progress(round_id, 45, "Building preference lists")
    choices: dict[str, list[str]] = {}
    for choice in RoundChoice.objects.filter(round=matching_round).order_by("student_id", "rank"):
        choices.setdefault(str(choice.student_id), []).append(str(choice.mentor_id))
    scores = {pair: f.total for pair, f in fits.items()}
    student_prefs, mentor_prefs = algorithms.preferences_from_scores(scores)
    for sid, ranked in choices.items():
        by_fit = student_prefs.get(sid, [])
        first = [m for m in ranked if (sid, m) in fits]
        student_prefs[sid] = first + [m for m in by_fit if m not in first]
    capacities = {str(p.user_id): free[p.user_id] for p in profiles}

    _progress(round_id, 60, "Matching")
    if matching_round.algorithm == MatchingRound.Algorithm.OPTIMAL:
        # Ranked choices nudge the optimum: a first choice is worth a little more.
        boosted = dict(scores)
        for sid, ranked in choices.items():
            for position, mid in enumerate(ranked):
                if (sid, mid) in boosted:
                    boosted[(sid, mid)] += 0.05 / (position + 1)
        result = algorithms.optimal_match(boosted, capacities)
    else:
        result = algorithms.stable_match(student_prefs, mentor_prefs, capacities)

    _progress(round_id, 85, "Saving proposals")
    names = {str(m.user_id): m.user.name for m in profiles}
    with transaction.atomic():
        ProposedPair.objects.filter(round=matching_round, locked=False).delete()
        ProposedPair.objects.filter(round=matching_round, mentor__isnull=True).delete()
        new_pairs = []
        for student in pool:
            sid = str(student.pk)
            matched = result.get(sid)
            if matched is not None:
                pair_fit = fits[(sid, matched)]
                ranked = student_prefs.get(sid, [])
                new_pairs.append(
                    ProposedPair(
                        round=matching_round,
                        student=student,
                        mentor_id=int(matched),
                        score=pair_fit.total,
                        components=pair_fit.components,
                        explanation=pair_fit.explanation,
                        rank_obtained=ranked.index(matched) + 1 if matched in ranked else None,
                    )
                )
            else:
                new_pairs.append(
                    ProposedPair(
                        round=matching_round,
                        student=student,
                        unmatched_reason=_unmatched_reason(
                            sid, student_prefs, excluded, names, result, capacities
                        ),
                    )
                )
        ProposedPair.objects.bulk_create(new_pairs)
        MatchingRound.objects.filter(pk=round_id).update(
            status=MatchingRound.Status.DONE,
            progress=100,
            progress_message="Done",
            ran_at=timezone.now(),
        )


def _unmatched_reason(
    sid: str,
    student_prefs: dict[str, list[str]],
    excluded: dict[str, dict[str, str]],
    names: dict[str, str],
    result: dict[str, str],
    capacities: dict[str, int],
) -> str:
    candidates = student_prefs.get(sid, [])
    if not candidates:
        reasons = excluded.get(sid, {})
        if not reasons:
            return "No mentor in the cohort could be considered."
        grouped: dict[str, list[str]] = {}
        for mid, reason in reasons.items():
            grouped.setdefault(reason, []).append(names.get(mid, mid))
        return "No eligible mentor: " + "; ".join(
            f"{reason} ({', '.join(sorted(who))})" for reason, who in grouped.items()
        )
    taken = dict.fromkeys(capacities, 0)
    for mid in result.values():
        taken[mid] = taken.get(mid, 0) + 1
    if all(taken.get(m, 0) >= capacities.get(m, 0) for m in candidates):
        return (
            f"All {len(candidates)} compatible mentors were filled by students they fit "
            "better; lock a pair or raise a capacity and re-run."
        )
    return "Only low-fit mentors remained with places; place this student by hand."


def _editable_round(matching_round: MatchingRound) -> None:
    if matching_round.status != MatchingRound.Status.DONE:
        raise MatchingError("Pairs can be changed only after a run and before publishing.")


def pair_toggle_lock(*, pair: ProposedPair) -> ProposedPair:
    _editable_round(pair.round)
    if pair.mentor_id is None:
        raise MatchingError("An unmatched student cannot be locked.")
    pair.locked = not pair.locked
    pair.save(update_fields=["locked"])
    return pair


@transaction.atomic
def pair_swap(*, matching_round: MatchingRound, first_id: int, second_id: int) -> None:
    """Exchange the mentors of two proposed pairs and lock both, so a re-run keeps them."""
    _editable_round(matching_round)
    if first_id == second_id:
        raise MatchingError("Choose two different pairs to swap.")
    pairs = list(
        ProposedPair.objects.select_for_update().filter(
            round=matching_round, pk__in=[first_id, second_id]
        )
    )
    if len(pairs) != 2:
        raise MatchingError("Both pairs must belong to this round.")
    first, second = pairs
    if first.mentor_id == second.mentor_id:
        raise MatchingError("Both students already have the same mentor.")
    first.mentor_id, second.mentor_id = second.mentor_id, first.mentor_id
    for pair in (first, second):
        pair.locked = pair.mentor_id is not None
        pair.rank_obtained = None
        pair.explanation = "Set by the coordinator (swap)."
        pair.unmatched_reason = "" if pair.mentor_id else "Unassigned by the coordinator."
        pair.components = {}
        pair.save(
            update_fields=[
                "mentor",
                "locked",
                "rank_obtained",
                "explanation",
                "unmatched_reason",
                "components",
            ]
        )


def round_publish(*, matching_round: MatchingRound) -> list[Mentorship]:
    """Create every proposed mentorship in one transaction, or none.

    Each mentor's profile is locked, in id order so two publishes cannot deadlock,
    before capacity is checked again: people may have accepted requests since the run.
    """
    with transaction.atomic():
        locked_round = MatchingRound.objects.select_for_update().get(pk=matching_round.pk)
        if locked_round.status != MatchingRound.Status.DONE:
            raise MatchingError("Only a round with proposals can be published.")
        pairs = list(
            ProposedPair.objects.filter(round=locked_round, mentor__isnull=False).select_related(
                "student", "mentor"
            )
        )
        if not pairs:
            raise MatchingError("There are no proposed pairs to publish.")
        mentor_ids = sorted({_mentor_id(p) for p in pairs})
        profiles = {
            p.user_id: p
            for p in MentorProfile.objects.select_for_update()
            .filter(user_id__in=mentor_ids)
            .order_by("user_id")
        }
        active = dict(
            Mentorship.objects.filter(mentor_id__in=mentor_ids, status=Status.ACTIVE)
            .values_list("mentor_id")
            .annotate(n=Count("id"))
        )
        wanted: dict[int, int] = {}
        for pair in pairs:
            wanted[_mentor_id(pair)] = wanted.get(_mentor_id(pair), 0) + 1
        for mentor_id, count in wanted.items():
            profile = profiles.get(mentor_id)
            capacity = profile.capacity if profile else 0
            if active.get(mentor_id, 0) + count > capacity:
                name = next(str(p.mentor) for p in pairs if p.mentor_id == mentor_id)
                raise MatchingError(f"{name} no longer has {count} free places; re-run the round.")
        now = timezone.now()
        # A pending request between a matched pair is superseded by the new mentorship
        # (and would otherwise break the one-open-mentorship-per-pair constraint).
        Mentorship.objects.filter(
            status=Status.PENDING,
            student_id__in=[p.student_id for p in pairs],
        ).filter(
            Q(*[Q(student_id=p.student_id, mentor_id=p.mentor_id) for p in pairs], _connector=Q.OR)
        ).update(status=Status.WITHDRAWN, ended_at=now)
        already_active = _active_pairs(pairs)
        created = Mentorship.objects.bulk_create(
            Mentorship(
                student_id=p.student_id,
                mentor_id=_mentor_id(p),
                status=Status.ACTIVE,
                message=f"Matched in {locked_round.name}.",
                responded_at=now,
                started_at=now,
            )
            for p in pairs
            if (p.student_id, p.mentor_id) not in already_active
        )
        locked_round.status = MatchingRound.Status.PUBLISHED
        locked_round.published_at = now
        locked_round.save(update_fields=["status", "published_at"])
    return created


def _mentor_id(pair: ProposedPair) -> int:
    # Only called on pairs filtered with mentor__isnull=False.
    assert pair.mentor_id is not None
    return pair.mentor_id


def _active_pairs(pairs: Sequence[ProposedPair]) -> set[tuple[int, int]]:
    return set(
        Mentorship.objects.filter(
            status=Status.ACTIVE, student_id__in=[p.student_id for p in pairs]
        ).values_list("student_id", "mentor_id")
    )
