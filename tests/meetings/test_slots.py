"""Free-slot arithmetic: daylight-saving changeover days, the date line, and properties
that hold for any availability (hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.meetings import slots
from apps.meetings.slots import slots_by_local_day

UTC = dt.UTC
MIN = dt.timedelta(minutes=1)


def _rules(zone: str, weekly, **kw) -> slots.Rules:
    base = {
        "zone": zoneinfo.ZoneInfo(zone),
        "meeting_length": dt.timedelta(minutes=30),
        "buffer": dt.timedelta(0),
        "horizon": dt.timedelta(days=14),
        "min_notice": dt.timedelta(0),
        "weekly_cap": 100,
        "weekly": [slots.WeeklyWindow(d, s, e) for d, s, e in weekly],
    }
    base.update(kw)
    return slots.Rules(**base)


def _on_day(free, zone: str, day: dt.date):
    z = zoneinfo.ZoneInfo(zone)
    return [(s, e) for s, e in free if s.astimezone(z).date() == day]


def _local_times(free, zone: str) -> list[str]:
    z = zoneinfo.ZoneInfo(zone)
    return [s.astimezone(z).strftime("%H:%M") for s, _e in free]


# --- Daylight-saving changeover days -------------------------------------------------------
# A window of 00:30-03:30 local spans each zone's changeover hour.
CHANGEOVERS = [
    # zone, spring-forward day, fall-back day
    ("Europe/London", dt.date(2026, 3, 29), dt.date(2026, 10, 25)),
    ("America/New_York", dt.date(2026, 3, 8), dt.date(2026, 11, 1)),
    ("Australia/Sydney", dt.date(2026, 10, 4), dt.date(2026, 4, 5)),
]


def _changeover_slots(zone: str, day: dt.date):
    rules = _rules(zone, [(day.weekday(), dt.time(0, 30), dt.time(3, 30))])
    now = dt.datetime.combine(day - dt.timedelta(days=2), dt.time(12), tzinfo=UTC)
    return _on_day(slots.free_slots(rules, slots.Booked(), now), zone, day)


def test_a_window_over_the_spring_forward_hour_is_an_hour_shorter():
    for zone, spring, _fall in CHANGEOVERS:
        free = _changeover_slots(zone, spring)
        # 3 wall-clock hours, 2 real hours: four half-hour meetings, each 30 real minutes.
        assert len(free) == 4, zone
        assert all(e - s == dt.timedelta(minutes=30) for s, e in free)
        assert free[-1][1] - free[0][0] == dt.timedelta(hours=2)
        # The clocks jump over the skipped hour; no slot starts in it.
        assert _local_times(free, zone)[-1] == "03:00", zone


def test_a_window_over_the_fall_back_hour_is_an_hour_longer():
    for zone, _spring, fall in CHANGEOVERS:
        free = _changeover_slots(zone, fall)
        assert len(free) == 8, zone
        assert free[-1][1] - free[0][0] == dt.timedelta(hours=4)
        starts = [s for s, _e in free]
        assert starts == sorted(set(starts))
        # The repeated hour shows twice on the wall clock, at distinct instants.
        times = _local_times(free, zone)
        assert times[0] == "00:30"
        assert times[-1] == "03:00", zone
        assert len(times) - len(set(times)) == 2, zone


def test_a_weekly_window_keeps_its_wall_clock_time_across_the_change():
    rules = _rules(
        "Europe/London", [(0, dt.time(9), dt.time(9, 30))], horizon=dt.timedelta(days=60)
    )
    now = dt.datetime(2026, 3, 10, tzinfo=UTC)
    free = slots.free_slots(rules, slots.Booked(), now)
    assert _local_times(free, "Europe/London") == ["09:00"] * len(free)
    by_day = {s.date(): s.hour for s, _e in free}
    assert by_day[dt.date(2026, 3, 23)] == 9  # GMT
    assert by_day[dt.date(2026, 3, 30)] == 8  # BST


def test_the_mentee_sees_the_gap_between_the_two_changes():
    # New York changes on 8 March, London on 29 March: for three weeks they are 4 hours
    # apart instead of 5, and a New York 10:00 is 14:00 in London, not 15:00.
    rules = _rules("America/New_York", [(0, dt.time(10), dt.time(10, 30))],
                   horizon=dt.timedelta(days=40))  # fmt: skip
    free = slots.free_slots(rules, slots.Booked(), dt.datetime(2026, 2, 25, tzinfo=UTC))
    london = {
        day.day: day.slots[0].local_start.strftime("%H:%M")
        for day in slots_by_local_day(free, zoneinfo.ZoneInfo("Europe/London"))
    }
    assert london[dt.date(2026, 3, 2)] == "15:00"
    assert london[dt.date(2026, 3, 9)] == "14:00"
    assert london[dt.date(2026, 3, 23)] == "14:00"
    assert london[dt.date(2026, 3, 30)] == "15:00"


# --- Across the date line ------------------------------------------------------------------


def test_a_monday_morning_in_auckland_is_sunday_in_los_angeles():
    rules = _rules("Pacific/Auckland", [(0, dt.time(8), dt.time(10))])
    now = dt.datetime(2026, 12, 2, tzinfo=UTC)
    free = slots.free_slots(rules, slots.Booked(), now)
    la = slots_by_local_day(free, zoneinfo.ZoneInfo("America/Los_Angeles"))
    kiritimati = slots_by_local_day(free, zoneinfo.ZoneInfo("Pacific/Kiritimati"))
    # Auckland is on NZDT (+13) in December: Monday 08:00 is Sunday 19:00 UTC.
    assert la[0].day == dt.date(2026, 12, 6)  # a Sunday
    assert la[0].day.weekday() == 6
    assert la[0].slots[0].local_start.strftime("%H:%M") == "11:00"
    assert kiritimati[0].day == dt.date(2026, 12, 7)  # the same Monday, an hour later
    assert kiritimati[0].slots[0].local_start.strftime("%H:%M") == "09:00"
    assert [s.start for d in la for s in d.slots] == [s.start for d in kiritimati for s in d.slots]


def test_kiritimati_and_pago_pago_are_a_day_and_an_hour_apart():
    rules = _rules("Pacific/Kiritimati", [(0, dt.time(8), dt.time(8, 30))])
    free = slots.free_slots(rules, slots.Booked(), dt.datetime(2026, 12, 2, tzinfo=UTC))
    days = slots_by_local_day(free, zoneinfo.ZoneInfo("Pacific/Pago_Pago"))
    assert days[0].day == dt.date(2026, 12, 6)  # Sunday in Pago Pago for Monday's meeting
    assert days[0].slots[0].local_start.strftime("%H:%M") == "07:00"


def test_the_weekly_cap_counts_the_mentors_local_week():
    # Auckland's Monday 08:00 is Sunday in UTC: the meeting counts toward Auckland's week.
    rules = _rules("Pacific/Auckland", [(0, dt.time(8), dt.time(10))], weekly_cap=1,
                   horizon=dt.timedelta(days=14))  # fmt: skip
    now = dt.datetime(2026, 12, 2, tzinfo=UTC)
    first = slots.free_slots(rules, slots.Booked(), now)[0]
    booked = slots.Booked(
        mentor_meetings=[first],
        week_counts={slots.local_week(first[0], rules.zone): 1},
    )
    remaining = slots.free_slots(rules, booked, now)
    assert all(slots.local_week(s, rules.zone) != slots.local_week(first[0], rules.zone)
               for s, _e in remaining)  # fmt: skip
    assert remaining  # the next Monday is still open


# --- Properties ----------------------------------------------------------------------------

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Pacific/Auckland", "UTC",
         "Asia/Kolkata", "Pacific/Kiritimati"]  # fmt: skip
BASE = dt.datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def scenario(draw):
    zone = draw(st.sampled_from(ZONES))
    weekly = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, 22 * 4)) * 15
        length = draw(st.integers(2, 24)) * 15
        end = min(start + length, 24 * 60 - 1)
        weekly.append(
            slots.WeeklyWindow(
                draw(st.integers(0, 6)),
                dt.time(start // 60, start % 60),
                dt.time(end // 60, end % 60),
            )
        )
    now = BASE + dt.timedelta(minutes=draw(st.integers(0, 365 * 24 * 4)) * 15)

    def interval(max_hours: int):
        start = now + dt.timedelta(minutes=draw(st.integers(-2 * 24 * 60, 30 * 24 * 60)))
        return (start, start + dt.timedelta(minutes=draw(st.integers(15, max_hours * 60))))

    rules = slots.Rules(
        zone=zoneinfo.ZoneInfo(zone),
        meeting_length=dt.timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90]))),
        buffer=dt.timedelta(minutes=draw(st.sampled_from([0, 5, 10, 15, 30]))),
        horizon=dt.timedelta(days=draw(st.integers(1, 30))),
        min_notice=dt.timedelta(hours=draw(st.integers(0, 48))),
        weekly_cap=draw(st.integers(1, 6)),
        weekly=weekly,
        away=[interval(72) for _ in range(draw(st.integers(0, 3)))],
        extra=[interval(6) for _ in range(draw(st.integers(0, 3)))],
    )
    meetings = [interval(2) for _ in range(draw(st.integers(0, 12)))]
    other = [interval(2) for _ in range(draw(st.integers(0, 3)))]
    weeks: dict[tuple[int, int], int] = {}
    for s, _e in meetings:
        key = slots.local_week(s, rules.zone)
        weeks[key] = weeks.get(key, 0) + 1
    booked = slots.Booked(mentor_meetings=meetings, other_busy=other, week_counts=weeks)
    return rules, booked, now


def _inside_availability(rules: slots.Rules, start: dt.datetime, end: dt.datetime) -> bool:
    """Independently of the code under test: inside one weekly window (as the mentor's
    wall clock reads it on the slot's local day) or one extra window, and touching no
    away time."""
    if any(s < end and start < e for s, e in rules.away):
        return False
    if any(s <= start and end <= e for s, e in rules.extra):
        return True
    local_start, local_end = start.astimezone(rules.zone), end.astimezone(rules.zone)
    for w in rules.weekly:
        for day in (local_start.date() - dt.timedelta(days=1), local_start.date()):
            if day.weekday() != w.weekday:
                continue
            w_start = dt.datetime.combine(day, w.start, tzinfo=rules.zone)
            w_end = dt.datetime.combine(day, w.end, tzinfo=rules.zone)
            if w_start <= local_start and local_end <= w_end:
                return True
    return False


@settings(max_examples=150, deadline=None)
@given(scenario())
def test_every_slot_is_inside_availability_and_clear_of_every_meeting(case):
    rules, booked, now = case
    free = slots.free_slots(rules, booked, now)
    earliest, latest = slots.booking_range(rules, now)
    for start, end in free:
        assert end - start == rules.meeting_length
        assert earliest <= start <= latest
        assert _inside_availability(rules, start, end) or _spans_touching_windows(rules, start, end)
        for s, e in booked.mentor_meetings:
            assert not (s - rules.buffer < end and start < e + rules.buffer)
        for s, e in booked.other_busy:
            assert not (s < end and start < e)
        assert booked.week_counts.get(slots.local_week(start, rules.zone), 0) < rules.weekly_cap
    for (_s1, e1), (s2, _e2) in itertools.pairwise(free):
        assert e1 + rules.buffer <= s2


def _spans_touching_windows(rules: slots.Rules, start: dt.datetime, end: dt.datetime) -> bool:
    """A slot may run across two windows that meet end to end (09:00-10:00 and
    10:00-11:00 are one stretch of availability): check minute by minute."""
    if any(s < end and start < e for s, e in rules.away):
        return False
    t = start
    while t < end:
        if not _inside_availability(rules, t, t + MIN):
            return False
        t += MIN
    return True


@settings(max_examples=60, deadline=None)
@given(scenario())
def test_every_offered_slot_can_be_booked_and_no_other_time_can(case):
    rules, booked, now = case
    free = slots.free_slots(rules, booked, now)
    for start, _end in free[:20]:
        assert slots.slot_problem(rules, booked, now, start) is None
    offered = {s for s, _e in free}
    probe = now + dt.timedelta(minutes=7)
    for _ in range(20):
        probe += dt.timedelta(hours=5, minutes=13)
        if probe not in offered:
            assert slots.slot_problem(rules, booked, now, probe) is not None
