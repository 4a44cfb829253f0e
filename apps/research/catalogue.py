"""Parsing the community's conference-deadline YAML (the huggingface/ai-deadlines style).

Each entry is one edition of a venue::

    - title: NeurIPS
      year: 2027
      full_name: Conference on Neural Information Processing Systems
      link: https://neurips.cc/
      tags: [machine-learning]
      timezone: AoE                 # default for deadlines without their own
      deadlines:
        - {type: abstract, date: '2027-05-11 23:59:59', timezone: AoE}
        - {type: paper, date: '2027-05-15 23:59:59'}

The older flat form (``deadline``, ``abstract_deadline`` and ``timezone`` on the entry)
is read too. Deadline types Pacer does not track (rebuttal periods, ...) are skipped and
reported. Parsing collects every problem before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from apps.research.deadlines import UnknownTimezone, deadline_to_utc
from apps.research.models import DeadlineKind

DEFAULT_TIMEZONE = "AoE"
END_OF_DAY = dt.time(23, 59, 59)

_KIND_ALIASES = {
    "abstract": DeadlineKind.ABSTRACT,
    "abstract_deadline": DeadlineKind.ABSTRACT,
    "paper": DeadlineKind.PAPER,
    "full_paper": DeadlineKind.PAPER,
    "submission": DeadlineKind.PAPER,
    "deadline": DeadlineKind.PAPER,
    "supplementary": DeadlineKind.SUPPLEMENTARY,
    "supplementary_material": DeadlineKind.SUPPLEMENTARY,
    "supplemental": DeadlineKind.SUPPLEMENTARY,
    "notification": DeadlineKind.NOTIFICATION,
    "decision": DeadlineKind.NOTIFICATION,
    "final_decision": DeadlineKind.NOTIFICATION,
    "camera_ready": DeadlineKind.CAMERA_READY,
    "camera-ready": DeadlineKind.CAMERA_READY,
    "camera": DeadlineKind.CAMERA_READY,
}
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


class CatalogueError(ValueError):
    """The file cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ParsedDeadline:
    year: int
    kind: str
    local_date: dt.date
    local_time: dt.time
    timezone_name: str
    due_at: dt.datetime


@dataclass
class ParsedVenue:
    title: str
    full_name: str = ""
    link: str = ""
    tags: list[str] = field(default_factory=list)
    deadlines: list[ParsedDeadline] = field(default_factory=list)


@dataclass
class ParsedCatalogue:
    venues: list[ParsedVenue]
    skipped: list[str]


def _parse_local(value: Any) -> tuple[dt.date, dt.time]:
    # YAML turns unquoted dates into date/datetime objects; quoted ones stay strings.
    if isinstance(value, dt.datetime):
        return value.date(), value.time().replace(microsecond=0)
    if isinstance(value, dt.date):
        return value, END_OF_DAY
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.date(), parsed.time()
    try:
        return dt.date.fromisoformat(text), END_OF_DAY
    except ValueError:
        raise ValueError(f"'{text}' is not a date like 2027-05-15 23:59:59") from None


def _as_tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    if isinstance(value, list):
        return [str(t).strip() for t in value if str(t).strip()]
    raise ValueError("tags must be a list or a comma-separated string")


def _raw_deadlines(entry: dict[str, Any]) -> list[dict[str, Any]]:
    raw = entry.get("deadlines")
    if raw is not None:
        if not isinstance(raw, list) or not all(isinstance(d, dict) for d in raw):
            raise ValueError("'deadlines' must be a list of {type, date, timezone} entries")
        return raw
    flat = []
    for key, kind in (("abstract_deadline", "abstract"), ("deadline", "paper")):
        value = entry.get(key)
        if isinstance(value, list):
            value = value[-1] if value else None
        if value:
            flat.append({"type": kind, "date": value})
    return flat


def parse_catalogue(text: str) -> ParsedCatalogue:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "could not be parsed"
        raise CatalogueError([f"The file is not valid YAML{where}: {problem}."]) from exc
    if data is None:
        raise CatalogueError(["The file is empty."])
    if not isinstance(data, list):
        raise CatalogueError(["The file must be a YAML list of conference entries."])

    errors: list[str] = []
    skipped: list[str] = []
    venues: dict[str, ParsedVenue] = {}
    seen: set[tuple[str, int, str]] = set()
    for index, entry in enumerate(data, start=1):
        where = f"Entry {index}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: expected a mapping with title, year and deadlines.")
            continue
        title = str(entry.get("title") or entry.get("name") or "").strip()
        if title:
            where = f"Entry {index} ({title})"
        else:
            errors.append(f"{where}: 'title' is missing.")
            continue
        if len(title) > 60:
            errors.append(f"{where}: 'title' is longer than 60 characters.")
            continue
        raw_year = entry.get("year")
        try:
            year = int(raw_year) if isinstance(raw_year, int | str) else 0
            if not 1900 < year < 2200:
                raise ValueError
        except ValueError:
            errors.append(f"{where}: 'year' must be a year such as 2027.")
            continue
        try:
            tags = _as_tags(entry.get("tags"))
            raw_deadlines = _raw_deadlines(entry)
        except ValueError as exc:
            errors.append(f"{where}: {exc}.")
            continue
        venue = venues.setdefault(title.lower(), ParsedVenue(title=title))
        venue.full_name = str(entry.get("full_name") or entry.get("description") or "")[:255]
        venue.link = str(entry.get("link") or "")[:500]
        venue.tags = sorted(set(venue.tags) | set(tags))
        entry_tz = str(entry.get("timezone") or DEFAULT_TIMEZONE)
        for raw in raw_deadlines:
            type_name = str(raw.get("type") or "").strip().lower()
            kind = _KIND_ALIASES.get(type_name)
            if kind is None:
                skipped.append(f"{title} {year}: '{type_name or '?'}'")
                continue
            if (title.lower(), year, kind) in seen:
                errors.append(f"{where}: two '{kind}' deadlines for {year}.")
                continue
            seen.add((title.lower(), year, kind))
            tz_name = str(raw.get("timezone") or entry_tz).strip()
            try:
                local_date, local_time = _parse_local(raw.get("date"))
                due_at = deadline_to_utc(local_date, local_time, tz_name)
            except UnknownTimezone as exc:
                errors.append(f"{where}, {kind} deadline: {exc}")
                continue
            except ValueError as exc:
                errors.append(f"{where}, {kind} deadline: {exc}.")
                continue
            venue.deadlines.append(
                ParsedDeadline(year, kind, local_date, local_time, tz_name, due_at)
            )
    if errors:
        raise CatalogueError(errors)
    return ParsedCatalogue(venues=list(venues.values()), skipped=skipped)
