"""Parsing the community's conference-deadline YAML (the ai-deadlines formats).

Each entry is one edition of a venue. The newer per-conference files list them with a
``deadlines`` list::

    - title: NeurIPS
      year: 2027
      full_name: Conference on Neural Information Processing Systems
      link: https://neurips.cc/
      tags: [machine-learning]
      timezone: AoE                 # default for deadlines without their own
      deadlines:
        - {type: abstract, label: Abstract submission, date: '2027-05-11 23:59:59'}
        - {type: paper, label: Round 1, date: '2027-05-15 23:59:59', timezone: PDT}

The older single-file list puts flat fields on the entry (``deadline``,
``abstract_deadline``, ``commitment_deadline``, ``rebuttal_period_start``, ...).

A problem with one entry rejects that entry only, with every reason found; the other
entries still import. Deadlines with no date yet (``TBA``) and deadline types Pacer
does not track are skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from apps.research.deadlines import UnknownTimezone, deadline_to_utc, parse_timezone
from apps.research.models import DeadlineKind, Venue, VenueDeadline, deadline_name

DEFAULT_TIMEZONE = "AoE"
END_OF_DAY = dt.time(23, 59, 59)
TITLE_MAX = Venue._meta.get_field("title").max_length or 200
FULL_NAME_MAX = Venue._meta.get_field("full_name").max_length or 500
LINK_MAX = Venue._meta.get_field("link").max_length or 500
LABEL_MAX = VenueDeadline._meta.get_field("label").max_length or 200

# Type names as the community writes them, after lower-casing and turning "-" and " "
# into "_". A qualified alias ("final_notification") also gives the deadline its
# default label, so "first" and "final" notifications stay two deadlines.
_KIND_ALIASES: dict[str, tuple[DeadlineKind, str]] = {
    "registration": (DeadlineKind.REGISTRATION, ""),
    "paper_registration": (DeadlineKind.REGISTRATION, ""),
    "abstract_registration": (DeadlineKind.REGISTRATION, "Abstract registration"),
    "abstract": (DeadlineKind.ABSTRACT, ""),
    "abstract_deadline": (DeadlineKind.ABSTRACT, ""),
    "abstract_submission": (DeadlineKind.ABSTRACT, ""),
    "paper": (DeadlineKind.PAPER, ""),
    "full_paper": (DeadlineKind.PAPER, ""),
    "paper_submission": (DeadlineKind.PAPER, ""),
    "submission": (DeadlineKind.PAPER, ""),
    "deadline": (DeadlineKind.PAPER, ""),
    "arr_submission": (DeadlineKind.PAPER, "ARR submission"),
    "supplementary": (DeadlineKind.SUPPLEMENTARY, ""),
    "supplementary_material": (DeadlineKind.SUPPLEMENTARY, ""),
    "supplemental": (DeadlineKind.SUPPLEMENTARY, ""),
    "review_release": (DeadlineKind.REVIEW_RELEASE, ""),
    "reviews_released": (DeadlineKind.REVIEW_RELEASE, ""),
    "rebuttal_start": (DeadlineKind.REBUTTAL_START, ""),
    "rebuttal_period_start": (DeadlineKind.REBUTTAL_START, ""),
    "rebuttal": (DeadlineKind.REBUTTAL_START, ""),
    "rebuttal_and_revision": (DeadlineKind.REBUTTAL_START, "Rebuttal and revision"),
    "author_response": (DeadlineKind.REBUTTAL_START, "Author response"),
    "rebuttal_end": (DeadlineKind.REBUTTAL_END, ""),
    "rebuttal_period_end": (DeadlineKind.REBUTTAL_END, ""),
    "commitment": (DeadlineKind.COMMITMENT, ""),
    "commitment_deadline": (DeadlineKind.COMMITMENT, ""),
    "arr_commitment": (DeadlineKind.COMMITMENT, ""),
    "notification": (DeadlineKind.NOTIFICATION, ""),
    "decision": (DeadlineKind.NOTIFICATION, ""),
    "final_decision": (DeadlineKind.NOTIFICATION, "Final decision"),
    "final_notification": (DeadlineKind.NOTIFICATION, "Final notification"),
    "first_notification": (DeadlineKind.NOTIFICATION, "First notification"),
    "preliminary_notification": (DeadlineKind.NOTIFICATION, "Preliminary notification"),
    "camera_ready": (DeadlineKind.CAMERA_READY, ""),
    "camera": (DeadlineKind.CAMERA_READY, ""),
    "final_version": (DeadlineKind.CAMERA_READY, ""),
}
# The old single-file format's flat fields, in the order they usually fall.
_FLAT_FIELDS = (
    ("abstract_deadline", "abstract"),
    ("deadline", "paper"),
    ("commitment_deadline", "commitment"),
    ("review_release_date", "review_release"),
    ("rebuttal_period_start", "rebuttal_start"),
    ("rebuttal_period_end", "rebuttal_end"),
    ("final_decision_date", "final_decision"),
)
_NO_DATE_YET = frozenset({"", "tba", "tbd", "tbc", "tba.", "tbd.", "?", "n/a", "none"})
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
_SEPARATORS = re.compile(r"[\s\-]+")
_validate_url = URLValidator(schemes=["http", "https"])
# libyaml's safe loader when PyYAML was built with it: the same documents, several
# times faster on the community's larger lists.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogueError(ValueError):
    """Nothing can be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class _NoDateYet(ValueError):
    pass


