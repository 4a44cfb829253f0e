import datetime as dt

import pytest

from apps.research.deadlines import UnknownTimezone, deadline_to_utc, parse_timezone

D, T = dt.date(2027, 5, 15), dt.time(23, 59, 59)


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_aoe_is_exactly_utc_minus_12():
    assert deadline_to_utc(D, T, "AoE") == utc(2027, 5, 16, 11, 59, 59)
    assert deadline_to_utc(D, T, "aoe") == deadline_to_utc(D, T, "UTC-12")
    # Etc/GMT+12 is the IANA spelling of UTC-12 (POSIX signs are inverted).
    assert deadline_to_utc(D, T, "Etc/GMT+12") == deadline_to_utc(D, T, "AoE")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("UTC", utc(2027, 5, 15, 23, 59, 59)),
        ("UTC+8", utc(2027, 5, 15, 15, 59, 59)),
        ("UTC-5", utc(2027, 5, 16, 4, 59, 59)),
        ("UTC+05:30", utc(2027, 5, 15, 18, 29, 59)),
        ("GMT+1", utc(2027, 5, 15, 22, 59, 59)),
        ("UTC\u22127", utc(2027, 5, 16, 6, 59, 59)),
    ],
)
def test_utc_offsets(name, expected):
    assert deadline_to_utc(D, T, name) == expected


def test_iana_zone_follows_daylight_saving():
    # Pacific Daylight Time in May (UTC-7), Standard Time in November (UTC-8).
    assert deadline_to_utc(D, T, "America/Los_Angeles") == utc(2027, 5, 16, 6, 59, 59)
    november = deadline_to_utc(dt.date(2026, 11, 13), T, "America/Los_Angeles")
    assert november == utc(2026, 11, 14, 7, 59, 59)


@pytest.mark.parametrize("name", ["Mars/Olympus", "PST-ish", "UTC+15", "UTC-13", "", "../etc"])
def test_unknown_timezones_are_refused_with_a_clear_message(name):
    with pytest.raises(UnknownTimezone, match=r"timezone|offset"):
        parse_timezone(name)
