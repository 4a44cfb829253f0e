"""Cohort matching algorithms: stable (deferred acceptance) and optimal (max total fit).

Pure Python plus SciPy, with no Django imports, so that the algorithms can be tested
exhaustively and benchmarked without a database. Services translate model rows into
the plain dictionaries used here and back.

Vocabulary: a *student* is matched to at most one *mentor*; a mentor takes at most
``capacities[mentor]`` students. Ids are strings.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = [
    "MatchingInputError",
    "blocking_pairs",
    "optimal_match",
    "preferences_from_scores",
    "stable_match",
    "top_k_candidates",
    "total_score",
]

StudentPrefs = Mapping[str, Sequence[str]]
MentorPrefs = Mapping[str, Sequence[str]]
Capacities = Mapping[str, int]
Scores = Mapping[tuple[str, str], float]
Matching = dict[str, str]


class MatchingInputError(ValueError):
    """The preferences, capacities or scores handed to a matching algorithm are invalid."""


def _check_capacities(capacities: Capacities) -> None:
    for mentor, capacity in capacities.items():
        # bool is an int subclass; True as a capacity is almost certainly a bug upstream.
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise MatchingInputError(
                f"Capacity of mentor {mentor!r} must be an integer, got {capacity!r}."
            )
        if capacity < 0:
            raise MatchingInputError(
                f"Capacity of mentor {mentor!r} must not be negative, got {capacity}."
            )


def _dedupe(ids: Iterable[str]) -> list[str]:
    # dict.fromkeys keeps the first occurrence, so a repeated entry never moves
    # someone up a list: "ignore later duplicates".
    return list(dict.fromkeys(ids))


def _rank_lookup(prefs: Sequence[str]) -> dict[str, int]:
    # Iterating backwards lets the first occurrence of a duplicate win; the ranks are
    # not contiguous then, but only their order matters.
    return {other: rank for rank, other in reversed(list(enumerate(prefs)))}


def _validated_preferences(
    student_prefs: StudentPrefs, mentor_prefs: MentorPrefs, capacities: Capacities
) -> dict[str, list[str]]:
    """Check the stable-matching input and return student lists without duplicates."""
    _check_capacities(capacities)
    for mentor, ranked in mentor_prefs.items():
        if mentor not in capacities:
            raise MatchingInputError(f"Mentor {mentor!r} has preferences but no capacity.")
        for student in ranked:
            if student not in student_prefs:
                raise MatchingInputError(f"Mentor {mentor!r} ranks unknown student {student!r}.")
    students: dict[str, list[str]] = {}
    for student, ranked in student_prefs.items():
        unique = _dedupe(ranked)
        for mentor in unique:
            if mentor not in capacities:
                raise MatchingInputError(f"Student {student!r} ranks unknown mentor {mentor!r}.")
        students[student] = unique
    return students


def stable_match(
    student_prefs: StudentPrefs, mentor_prefs: MentorPrefs, capacities: Capacities
) -> Matching:
    """Return the student-optimal stable matching (student id -> mentor id).

    Student-proposing deferred acceptance for the hospitals/residents problem
    (Gale & Shapley 1962; Roth 1984). A pair can only be matched when each lists the
    other; a mentor who does not list a student rejects that student's proposal.
    Unmatched students are absent from the result. Mentors that appear in
    ``capacities`` but not in ``mentor_prefs`` rank nobody.

    The result has no blocking pair and every student gets the best mentor they have
    in any stable matching; it does not depend on the order students propose in.

    Runs in O(P log c) for P proposals and largest capacity c, iteratively.

    Raises MatchingInputError for unknown ids, a missing or negative capacity.
    """
    students = _validated_preferences(student_prefs, mentor_prefs, capacities)

    # A mentor with no capacity behaves exactly like one who ranks nobody; leaving it
    # out of ``rank_of`` means the proposal loop needs no special case for it.
    rank_of: dict[str, dict[str, int]] = {
        mentor: _rank_lookup(ranked)
        for mentor, ranked in mentor_prefs.items()
        if capacities[mentor] > 0
    }
    # Max-heap on rank via negation, so the worst held student is at heap[0] and can be
    # compared and replaced in O(log c) when a better student proposes.
    held: dict[str, list[tuple[int, str]]] = {mentor: [] for mentor in rank_of}
    next_choice: dict[str, int] = dict.fromkeys(students, 0)
    # Reversed so that students propose in input order; the outcome is the same either
    # way, but a predictable order makes debugging easier.
    free: list[str] = list(reversed(students))

    while free:
        student = free.pop()
        choices = students[student]
        index = next_choice[student]
        # Keep proposing down this student's list until someone holds them; doing the
        # whole run here avoids pushing the student back onto the stack after each
        # rejection.
        while index < len(choices):
            mentor = choices[index]
            index += 1
            ranks = rank_of.get(mentor)
            if ranks is None:
                continue
            rank = ranks.get(student)
            if rank is None:
                continue
            heap = held[mentor]
            if len(heap) < capacities[mentor]:
                heapq.heappush(heap, (-rank, student))
                break
            if rank < -heap[0][0]:
                _, displaced = heapq.heapreplace(heap, (-rank, student))
                free.append(displaced)
                break
        next_choice[student] = index

    mentor_of = {student: mentor for mentor, heap in held.items() for _, student in heap}
    # Rebuilt in input order so the result is deterministic and easy to display.
    return {student: mentor_of[student] for student in students if student in mentor_of}


def blocking_pairs(
    matching: Mapping[str, str],
    student_prefs: StudentPrefs,
    mentor_prefs: MentorPrefs,
    capacities: Capacities,
) -> list[tuple[str, str]]:
    """Return every (student, mentor) pair that would both rather have each other.

    A pair blocks when each lists the other, the student is unmatched or prefers the
    mentor to their match, and the mentor has a free place or prefers the student to
    its worst current mentee. An empty list proves the matching stable.

    Matched partners that a side did not list rank below everyone it did list, so an
    invalid matching is reported through its blocking pairs rather than hidden.
    """
    rank_of = {mentor: _rank_lookup(ranked) for mentor, ranked in mentor_prefs.items()}
    mentees: dict[str, list[str]] = {}
    for student, mentor in matching.items():
        mentees.setdefault(mentor, []).append(student)
    unlisted = math.inf
    worst_rank = {
        mentor: max(rank_of.get(mentor, {}).get(s, unlisted) for s in students)
        for mentor, students in mentees.items()
    }

    pairs: list[tuple[str, str]] = []
    for student, ranked in student_prefs.items():
        current = matching.get(student)
        for mentor in _dedupe(ranked):
            # Everything after the current mentor is less preferred by the student.
            if mentor == current:
                break
            rank = rank_of.get(mentor, {}).get(student)
            if rank is None or capacities.get(mentor, 0) <= 0:
                continue
            has_room = len(mentees.get(mentor, ())) < capacities[mentor]
            if has_room or rank < worst_rank[mentor]:
                pairs.append((student, mentor))
    return pairs


def total_score(matching: Mapping[str, str], scores: Scores) -> float:
    """Return the summed score of the matched pairs."""
    total = 0.0
    for student, mentor in matching.items():
        try:
            total += scores[(student, mentor)]
        except KeyError:
            raise MatchingInputError(
                f"Matched pair ({student!r}, {mentor!r}) has no score."
            ) from None
    return total


def preferences_from_scores(
    scores: Scores,
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Turn pair scores into (student_prefs, mentor_prefs), both sides best first.

    Ties are broken by id so the same scores always give the same lists.
    """
    student_side: dict[str, list[tuple[float, str]]] = {}
    mentor_side: dict[str, list[tuple[float, str]]] = {}
    for (student, mentor), score in scores.items():
        student_side.setdefault(student, []).append((-score, mentor))
        mentor_side.setdefault(mentor, []).append((-score, student))
    return (
        {student: [m for _, m in sorted(pairs)] for student, pairs in student_side.items()},
        {mentor: [s for _, s in sorted(pairs)] for mentor, pairs in mentor_side.items()},
    )


