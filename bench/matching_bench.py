"""Benchmark the cohort matching algorithms.

    uv run python -m bench.matching_bench                  # 10,000 students x 2,000 mentors
    uv run python -m bench.matching_bench --skip-reference # without the `matching` package
    uv run python -m bench.matching_bench --large          # also 100,000 x 20,000 (stable)

Times ``stable_match`` against the ``matching`` package (a dev dependency) on the same
seeded instance and checks that both give the same student-optimal matching, then
times ``optimal_match`` on a top-k candidate graph. Memory is reported two ways:
the tracemalloc peak of Python allocations inside a call (measured in a separate,
untimed run because tracing slows Python down several times), and the process's
peak resident set size so far, which also counts HiGHS's native memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from apps.matching.algorithms import (
    blocking_pairs,
    optimal_match,
    stable_match,
    top_k_candidates,
    total_score,
)

T = TypeVar("T")

DEFAULT_STUDENTS = 10_000
DEFAULT_MENTORS = 2_000
LARGE_STUDENTS = 100_000
LARGE_MENTORS = 20_000


@dataclass
class Instance:
    student_prefs: dict[str, list[str]]
    mentor_prefs: dict[str, list[str]]
    capacities: dict[str, int]
    # A fit score for every (student, mentor) pair a student listed, consistent with
    # both sides' rankings, so stable and optimal results can be compared on it.
    scores: dict[tuple[str, str], float]


def generate_instance(
    n_students: int, n_mentors: int, choices: int, seed: int, skew: float = 0.8
) -> Instance:
    """Build a seeded instance shaped like a real cohort.

    Mentor popularity follows a Zipf-like law (a few sought-after mentors, a long
    tail), capacities are uniform on 1..8, each student lists ``choices`` distinct
    mentors drawn by popularity, and each mentor ranks exactly the students who listed
    it by a seeded score (a student-wide strength plus pair-specific noise).
    """
    if choices > n_mentors:
        raise ValueError("choices cannot exceed the number of mentors")
    rng = np.random.default_rng(seed)
    mentors = [f"m{j}" for j in range(n_mentors)]
    students = [f"s{i}" for i in range(n_students)]
    capacities = {m: int(c) for m, c in zip(mentors, rng.integers(1, 9, n_mentors), strict=True)}

    popularity = 1.0 / np.arange(1, n_mentors + 1) ** skew
    cumulative = np.cumsum(popularity / popularity.sum())
    # Drawing with replacement in one vectorised call and de-duplicating per student is
    # much faster than a weighted draw without replacement per student; the few
    # students left short after collisions are topped up below.
    draws = np.searchsorted(cumulative, rng.random((n_students, 2 * choices)), side="right")
    draws = np.minimum(draws, n_mentors - 1)
    student_prefs: dict[str, list[str]] = {}
    for i, student in enumerate(students):
        picked = list(dict.fromkeys(draws[i].tolist()))[:choices]
        while len(picked) < choices:
            extra = int(min(np.searchsorted(cumulative, rng.random()), n_mentors - 1))
            if extra not in picked:
                picked.append(extra)
        student_prefs[student] = [mentors[j] for j in picked]

    strength = rng.normal(size=n_students)
    applicants: dict[str, list[tuple[float, str]]] = {m: [] for m in mentors}
    pair_noise = rng.normal(scale=0.5, size=(n_students, choices))
    for i, student in enumerate(students):
        for c, mentor in enumerate(student_prefs[student]):
            applicants[mentor].append((strength[i] + pair_noise[i, c], student))
    mentor_prefs = {
        m: [s for _, s in sorted(listed, reverse=True)] for m, listed in applicants.items()
    }

    scores: dict[tuple[str, str], float] = {}
    for student, ranked in student_prefs.items():
        for rank, mentor in enumerate(ranked):
            scores[(student, mentor)] = float(choices - rank)
    for mentor, ranked in mentor_prefs.items():
        for rank, student in enumerate(ranked):
            # Scaled into [0, choices) so the mentor's view weighs about as much as the
            # student's, whatever the number of applicants.
            scores[(student, mentor)] += choices * (1 - rank / len(ranked))
    return Instance(student_prefs, mentor_prefs, capacities, scores)


def reference_match(instance: Instance) -> dict[str, str]:
    """Solve with the `matching` package and return student id -> mentor id."""
    from matching.games import HospitalResident  # a dev dependency, only needed here

    # The package deep-copies its linked player objects, which recurses once per
    # reference and overflows the default limit on instances of this size.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1_000_000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            instance.student_prefs, instance.mentor_prefs, instance.capacities
        )
        solved = game.solve(optimal="resident")
    return {
        resident.name: hospital.name
        for hospital, residents in solved.items()
        for resident in residents
    }


def timed(call: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def traced_peak_mb(call: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


@dataclass
class Row:
    case: str
    seconds: float
    matched: int
    traced_mb: float | None
    rss_mb: float
    note: str = ""


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'case':<44} {'time (s)':>9} {'matched':>8} {'traced MB':>10} {'max RSS MB':>11}  note"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        traced = f"{row.traced_mb:10.1f}" if row.traced_mb is not None else f"{'-':>10}"
        print(
            f"{row.case:<44} {row.seconds:9.3f} {row.matched:8d} {traced} "
            f"{row.rss_mb:11.1f}  {row.note}"
        )


def bench_default(args: argparse.Namespace, rows: list[Row]) -> bool:
    """Benchmark the default-size instance; return False if a check failed."""
    label = f"{args.students:,}x{args.mentors:,}"
    instance, gen_seconds = timed(
        lambda: generate_instance(args.students, args.mentors, args.choices, args.seed)
    )
    print(
        f"instance {label}: {args.choices} choices/student, seed {args.seed}, "
        f"{sum(instance.capacities.values()):,} places, generated in {gen_seconds:.1f} s"
    )
    ok = True

    def run_stable() -> dict[str, str]:
        return stable_match(instance.student_prefs, instance.mentor_prefs, instance.capacities)

    stable, stable_seconds = timed(run_stable)
    stable_rss = max_rss_mb()
    unstable = blocking_pairs(
        stable, instance.student_prefs, instance.mentor_prefs, instance.capacities
    )
    ok &= not unstable
    rows.append(
        Row(
            f"stable_match {label}",
            stable_seconds,
            len(stable),
            traced_peak_mb(run_stable),
            stable_rss,
            f"blocking pairs: {len(unstable)}",
        )
    )

    if not args.skip_reference:
        reference, reference_seconds = timed(lambda: reference_match(instance))
        same = reference == stable
        ok &= same
        rows.append(
            Row(
                f"matching.HospitalResident {label}",
                reference_seconds,
                len(reference),
                None,
                max_rss_mb(),
                f"identical: {same}; speed-up x{reference_seconds / stable_seconds:.0f}",
            )
        )

    candidates = top_k_candidates(instance.scores, args.choices)

    def run_optimal() -> dict[str, str]:
        return optimal_match(candidates, instance.capacities)

    optimal, optimal_seconds = timed(run_optimal)
    optimal_rss = max_rss_mb()
    optimal_total = total_score(optimal, instance.scores)
    stable_total = total_score(stable, instance.scores)
    over_capacity = sum(
        1 for mentor, used in _load(optimal).items() if used > instance.capacities[mentor]
    )
    ok &= optimal_total >= stable_total - 1e-6 and over_capacity == 0
    rows.append(
        Row(
            f"optimal_match {label} top-{args.choices}",
            optimal_seconds,
            len(optimal),
            traced_peak_mb(run_optimal),
            optimal_rss,
            f"total {optimal_total:,.0f} vs stable {stable_total:,.0f}",
        )
    )
    return ok


def bench_large(args: argparse.Namespace, rows: list[Row]) -> bool:
    label = f"{LARGE_STUDENTS:,}x{LARGE_MENTORS:,}"
    instance, gen_seconds = timed(
        lambda: generate_instance(LARGE_STUDENTS, LARGE_MENTORS, args.choices, args.seed)
    )
    print(f"instance {label}: generated in {gen_seconds:.1f} s")

    def run_stable() -> dict[str, str]:
        return stable_match(instance.student_prefs, instance.mentor_prefs, instance.capacities)

    stable, seconds = timed(run_stable)
    rss = max_rss_mb()
    unstable = blocking_pairs(
        stable, instance.student_prefs, instance.mentor_prefs, instance.capacities
    )
    rows.append(
        Row(
            f"stable_match {label}",
            seconds,
            len(stable),
            traced_peak_mb(run_stable),
            rss,
            f"blocking pairs: {len(unstable)}",
        )
    )
    return not unstable


def _load(matching: dict[str, str]) -> dict[str, int]:
    load: dict[str, int] = {}
    for mentor in matching.values():
        load[mentor] = load.get(mentor, 0) + 1
    return load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=DEFAULT_STUDENTS)
    parser.add_argument("--mentors", type=int, default=DEFAULT_MENTORS)
    parser.add_argument("--choices", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--skip-reference", action="store_true", help="do not run the `matching` package"
    )
    parser.add_argument(
        "--large", action="store_true", help=f"also run {LARGE_STUDENTS:,}x{LARGE_MENTORS:,}"
    )
    args = parser.parse_args(argv)

    rows: list[Row] = []
    ok = bench_default(args, rows)
    if args.large:
        ok &= bench_large(args, rows)
    print()
    print_table(rows)
    print(f"\nPython {sys.version.split()[0]}; checks {'passed' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
