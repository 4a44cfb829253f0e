"""Writes for matching rounds: settings, ranked choices, the run, pair edits, publishing.

A run is claimed here and enqueued by task name; the worker's task calls ``round_run``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.core.enqueue import enqueue_on_commit
from apps.matching import algorithms, fit
from apps.matching.features import mentor_features, student_features
from apps.matching.models import (
    Cohort,
    CohortMembership,
    MatchingRound,
    MemberRole,
    MentorProfile,
    Mentorship,
    ProposedPair,
    RoundChoice,
)
from apps.matching.services import MatchingError

if TYPE_CHECKING:
    from apps.accounts.models import User

Status = Mentorship.Status


# --- Matching rounds ---------------------------------------------------------------------

ROUND_SETTINGS = ("name", *MatchingRound.SETTING_FIELDS)


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
    if not matching_round.collects_choices:
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
        # The new pair shows its own fit, scored as any run scores it.
        pair_fit = _swapped_fit(pair, matching_round) if pair.mentor_id else None
        pair.score = pair_fit.total if pair_fit else 0.0
        pair.components = pair_fit.components if pair_fit else {}
        pair.save(
            update_fields=[
                "mentor",
                "locked",
                "rank_obtained",
                "explanation",
                "unmatched_reason",
                "score",
                "components",
            ]
        )


def _swapped_fit(pair: ProposedPair, matching_round: MatchingRound) -> fit.PairFit:
    student = get_user_model().objects.select_related("student_preferences").get(pk=pair.student_id)
    profile, _ = MentorProfile.objects.select_related("user").get_or_create(user_id=pair.mentor_id)
    return fit.pair_fit(
        student_features(student, getattr(student, "student_preferences", None)),
        mentor_features(profile, free_places=profile.capacity),
        matching_round.weights,
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