def top_k_candidates(scores: Scores, k: int) -> dict[tuple[str, str], float]:
    """Keep each student's ``k`` best-scoring pairs (ties broken by mentor id).

    Scoring every student against every mentor is quadratic; a sparse candidate graph
    keeps ``optimal_match`` fast while losing little, since a student's low-fit
    mentors are rarely part of the optimum.
    """
    if k < 0:
        raise MatchingInputError(f"k must not be negative, got {k}.")
    by_student: dict[str, list[tuple[float, str]]] = {}
    for (student, mentor), score in scores.items():
        by_student.setdefault(student, []).append((-score, mentor))
    kept: dict[tuple[str, str], float] = {}
    for student, pairs in by_student.items():
        for negated, mentor in heapq.nsmallest(k, pairs):
            kept[(student, mentor)] = -negated
    return kept


def optimal_match(scores: Scores, capacities: Capacities) -> Matching:
    """Return a matching (student id -> mentor id) with the largest total score.

    Each student gets at most one mentor, each mentor at most its capacity, and only
    pairs present in ``scores`` can be matched. Pairs scoring zero or less are never
    used: they cannot raise the total, and a coordinator would rather see a student
    left for manual placement than matched on no fit at all.

    Solved as an integer programme by HiGHS through ``scipy.optimize.milp``. The
    constraint matrix is the incidence matrix of a bipartite graph, which is totally
    unimodular, so the LP relaxation already has an integral optimum and HiGHS
    finishes at the root node without branching. Asking for integrality anyway (rather
    than rounding a ``linprog`` answer) guarantees a 0/1 answer even when ties leave
    the LP with fractional optima too.

    Raises MatchingInputError for a pair naming a mentor without capacity, a negative
    capacity, or a score that is not a finite number.
    """
    _check_capacities(capacities)
    pairs: list[tuple[str, str]] = []
    weights: list[float] = []
    for (student, mentor), score in scores.items():
        if mentor not in capacities:
            raise MatchingInputError(f"Pair ({student!r}, {mentor!r}) names an unknown mentor.")
        if not isinstance(score, int | float) or not math.isfinite(score):
            raise MatchingInputError(
                f"Score of pair ({student!r}, {mentor!r}) must be a finite number, got {score!r}."
            )
        if score > 0 and capacities[mentor] > 0:
            pairs.append((student, mentor))
            weights.append(float(score))
    if not pairs:
        return {}

    student_row: dict[str, int] = {}
    mentor_row: dict[str, int] = {}
    for student, mentor in pairs:
        student_row.setdefault(student, len(student_row))
        mentor_row.setdefault(mentor, len(mentor_row))
    n_students = len(student_row)
    n_pairs = len(pairs)

    # One row per student (at most one mentor) then one per mentor (at most its
    # capacity); column j is pair j, with a 1 in its student's and its mentor's row.
    rows = np.empty(2 * n_pairs, dtype=np.int64)
    rows[:n_pairs] = [student_row[s] for s, _ in pairs]
    rows[n_pairs:] = [n_students + mentor_row[m] for _, m in pairs]
    columns = np.tile(np.arange(n_pairs, dtype=np.int64), 2)
    incidence = sparse.csr_array(
        (np.ones(2 * n_pairs), (rows, columns)),
        shape=(n_students + len(mentor_row), n_pairs),
    )
    upper = np.concatenate(
        [np.ones(n_students), np.array([capacities[m] for m in mentor_row], dtype=float)]
    )

    result = milp(
        # milp minimises, so negate to maximise the total score.
        c=-np.asarray(weights),
        constraints=LinearConstraint(incidence, -np.inf, upper),
        integrality=np.ones(n_pairs),
        bounds=Bounds(0, 1),
        # HiGHS's MIP presolve probes the structure for tens of seconds on a cohort of
        # 10,000 and gains nothing, since the root LP is integral already.
        options={"presolve": False},
    )
    if not result.success:
        # Every instance is feasible (matching nobody is allowed), so this is a solver
        # failure such as a time or memory limit, not a user error.
        raise RuntimeError(f"HiGHS could not solve the matching problem: {result.message}")

    chosen = np.flatnonzero(result.x > 0.5)
    return {pairs[j][0]: pairs[j][1] for j in chosen}
