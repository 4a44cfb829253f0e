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


@pytest.mark.parametrize(
    ("name", "hours"),
    [
        ("PST", -8),
        ("PDT", -7),
        ("EST", -5),
        ("EDT", -4),
        ("CET", 1),
        ("CEST", 2),
        ("cest", 2),
        ("GMT+2", 2),
        ("GMT-3", -3),
        ("UTC+05:30", 5.5),
        ("UTC-09:30", -9.5),
        ("AoE", -12),
    ],
)
def test_community_abbreviations_are_fixed_offsets_in_every_season(name, hours):
    # "CET" and "EST" are also tz database zones; CET there follows summer time, which
    # would move a deadline published as "CET" by an hour in July.
    offset = dt.timedelta(hours=hours)
    for day in (dt.date(2027, 1, 15), dt.date(2027, 7, 15)):
        local = dt.datetime.combine(day, T)
        assert deadline_to_utc(day, T, name) == (local - offset).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize("name", ["CST", "IST", "BST"])
def test_ambiguous_abbreviations_are_refused(name):
    with pytest.raises(UnknownTimezone, match="abbreviation with one offset"):
        parse_timezone(name)
