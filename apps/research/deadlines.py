"""Turning a published deadline (local date, time and zone) into an exact UTC instant."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo

_OFFSET_RE = re.compile(
    r"^(?:UTC|GMT)\s*(?:([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?)?$", re.IGNORECASE
)

# Anywhere on Earth: the deadline has passed only once it has passed everywhere, i.e.
# at the end of the day in UTC-12 (no daylight saving, ever).
AOE = dt.timezone(dt.timedelta(hours=-12), "AoE")

# Abbreviations the community's deadline lists use, each naming one fixed offset: "PDT"
# is UTC-7 whatever the date, unlike America/Los_Angeles. They are looked up before the
# IANA names because the tz database also has zones called "CET" or "EST5EDT" that
# follow daylight saving. Ambiguous ones (CST, IST, BST) are left out on purpose: the
# publisher should say which zone they mean.
_ABBREVIATIONS = {
    "PST": -8,
    "PDT": -7,
    "MST": -7,
    "MDT": -6,
    "EST": -5,
    "EDT": -4,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "WET": 0,
    "WEST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "SGT": 8,
    "KST": 9,
    "JST": 9,
    "AEST": 10,
    "AEDT": 11,
    "NZST": 12,
    "NZDT": 13,
}


class UnknownTimezone(ValueError):
    pass


@functools.cache
def _iana_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_timezone(name: str) -> dt.tzinfo:
    """``AoE``, ``UTC``, ``UTC±N`` / ``UTC±HH:MM`` (also ``GMT±N``), a fixed-offset
    abbreviation such as ``PDT`` or ``CEST``, or an IANA name."""
    cleaned = (name or "").strip()
    if cleaned.lower() in {"aoe", "anywhere on earth", "utc-12 (aoe)", "aoe (utc-12)"}:
        return AOE
    fixed = _ABBREVIATIONS.get(cleaned.upper())
    if fixed is not None:
        return dt.timezone(dt.timedelta(hours=fixed), cleaned.upper())
    match = _OFFSET_RE.match(cleaned)
    if match:
        sign, hours, minutes = match.groups()
        if sign is None:
            return dt.UTC
        offset = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        if sign != "+":  # ASCII hyphen or the typographic minus sign
            offset = -offset
        if (
            not dt.timedelta(hours=-12) <= offset <= dt.timedelta(hours=14)
            or int(minutes or 0) >= 60
        ):
            raise UnknownTimezone(f"'{name}' is not a valid UTC offset (from UTC-12 to UTC+14).")
        return dt.timezone(offset)
    if cleaned in _iana_names():
        return zoneinfo.ZoneInfo(cleaned)
    raise UnknownTimezone(
        f"Unknown timezone '{name}'. Use AoE, UTC±N (e.g. UTC-12, UTC+8), an abbreviation "
        "with one offset (PST, PDT, EST, EDT, CET, CEST, ...) or an IANA name such as "
        "America/Vancouver."
    )


def deadline_to_utc(local_date: dt.date, local_time: dt.time, timezone_name: str) -> dt.datetime:
    """The UTC instant of a local wall-clock deadline. Fixed offsets are exact; for IANA
    zones an ambiguous wall time (DST fall-back) takes the earlier instant."""
    tz = parse_timezone(timezone_name)
    local = dt.datetime.combine(local_date, local_time).replace(tzinfo=tz, fold=0)
    return local.astimezone(dt.UTC)
