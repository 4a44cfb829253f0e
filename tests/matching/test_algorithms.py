"""Unit and property tests for the cohort matching algorithms (no database needed)."""

from __future__ import annotations

import itertools
import math
import random
import warnings
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.matching.algorithms import (
    MatchingInputError,
    blocking_pairs,
    optimal_match,
    preferences_from_scores,
    stable_match,
    top_k_candidates,
    total_score,
)

Prefs = dict[str, list[str]]


# --- Independent brute-force oracles -------------------------------------------------------
#
# Written straight from the definitions, without the shortcuts the implementation takes,
# so that the tests do not share its mistakes.


def _rank(prefs: Sequence[str], who: str | None) -> float:
    if who is None or who not in prefs:
        return math.inf
    return prefs.index(who)  # index() finds the first occurrence: later duplicates ignored


def _brute_force_blocking(
    matching: Mapping[str, str], student_prefs: Prefs, mentor_prefs: Prefs, capacities: dict
) -> set[tuple[str, str]]:
    blocking = set()
    for student, ranked in student_prefs.items():
        for mentor in ranked:
            listed = mentor_prefs.get(mentor, [])
            if student not in listed or capacities[mentor] == 0:
                continue
            current = matching.get(student)
            if current == mentor or _rank(ranked, mentor) >= _rank(ranked, current):
                continue
            mentees = [s for s, m in matching.items() if m == mentor]
            if len(mentees) < capacities[mentor] or any(
                _rank(listed, student) < _rank(listed, other) for other in mentees
            ):
                blocking.add((student, mentor))
    return blocking


def _feasible_matchings(
    options: Mapping[str, Sequence[str]], capacities: Mapping[str, int]
) -> Iterator[dict[str, str]]:
    """Every assignment of students to one of their options (or nobody) within capacity."""
    students = list(options)
    for choice in itertools.product(*([None, *options[s]] for s in students)):
        load = Counter(m for m in choice if m is not None)
        if all(load[m] <= capacities[m] for m in load):
            yield {s: m for s, m in zip(students, choice, strict=True) if m is not None}


def _acceptable_options(
    student_prefs: Prefs, mentor_prefs: Prefs, capacities: Mapping[str, int]
) -> dict[str, list[str]]:
    return {
        s: [m for m in dict.fromkeys(ranked) if s in mentor_prefs.get(m, []) and capacities[m] > 0]
        for s, ranked in student_prefs.items()
    }


def _assert_valid(matching: Mapping[str, str], allowed: set[tuple[str, str]], capacities: dict):
    assert set(matching.items()) <= allowed
    load = Counter(matching.values())
    assert all(load[m] <= capacities[m] for m in load)


# --- Strategies ----------------------------------------------------------------------------


@st.composite
def tiny_preference_instances(draw: st.DrawFn) -> tuple[Prefs, Prefs, dict[str, int]]:
    """≤5 students and ≤3 mentors with partial, not necessarily mutual, lists."""
    students = [f"s{i}" for i in range(draw(st.integers(0, 5)))]
    mentors = [f"m{j}" for j in range(draw(st.integers(1, 3)))]
    capacities = {m: draw(st.integers(0, 2)) for m in mentors}

    def partial_order(items: list[str]) -> list[str]:
        ordered = draw(st.permutations(items))
        return list(ordered[: draw(st.integers(0, len(items)))])

    student_prefs = {s: partial_order(mentors) for s in students}
    mentor_prefs = {m: partial_order(students) for m in mentors}
    return student_prefs, mentor_prefs, capacities


@st.composite
def tiny_score_instances(
    draw: st.DrawFn,
) -> tuple[dict[tuple[str, str], float], dict[str, int]]:
    """Sparse integer scores (so sums are exact), negatives and ties included."""
    students = [f"s{i}" for i in range(draw(st.integers(0, 5)))]
    mentors = [f"m{j}" for j in range(draw(st.integers(1, 3)))]
    capacities = {m: draw(st.integers(0, 2)) for m in mentors}
    all_pairs = [(s, m) for s in students for m in mentors]
    chosen = draw(st.lists(st.sampled_from(all_pairs), unique=True) if all_pairs else st.just([]))
    scores = {pair: float(draw(st.integers(-3, 6))) for pair in chosen}
    return scores, capacities


# --- stable_match: hand-written cases ------------------------------------------------------


