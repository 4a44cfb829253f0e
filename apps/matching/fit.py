"""How well a mentor fits a student, component by component, with a readable reason.

Pure Python plus SciPy (no Django), so it can be tested without a database. Services
build the feature records from model rows; this module scores them.

The total is a weighted sum of components in [0, 1]:

- interest: cosine between the term vectors of the student's interests and of the
  mentor's areas, bio and offer (sublinear term frequency over a small tokenizer, stop
  words dropped, a few generic words weighed down; L2 rows on ``scipy.sparse``). There
  is no inverse document frequency: weighing words by how many of the scored mentors
  use them made a pair's figure depend on who else was scored (mentor search, the
  mentor's page and a cohort's round score different sets), so the same pair showed
  different figures. A pair's fit is a function of the pair alone: ``pair_fit``.
- tags: Jaccard overlap of topic and method-family tags (case-insensitive).
- style: share of the student's stated style wishes (cadence, involvement, channel)
  that the mentor meets; no wishes counts as a full fit.
- seniority: 1 when the mentor has the preferred seniority or none is preferred.
- timezone: 1 within the student's tolerance, falling off linearly beyond it.

``fit_percent`` is the one way a fit becomes the percentage people see.

Hard filters come first: a mentor with no free place, or with no language in common,
is not a candidate at all and the reason is kept for the "unmatched" explanation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

COMPONENTS = ("interest", "tags", "style", "seniority", "timezone")
DEFAULT_WEIGHTS: dict[str, float] = {
    "interest": 0.4,
    "tags": 0.25,
    "style": 0.15,
    "seniority": 0.1,
    "timezone": 0.1,
}

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "i'm",
        "i've",
        "interested",
        "interest",
        "interests",
        "work",
        "working",
        "research",
        "method",
        "methods",
        "based",
        "using",
        "approach",
        "approaches",
    ]
)


# Too common in this field to explain a fit, though they still count in the similarity.
GENERIC_TERMS = frozenset({"learning", "machine", "deep", "model", "models", "systems", "analysis"})


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stop words; hyphenated terms stay whole
    ("policy-gradient") and also count by their parts, so "gradient" still matches."""
    tokens: list[str] = []
    for word in _TOKEN.findall(text.lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        tokens.append(word)
        if "-" in word:
            tokens.extend(p for p in word.split("-") if len(p) > 1 and p not in STOPWORDS)
    return tokens


# Words so common in research interests that sharing them says little; a fixed weight
# stands in for the corpus statistics a pair-only score cannot use.
GENERIC_WEIGHT = 0.5


def term_matrix(documents: Sequence[str]) -> tuple[sparse.csr_array, list[str]]:
    """Rows are L2-normalised term vectors of ``documents`` (sublinear tf, generic words
    weighed down); also returns the vocabulary. Each row depends on its own document
    only, so the cosine of two rows does not change with the other documents."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []
    for row, document in enumerate(documents):
        bag: dict[int, int] = {}
        for token in tokenize(document):
            column = vocabulary.setdefault(token, len(vocabulary))
            bag[column] = bag.get(column, 0) + 1
        for column, count in bag.items():
            rows.append(row)
            cols.append(column)
            weights.append(1.0 + math.log(count))
    terms = [""] * len(vocabulary)
    for token, column in vocabulary.items():
        terms[column] = token
    scale = np.asarray([GENERIC_WEIGHT if terms[c] in GENERIC_TERMS else 1.0 for c in cols])
    weighted = sparse.csr_array(
        (np.asarray(weights, dtype=float) * scale, (np.asarray(rows, dtype=np.int64), cols)),
        shape=(len(documents), len(vocabulary)),
    )
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    normalised = sparse.csr_array(sparse.diags_array(1.0 / norms) @ weighted)
    return normalised, terms


def fit_percent(total: float) -> int:
    """The fit people see, in whole percent, rounded half up (0.535 is 54 %). Float noise
    from summing in another order (a few units in the last place) is cleared first, so
    the same pair never shows two figures."""
    return math.floor(round(total * 100, 6) + 0.5)


@dataclass(frozen=True)
class StudentFeatures:
    id: str
    text: str
    tags: Sequence[str] = ()
    languages: Sequence[str] = ()
    preferred_seniority: str = ""
    preferred_cadence: str = ""
    preferred_involvement: str = ""
    preferred_channel: str = ""
    utc_offset_hours: float = 0.0
    timezone_tolerance_hours: float = 6.0


@dataclass(frozen=True)
class MentorFeatures:
    id: str
    text: str
    tags: Sequence[str] = ()
    languages: Sequence[str] = ()
    seniority: str = ""
    cadence: str = ""
    involvement: str = ""
    channel: str = ""
    utc_offset_hours: float = 0.0
    capacity: int = 0
    free_places: int = 0
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass
class PairFit:
    student_id: str
    mentor_id: str
    components: dict[str, float]
    total: float
    shared: list[str]
    reasons: list[str]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)

    @property
    def percent(self) -> int:
        return fit_percent(self.total)


def _lower_set(items: Iterable[str]) -> dict[str, str]:
    return {item.strip().lower(): item.strip() for item in items if item.strip()}


def hard_filter_reason(student: StudentFeatures, mentor: MentorFeatures) -> str | None:
    """Why this mentor cannot be matched with this student at all, or None."""
    if mentor.free_places <= 0:
        return "no free places"
    student_languages = _lower_set(student.languages)
    mentor_languages = _lower_set(mentor.languages)
    if student_languages and mentor_languages and not (student_languages.keys() & mentor_languages):
        return "no language in common"
    return None


def timezone_fit(student: StudentFeatures, mentor: MentorFeatures) -> float:
    difference = abs(student.utc_offset_hours - mentor.utc_offset_hours)
    difference = min(difference, 24 - difference)
    tolerance = max(student.timezone_tolerance_hours, 0.0)
    if difference <= tolerance:
        return 1.0
    return max(0.0, 1.0 - (difference - tolerance) / 6.0)


def _style_fit(student: StudentFeatures, mentor: MentorFeatures) -> tuple[float, list[str]]:
    wishes = [
        (student.preferred_cadence, mentor.cadence, "cadence"),
        (student.preferred_involvement, mentor.involvement, "involvement"),
        (student.preferred_channel, mentor.channel, "channel"),
    ]
    stated = [(wanted, offered, key) for wanted, offered, key in wishes if wanted]
    if not stated:
        return 1.0, []
    met = [key for wanted, offered, key in stated if wanted == offered]
    return len(met) / len(stated), met


def score_pairs(
    students: Sequence[StudentFeatures],
    mentors: Sequence[MentorFeatures],
    weights: Mapping[str, float] | None = None,
    *,
    apply_hard_filters: bool = True,
) -> tuple[dict[tuple[str, str], PairFit], dict[str, dict[str, str]]]:
    """Score every allowed (student, mentor) pair; each pair's figure is its
    ``pair_fit``, whatever the other students and mentors.

    Returns ``(fits, excluded)``: ``fits[(sid, mid)]`` for pairs that passed the hard
    filters and ``excluded[sid][mid]`` with the reason for those that did not.
    """
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    if any(w < 0 or not math.isfinite(w) for w in weights.values()):
        raise ValueError("Weights must be finite and not negative.")
    weight_sum = sum(weights[c] for c in COMPONENTS) or 1.0

    documents = [s.text for s in students] + [m.text for m in mentors]
    matrix, terms = term_matrix(documents) if documents else (sparse.csr_array((0, 0)), [])
    student_rows = matrix[: len(students)]
    mentor_rows = matrix[len(students) :]
    similarity = (student_rows @ mentor_rows.T).toarray() if students and mentors else None

    fits: dict[tuple[str, str], PairFit] = {}
    excluded: dict[str, dict[str, str]] = {}
    for i, student in enumerate(students):
        student_tags = _lower_set(student.tags)
        student_vector = student_rows[[i]]
        for j, mentor in enumerate(mentors):
            if apply_hard_filters:
                reason = hard_filter_reason(student, mentor)
                if reason is not None:
                    excluded.setdefault(student.id, {})[mentor.id] = reason
                    continue
            mentor_tags = _lower_set(mentor.tags)
            shared_keys = [k for k in mentor_tags if k in student_tags]
            union = len(student_tags.keys() | mentor_tags.keys())
            tag_score = len(shared_keys) / union if union else 0.0
            style_score, style_met = _style_fit(student, mentor)
            seniority_score = (
                1.0
                if not student.preferred_seniority
                or student.preferred_seniority == mentor.seniority
                else 0.0
            )
            components = {
                "interest": float(similarity[i, j]) if similarity is not None else 0.0,
                "tags": tag_score,
                "style": style_score,
                "seniority": seniority_score,
                "timezone": timezone_fit(student, mentor),
            }
            components = {k: round(min(max(v, 0.0), 1.0), 4) for k, v in components.items()}
            total = sum(weights[c] * components[c] for c in COMPONENTS) / weight_sum
            total = min(max(total, 0.0), 1.0)

            shared = [mentor_tags[k] for k in shared_keys]
            shared += _shared_terms(student_vector, mentor_rows[[j]], terms, exclude=shared_keys)
            fits[(student.id, mentor.id)] = PairFit(
                student_id=student.id,
                mentor_id=mentor.id,
                components=components,
                total=total,
                shared=shared,
                reasons=_reasons(student, mentor, shared, style_met, components),
            )
    return fits, excluded


def pair_fit(
    student: StudentFeatures,
    mentor: MentorFeatures,
    weights: Mapping[str, float] | None = None,
) -> PairFit:
    """How well ``mentor`` fits ``student``: the definition every page, round and export
    shows. ``score_pairs`` gives each pair exactly this figure, whoever else it scores."""
    fits, _ = score_pairs([student], [mentor], weights, apply_hard_filters=False)
    return fits[(student.id, mentor.id)]


def _shared_terms(
    student_vector: sparse.csr_array,
    mentor_vector: sparse.csr_array,
    terms: Sequence[str],
    *,
    exclude: Iterable[str],
    limit: int = 3,
) -> list[str]:
    """The words that contribute most to the interest similarity, best first."""
    product = student_vector.multiply(mentor_vector).tocoo()
    skip = {word for phrase in exclude for word in tokenize(phrase)} | GENERIC_TERMS
    ranked = sorted(zip(product.data, product.coords[1], strict=True), key=lambda p: -p[0])
    words = [terms[int(col)] for _, col in ranked if terms[int(col)] not in skip]
    # A hyphenated term and its parts are the same idea; show the whole term only.
    parts = {part for word in words if "-" in word for part in word.split("-")}
    return [word for word in words if word not in parts][:limit]


def _reasons(
    student: StudentFeatures,
    mentor: MentorFeatures,
    shared: list[str],
    style_met: list[str],
    components: Mapping[str, float],
) -> list[str]:
    labels = mentor.labels
    reasons: list[str] = []
    if shared:
        reasons.append("shares: " + ", ".join(shared[:5]))
    else:
        reasons.append("few shared interests")
    if "cadence" in style_met:
        reasons.append(f"{labels.get('cadence', mentor.cadence).lower()} meetings as you prefer")
    if "involvement" in style_met:
        reasons.append(f"{labels.get('involvement', mentor.involvement).lower()} as you prefer")
    if "channel" in style_met:
        reasons.append(f"{labels.get('channel', mentor.channel).lower()} as you prefer")
    if student.preferred_seniority and components["seniority"] == 1.0:
        reasons.append(f"{labels.get('seniority', mentor.seniority)} as you asked")
    if components["timezone"] < 1.0:
        reasons.append("time zones further apart than you would like")
    reasons.append(f"{mentor.free_places} of {mentor.capacity} places free")
    return reasons