@dataclass
class ParsedDeadline:
    year: int
    kind: str
    label: str
    local_date: dt.date
    local_time: dt.time
    timezone_name: str
    due_at: dt.datetime

    @property
    def name(self) -> str:
        return deadline_name(self.kind, self.label)


@dataclass
class ParsedVenue:
    title: str
    full_name: str = ""
    link: str = ""
    tags: list[str] = field(default_factory=list)
    deadlines: list[ParsedDeadline] = field(default_factory=list)


@dataclass
class Rejection:
    """One entry left out of the import, and why."""

    entry: str
    reasons: list[str]

    def __str__(self) -> str:
        return f"{self.entry}: " + " ".join(self.reasons)


@dataclass
class ParsedCatalogue:
    venues: list[ParsedVenue]
    warnings: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    entries: int = 0
    unreadable: list[Rejection] = field(default_factory=list)  # whole files


def _unique(lines: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def _offset_name(moment: dt.datetime) -> str | None:
    """'UTC-12:00' for a date written with its own offset (2027-03-03T23:59:00-12:00),
    which then wins over the entry's timezone."""
    offset = moment.utcoffset()
    if offset is None:
        return None
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_local(value: Any) -> tuple[dt.date, dt.time, str | None]:
    # YAML turns unquoted dates into date/datetime objects; quoted ones stay strings.
    if isinstance(value, dt.datetime):
        return value.date(), value.time().replace(microsecond=0, tzinfo=None), _offset_name(value)
    if isinstance(value, dt.date):
        return value, END_OF_DAY, None
    text = "" if value is None else str(value).strip()
    if text.lower() in _NO_DATE_YET:
        raise _NoDateYet(f"has no date yet ({text or 'empty'})")
    if "%" in text:
        raise _NoDateYet(f"is a rolling template ({text}), not a date")
    for fmt in _DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.date(), parsed.time(), None
    try:
        return dt.date.fromisoformat(text), END_OF_DAY, None
    except ValueError:
        pass
    try:
        return _parse_local(dt.datetime.fromisoformat(text))
    except ValueError:
        raise ValueError(f"'{text}' is not a date like 2027-05-15 23:59:59") from None


def _as_tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    if isinstance(value, list):
        return [str(t).strip() for t in value if str(t).strip()]
    raise ValueError("'tags' must be a list or a comma-separated string.")


def _raw_deadlines(entry: dict[str, Any]) -> list[dict[str, Any]]:
    raw = entry.get("deadlines")
    if raw is not None:
        if not isinstance(raw, list) or not all(isinstance(d, dict) for d in raw):
            raise ValueError("'deadlines' must be a list of {type, label, date, timezone}.")
        return raw
    flat: list[dict[str, Any]] = []
    for key, type_name in _FLAT_FIELDS:
        if key not in entry:
            continue
        value = entry[key]
        if isinstance(value, list):
            # A list of dates is a venue with several rounds.
            for number, item in enumerate(value, start=1):
                flat.append({"type": type_name, "date": item, "label": f"Round {number}"})
        else:
            flat.append({"type": type_name, "date": value})
    return flat


def _kind_of(raw_type: Any) -> tuple[str, tuple[DeadlineKind, str] | None]:
    name = _SEPARATORS.sub("_", str(raw_type or "").strip().lower())
    return name, _KIND_ALIASES.get(name)


def _short(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value if value is not None else "no date").strip()[:40]


@dataclass
class _Entry:
    key: str
    title: str
    year: int
    full_name: str
    link: str
    tags: list[str]
    deadlines: list[ParsedDeadline]


def _parse_entry(
    entry: Any, where: str, warnings: list[str]
) -> tuple[_Entry | None, str, list[str]]:
    """The entry's data, its display name for messages, and the reasons to reject it."""
    if not isinstance(entry, dict):
        return None, where, ["Expected a mapping with title, year and deadlines."]
    title = str(entry.get("title") or entry.get("name") or "").strip()
    raw_year = entry.get("year")
    year = 0
    if isinstance(raw_year, int | str) and str(raw_year).strip().isdigit():
        year = int(str(raw_year).strip())
    if title:
        where = f"{where} ({title[:60]}{' ' + str(year) if year else ''})"
    reasons: list[str] = []
    if not title:
        reasons.append("'title' is missing.")
    elif len(title) > TITLE_MAX:
        reasons.append(f"'title' is longer than {TITLE_MAX} characters.")
    if not 1900 < year < 2200:
        reasons.append("'year' must be a year such as 2027.")
    entry_tz = str(entry.get("timezone") or DEFAULT_TIMEZONE).strip()
    try:
        parse_timezone(entry_tz)
    except UnknownTimezone as exc:
        reasons.append(f"The entry's timezone: {exc}")
    try:
        # The old single-file list calls its tags "sub" (ML, CV, NLP, ...).
        tags = _as_tags(entry.get("tags") or entry.get("sub"))
    except ValueError as exc:
        reasons.append(str(exc))
        tags = []
    try:
        raw_deadlines = _raw_deadlines(entry)
    except ValueError as exc:
        reasons.append(str(exc))
        raw_deadlines = []
    if reasons:
        return None, where, reasons

    deadlines: dict[tuple[str, str], ParsedDeadline] = {}
    untracked: list[str] = []
    for raw in raw_deadlines:
        type_name, known = _kind_of(raw.get("type"))
        if known is None:
            untracked.append(type_name or "(no type)")
            continue
        kind, default_label = known
        label = str(raw.get("label") or default_label).strip()
        name = deadline_name(kind, label)
        described = f"{name} deadline ({_short(raw.get('date'))})"
        if len(label) > LABEL_MAX:
            reasons.append(f"{described}: the label is longer than {LABEL_MAX} characters.")
            continue
        tz_name = str(raw.get("timezone") or entry_tz).strip()
        try:
            local_date, local_time, own_offset = _parse_local(raw.get("date"))
            tz_name = own_offset or tz_name
            due_at = deadline_to_utc(local_date, local_time, tz_name)
        except _NoDateYet as exc:
            warnings.append(f"{where}: {name} deadline {exc}; skipped, the venue is kept.")
            continue
        except ValueError as exc:  # UnknownTimezone included
            reasons.append(f"{described}: {str(exc).rstrip('.')}.")
            continue
        parsed = ParsedDeadline(year, kind, label, local_date, local_time, tz_name, due_at)
        same = deadlines.get((kind, label.casefold()))
        if same is None:
            deadlines[kind, label.casefold()] = parsed
        elif same.due_at == parsed.due_at:
            warnings.append(f"{where}: {name} deadline is listed twice; kept once.")
        else:
            reasons.append(
                f"Two {name} deadlines ({same.local_date:%Y-%m-%d} and "
                f"{parsed.local_date:%Y-%m-%d}): give each its own label."
            )
    if untracked:
        listed = ", ".join(f"'{t}'" for t in _unique(untracked))
        warnings.append(f"{where}: deadline types Pacer does not track were skipped: {listed}.")
    if reasons:
        return None, where, reasons

    full_name = str(entry.get("full_name") or entry.get("description") or "").strip()
    if len(full_name) > FULL_NAME_MAX:
        full_name = full_name[: FULL_NAME_MAX - 1] + "…"
        warnings.append(f"{where}: 'full_name' was shortened to {FULL_NAME_MAX} characters.")
    link = str(entry.get("link") or "").strip()
    if link:
        try:
            if len(link) > LINK_MAX:
                raise ValidationError("too long")
            _validate_url(link)
        except ValidationError:
            warnings.append(f"{where}: 'link' is not a web address (http or https); left out.")
            link = ""
    return (
        _Entry(title.casefold(), title, year, full_name, link, tags, list(deadlines.values())),
        where,
        [],
    )


def _newest(entries: list[_Entry], attribute: str) -> Any:
    """The value from the newest year that has one: files list editions in any order,
    and an old edition or an empty field must not overwrite a newer value."""
    for item in sorted(entries, key=lambda e: e.year, reverse=True):
        value = getattr(item, attribute)
        if value:
            return value
    return getattr(entries[0], attribute)


def _load_list(text: str) -> list[Any]:
    try:
        data = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "could not be parsed"
        raise CatalogueError([f"The file is not valid YAML{where}: {problem}."]) from exc
    if data is None:
        raise CatalogueError(["The file is empty."])
    if not isinstance(data, list):
        raise CatalogueError(["The file must be a YAML list of conference entries."])
    return data


def parse_catalogue_files(files: Iterable[tuple[str, str]]) -> ParsedCatalogue:
    """Parse one or more files (name, text), e.g. the per-conference files of a
    directory. A file that is not a YAML list is rejected as a whole; if no file can be
    read at all, ``CatalogueError`` says why for each."""
    files = list(files)
    warnings: list[str] = []
    rejected: list[Rejection] = []
    unreadable: list[Rejection] = []
    file_errors: list[str] = []
    by_venue: dict[str, list[_Entry]] = {}
    seen: dict[tuple[str, int], str] = {}
    count = 0
    for name, text in files:
        try:
            data = _load_list(text)
        except CatalogueError as exc:
            prefix = f"{name}: " if name else ""
            file_errors.extend(f"{prefix}{e}" for e in exc.errors)
            if name:
                unreadable.append(Rejection(name, exc.errors))
            continue
        for index, raw in enumerate(data, start=1):
            count += 1
            where = f"{name}, entry {index}" if name else f"Entry {index}"
            entry, where, reasons = _parse_entry(raw, where, warnings)
            if entry is not None and (entry.key, entry.year) in seen:
                reasons = [f"{seen[entry.key, entry.year]} already describes this year."]
                entry = None
            if entry is None:
                rejected.append(Rejection(where, _unique(reasons)))
                continue
            seen[entry.key, entry.year] = where
            by_venue.setdefault(entry.key, []).append(entry)
    if file_errors and (len(files) == 1 or not count):
        raise CatalogueError(_unique(file_errors))
    venues = [
        ParsedVenue(
            title=_newest(editions, "title"),
            full_name=_newest(editions, "full_name"),
            link=_newest(editions, "link"),
            tags=sorted(set(_newest(editions, "tags"))),
            deadlines=[d for e in sorted(editions, key=lambda e: e.year) for d in e.deadlines],
        )
        for editions in by_venue.values()
    ]
    return ParsedCatalogue(
        venues=venues,
        warnings=_unique(warnings),
        rejected=rejected,
        entries=count,
        unreadable=unreadable,
    )


def parse_catalogue(text: str, *, name: str = "") -> ParsedCatalogue:
    return parse_catalogue_files([(name, text)])