def test_stable_match_solves_the_classic_hospitals_residents_example():
    # The worked example from the `matching` package documentation (Wilde et al.).
    residents = {
        "A": ["C"],
        "S": ["C", "M"],
        "D": ["C", "M", "G"],
        "J": ["C", "G", "M"],
        "L": ["M", "C", "G"],
    }
    hospitals = {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"], "G": ["D", "J", "L"]}
    capacities = {"M": 2, "C": 2, "G": 2}

    result = stable_match(residents, hospitals, capacities)

    assert result == {"A": "C", "S": "M", "D": "C", "J": "G", "L": "M"}
    assert blocking_pairs(result, residents, hospitals, capacities) == []


def test_stable_match_is_student_optimal_when_sides_disagree():
    # Two stable matchings exist; students proposing must get their first choices.
    students = {"a": ["x", "y"], "b": ["y", "x"]}
    mentors = {"x": ["b", "a"], "y": ["a", "b"]}

    assert stable_match(students, mentors, {"x": 1, "y": 1}) == {"a": "x", "b": "y"}


def test_stable_match_displaces_the_worst_held_student_when_full():
    students = {"weak": ["x", "y"], "strong": ["x"], "middle": ["x", "y"]}
    mentors = {"x": ["strong", "middle", "weak"], "y": ["weak", "middle"]}

    result = stable_match(students, mentors, {"x": 2, "y": 1})

    assert result == {"weak": "y", "strong": "x", "middle": "x"}


def test_student_not_listed_by_mentor_is_rejected_and_moves_on():
    students = {"a": ["x", "y"], "b": ["x"]}
    mentors = {"x": ["b"], "y": ["a"]}

    assert stable_match(students, mentors, {"x": 2, "y": 1}) == {"a": "y", "b": "x"}


def test_mentor_listing_a_student_who_did_not_list_them_gets_nobody_from_it():
    assert stable_match({"a": ["y"]}, {"x": ["a"], "y": []}, {"x": 1, "y": 1}) == {}


def test_students_with_no_acceptable_mentor_are_left_out():
    students = {"a": ["x"], "b": ["x"], "c": []}
    mentors = {"x": ["a", "b"]}

    assert stable_match(students, mentors, {"x": 1}) == {"a": "x"}


def test_zero_capacity_and_unranking_mentors_take_nobody():
    students = {"a": ["closed", "silent", "open"]}
    mentors = {"closed": ["a"], "open": ["a"]}  # "silent" has a capacity but no list

    result = stable_match(students, mentors, {"closed": 0, "silent": 3, "open": 1})

    assert result == {"a": "open"}


def test_later_duplicates_in_a_list_are_ignored():
    # If the repeated "a" counted at its later position, "b" would outrank "a".
    students = {"a": ["x", "x"], "b": ["x", "y"]}
    mentors = {"x": ["a", "b", "a"], "y": ["b"]}

    assert stable_match(students, mentors, {"x": 1, "y": 1}) == {"a": "x", "b": "y"}


def test_empty_instance_gives_an_empty_matching():
    assert stable_match({}, {}, {}) == {}


def test_blocking_pairs_names_the_pair_that_would_defect():
    students = {"a": ["x", "y"], "b": ["y", "x"]}
    mentors = {"x": ["a", "b"], "y": ["b", "a"]}
    capacities = {"x": 1, "y": 1}

    swapped = {"a": "y", "b": "x"}

    assert blocking_pairs(swapped, students, mentors, capacities) == [("a", "x"), ("b", "y")]


# --- stable_match: properties --------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(tiny_preference_instances())
def test_stable_match_is_the_student_optimal_stable_matching(instance):
    student_prefs, mentor_prefs, capacities = instance
    options = _acceptable_options(student_prefs, mentor_prefs, capacities)
    allowed = {(s, m) for s, ms in options.items() for m in ms}

    result = stable_match(student_prefs, mentor_prefs, capacities)

    _assert_valid(result, allowed, capacities)
    assert blocking_pairs(result, student_prefs, mentor_prefs, capacities) == []

    stable_matchings = []
    for candidate in _feasible_matchings(options, capacities):
        expected = _brute_force_blocking(candidate, student_prefs, mentor_prefs, capacities)
        found = blocking_pairs(candidate, student_prefs, mentor_prefs, capacities)
        assert len(found) == len(set(found))
        assert set(found) == expected
        if not expected:
            stable_matchings.append(candidate)

    assert result in stable_matchings
    for other in stable_matchings:
        for student, ranked in student_prefs.items():
            assert _rank(ranked, result.get(student)) <= _rank(ranked, other.get(student))


@settings(max_examples=100, deadline=None)
@given(tiny_preference_instances(), st.randoms(use_true_random=False))
def test_stable_match_does_not_depend_on_input_order(instance, rng):
    student_prefs, mentor_prefs, capacities = instance
    shuffled = list(student_prefs.items())
    rng.shuffle(shuffled)

    assert stable_match(dict(shuffled), mentor_prefs, capacities) == stable_match(
        student_prefs, mentor_prefs, capacities
    )


def _medium_instance(
    seed: int, n_students: int = 300, n_mentors: int = 60, choices: int = 10
) -> tuple[Prefs, Prefs, dict[str, int]]:
    """A cohort with popular and unpopular mentors; mentors rank exactly their applicants."""
    rng = random.Random(seed)
    mentors = [f"m{j}" for j in range(n_mentors)]
    weights = [1 / (j + 1) ** 0.8 for j in range(n_mentors)]
    capacities = {m: rng.randint(1, 8) for m in mentors}
    student_prefs: Prefs = {}
    for i in range(n_students):
        picked: dict[str, None] = {}
        while len(picked) < choices:
            picked[rng.choices(mentors, weights)[0]] = None
        student_prefs[f"s{i}"] = list(picked)
    strength = {s: rng.gauss(0, 1) for s in student_prefs}
    applicants: dict[str, list[tuple[float, str]]] = {m: [] for m in mentors}
    for s, ranked in student_prefs.items():
        for m in ranked:
            applicants[m].append((strength[s] + rng.gauss(0, 0.5), s))
    mentor_prefs = {m: [s for _, s in sorted(a, reverse=True)] for m, a in applicants.items()}
    return student_prefs, mentor_prefs, capacities


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stable_match_agrees_with_the_matching_package(seed):
    from matching.games import HospitalResident  # dev-only reference implementation

    student_prefs, mentor_prefs, capacities = _medium_instance(seed)
    with warnings.catch_warnings():
        # Importing `matching` turns every warning on; its input checks are noisy.
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(student_prefs, mentor_prefs, capacities)
        solved = game.solve(optimal="resident")
    reference = {r.name: h.name for h, residents in solved.items() for r in residents}

    result = stable_match(student_prefs, mentor_prefs, capacities)

    assert result == reference
    assert blocking_pairs(result, student_prefs, mentor_prefs, capacities) == []


# --- optimal_match -------------------------------------------------------------------------


def test_optimal_match_beats_greedy_on_a_small_example():
    # Greedy would give a the 10-pair and leave b unmatched: total 10 instead of 9 + 8.
    scores = {("a", "x"): 10.0, ("a", "y"): 9.0, ("b", "x"): 8.0}

    result = optimal_match(scores, {"x": 1, "y": 1})

    assert result == {"a": "y", "b": "x"}
    assert total_score(result, scores) == 17.0


def test_optimal_match_fills_mentor_capacity():
    scores = {("a", "x"): 1.0, ("b", "x"): 2.0, ("c", "x"): 3.0, ("c", "y"): 1.0}

    assert optimal_match(scores, {"x": 2, "y": 1}) == {"b": "x", "c": "x"}


def test_optimal_match_never_uses_negative_or_zero_pairs():
    scores = {("a", "x"): -1.0, ("b", "x"): 0.0, ("c", "y"): 0.5}

    assert optimal_match(scores, {"x": 5, "y": 1}) == {"c": "y"}


def test_optimal_match_with_no_pairs_is_empty():
    assert optimal_match({}, {"x": 1}) == {}


@settings(max_examples=300, deadline=None)
@given(tiny_score_instances())
def test_optimal_match_finds_the_exhaustive_best_total(instance):
    scores, capacities = instance
    options: dict[str, list[str]] = {}
    for student, mentor in scores:
        options.setdefault(student, []).append(mentor)

    result = optimal_match(scores, capacities)

    _assert_valid(result, set(scores), capacities)
    assert all(scores[pair] > 0 for pair in result.items())
    best = max(total_score(m, scores) for m in _feasible_matchings(options, capacities))
    assert total_score(result, scores) == best


@settings(max_examples=200, deadline=None)
@given(tiny_score_instances())
def test_optimal_total_is_at_least_the_stable_total(instance):
    scores, capacities = instance
    student_prefs, mentor_prefs = preferences_from_scores(scores)

    stable = stable_match(student_prefs, mentor_prefs, capacities)
    optimal = optimal_match(scores, capacities)

    assert total_score(optimal, scores) >= total_score(stable, scores)


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from([f"s{i}" for i in range(30)]), st.sampled_from("vwxyz")),
        st.floats(-1, 1, allow_nan=False),
        max_size=80,
    ),
    st.dictionaries(st.sampled_from("vwxyz"), st.integers(0, 4), min_size=5),
)
def test_optimal_match_respects_capacities_on_larger_float_instances(scores, capacities):
    result = optimal_match(scores, capacities)

    _assert_valid(result, {p for p, score in scores.items() if score > 0}, capacities)
    student_prefs, mentor_prefs = preferences_from_scores(scores)
    stable = stable_match(student_prefs, mentor_prefs, capacities)
    assert total_score(result, scores) >= total_score(stable, scores) - 1e-9


# --- Helpers -------------------------------------------------------------------------------


def test_preferences_from_scores_orders_both_sides_best_first_with_id_tiebreak():
    scores = {("a", "x"): 1.0, ("a", "y"): 2.0, ("b", "x"): 1.0, ("a", "z"): 1.0}

    student_prefs, mentor_prefs = preferences_from_scores(scores)

    assert student_prefs == {"a": ["y", "x", "z"], "b": ["x"]}
    assert mentor_prefs == {"x": ["a", "b"], "y": ["a"], "z": ["a"]}


def test_top_k_candidates_keeps_each_students_best_pairs():
    scores = {("a", "x"): 1.0, ("a", "y"): 3.0, ("a", "z"): 3.0, ("b", "x"): -2.0}

    assert top_k_candidates(scores, 2) == {("a", "y"): 3.0, ("a", "z"): 3.0, ("b", "x"): -2.0}
    assert top_k_candidates(scores, 0) == {}


def test_total_score_sums_matched_pairs():
    scores = {("a", "x"): 1.5, ("b", "x"): 2.0, ("b", "y"): 9.0}

    assert total_score({"a": "x", "b": "x"}, scores) == 3.5
    assert total_score({}, scores) == 0.0


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("student_prefs", "mentor_prefs", "capacities", "message"),
    [
        ({"a": ["ghost"]}, {"x": ["a"]}, {"x": 1}, "unknown mentor 'ghost'"),
        ({"a": ["x"]}, {"x": ["a"]}, {"x": -1}, "must not be negative"),
        ({"a": ["x"]}, {"x": ["a"]}, {"x": 1.5}, "must be an integer"),
        ({"a": ["x"]}, {"x": ["a"], "y": ["a"]}, {"x": 1}, "'y' has preferences but no capacity"),
        ({"a": ["x"]}, {"x": ["a", "nobody"]}, {"x": 1}, "unknown student 'nobody'"),
    ],
)
def test_stable_match_rejects_bad_input(student_prefs, mentor_prefs, capacities, message):
    with pytest.raises(MatchingInputError, match=message):
        stable_match(student_prefs, mentor_prefs, capacities)


@pytest.mark.parametrize(
    ("scores", "capacities", "message"),
    [
        ({("a", "ghost"): 1.0}, {"x": 1}, "unknown mentor"),
        ({("a", "x"): 1.0}, {"x": -2}, "must not be negative"),
        ({("a", "x"): float("nan")}, {"x": 1}, "finite number"),
        ({("a", "x"): float("inf")}, {"x": 1}, "finite number"),
    ],
)
def test_optimal_match_rejects_bad_input(scores, capacities, message):
    with pytest.raises(MatchingInputError, match=message):
        optimal_match(scores, capacities)


def test_matching_input_error_is_a_value_error():
    with pytest.raises(ValueError, match="unknown mentor"):
        stable_match({"a": ["ghost"]}, {}, {})


def test_total_score_rejects_a_pair_without_a_score():
    with pytest.raises(MatchingInputError, match="has no score"):
        total_score({"a": "x"}, {})


def test_top_k_candidates_rejects_negative_k():
    with pytest.raises(MatchingInputError, match="must not be negative"):
        top_k_candidates({}, -1)
