"""Free-slot arithmetic: pure functions over plain values, no database.

Weekly windows are wall-clock times in the mentor's zone; everything else (exceptions,
meetings, the slots produced) is an absolute UTC instant. A weekly window is turned
into instants day by day with :mod:`zoneinfo`, so on a daylight-saving day a window of
09:00-12:00 is three real hours, a window that starts in the skipped hour starts when
the clocks jump, and one that spans the repeated hour lasts an hour longer. Slots are
then laid out in real time inside each window, never by adding wall-clock minutes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]  # [start, end), aware datetimes


@dataclass(frozen=True)
class WeeklyWindow:
    weekday: int  # 0 = Monday
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Rules:
    """One mentor's availability, as plain values."""

    zone: zoneinfo.ZoneInfo
    meeting_length: dt.timedelta
    buffer: dt.timedelta
    horizon: dt.timedelta
    min_notice: dt.timedelta
    weekly_cap: int
    weekly: Sequence[WeeklyWindow] = ()
    away: Sequence[Interval] = ()
    extra: Sequence[Interval] = ()


@dataclass(frozen=True)
class Booked:
    """What already takes time: the mentor's meetings (which count toward the weekly
    cap) and the mentee's other meetings (which only block their own time)."""

    mentor_meetings: Sequence[Interval] = ()
    other_busy: Sequence[Interval] = ()
    week_counts: dict[tuple[int, int], int] = field(default_factory=dict)


def local_instant(day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant a wall-clock time happens on ``day`` in ``zone``, in UTC. A time in a
    skipped hour (spring forward) maps past the jump, as clocks do; a repeated time
    (fall back) is its first occurrence."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def local_week(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> tuple[int, int]:
    iso = instant.astimezone(zone).isocalendar()
    return iso.year, iso.week


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union (touching intervals join)."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(windows: list[Interval], cuts: list[Interval]) -> list[Interval]:
    """``windows`` less ``cuts``; both merged (sorted, disjoint). One pass over each."""
    result: list[Interval] = []
    i = 0
    for start, end in windows:
        while i < len(cuts) and cuts[i][1] <= start:
            i += 1
        j = i
        cursor = start
        while j < len(cuts) and cuts[j][0] < end:
            if cuts[j][0] > cursor:
                result.append((cursor, cuts[j][0]))
            cursor = max(cursor, cuts[j][1])
            j += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def weekly_windows(rules: Rules, first: dt.datetime, last: dt.datetime) -> list[Interval]:
    """The weekly pattern as instants, for every local day that touches [first, last)."""
    by_day: dict[int, list[WeeklyWindow]] = {}
    for window in rules.weekly:
        by_day.setdefault(window.weekday, []).append(window)
    day = first.astimezone(rules.zone).date() - dt.timedelta(days=1)
    end_day = last.astimezone(rules.zone).date() + dt.timedelta(days=1)
    out: list[Interval] = []
    while day <= end_day:
        for window in by_day.get(day.weekday(), ()):
            out.append(
                (
                    local_instant(day, window.start, rules.zone),
                    local_instant(day, window.end, rules.zone),
                )
            )
        day += dt.timedelta(days=1)
    return out


def open_windows(rules: Rules, first: dt.datetime, last: dt.datetime) -> list[Interval]:
    """When the mentor is available around [first, last): weekly windows and extra
    slots, less the times away. Windows are not clipped to the range, so the slots laid
    out in them stay on the same times whatever the moment of asking."""
    windows = merge([*weekly_windows(rules, first, last), *rules.extra])
    return [(s, e) for s, e in subtract(windows, merge(rules.away)) if e > first and s < last]


def booking_range(rules: Rules, now: dt.datetime) -> Interval:
    """The instants a meeting may start in: after the minimum notice, within the horizon."""
    return now + rules.min_notice, now + rules.horizon


def free_slots(rules: Rules, booked: Booked, now: dt.datetime) -> list[Interval]:
    """Every bookable slot, in time order.

    A slot lies wholly inside an open window, starts no sooner than the minimum notice
    and no later than the horizon, keeps the buffer clear on both sides of every
    meeting of the mentor, overlaps none of the mentee's other meetings, and falls in a
    week (the mentor's local ISO week) where the mentor has room under the weekly cap.
    Within a free stretch, slots follow each other with the buffer between them.
    """
    earliest, latest = booking_range(rules, now)
    if earliest >= latest + rules.meeting_length:
        return []
    windows = open_windows(rules, earliest, latest + rules.meeting_length)
    cuts = merge(
        [(s - rules.buffer, e + rules.buffer) for s, e in booked.mentor_meetings]
        + list(booked.other_busy)
    )
    step = rules.meeting_length + rules.buffer
    slots: list[Interval] = []
    for start, end in subtract(windows, cuts):
        cursor = start
        while cursor + rules.meeting_length <= end and cursor <= latest:
            week = local_week(cursor, rules.zone)
            if cursor >= earliest and booked.week_counts.get(week, 0) < rules.weekly_cap:
                slots.append((cursor, cursor + rules.meeting_length))
            cursor += step
    return slots


def slot_problem(rules: Rules, booked: Booked, now: dt.datetime, start: dt.datetime) -> str | None:
    """Why a meeting cannot start at ``start``, in words for the person booking, or None
    when it is one of the free slots. The reasons are tried from the most to the least
    specific, so the message says what to change."""
    end = start + rules.meeting_length
    earliest, latest = booking_range(rules, now)
    if start <= now:
        return "That time has already passed. Choose a time in the future."
    if start < earliest:
        hours = int(rules.min_notice.total_seconds() // 3600)
        return f"Meetings need at least {hours} hours' notice. Choose a later time."
    if start > latest:
        days = rules.horizon.days
        return f"Meetings can be booked at most {days} days ahead. Choose an earlier time."
    if any(s < end and start < e for s, e in rules.away):
        return "Your mentor is away then. Choose another time."
    windows = open_windows(rules, start - dt.timedelta(days=1), end + dt.timedelta(days=1))
    if not any(s <= start and end <= e for s, e in windows):
        return "That time is outside your mentor's availability. Choose one of the times shown."
    if booked.week_counts.get(local_week(start, rules.zone), 0) >= rules.weekly_cap:
        return (
            f"Your mentor already has {rules.weekly_cap} meetings that week, their weekly "
            "limit. Choose a time in another week."
        )
    if any(s - rules.buffer < end and start < e + rules.buffer for s, e in booked.mentor_meetings):
        return "That time has just been taken. Choose another time."
    if any(s < end and start < e for s, e in booked.other_busy):
        return "You already have another meeting then. Choose another time."
    if (start, end) not in free_slots(rules, booked, now):
        return "That is not one of the times offered. Choose one of the times shown."
    return None


# --- Slots as a viewer reads them ----------------------------------------------------------


@dataclass(frozen=True)
class LocalSlot:
    start: dt.datetime  # UTC
    end: dt.datetime
    local_start: dt.datetime  # in the viewer's zone
    local_end: dt.datetime

    @property
    def value(self) -> str:
        """The slot as a form value: its UTC start, so no zone travels in the form."""
        return self.start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


@dataclass(frozen=True)
class SlotDay:
    day: dt.date
    slots: list[LocalSlot]


def slots_by_local_day(free: list[Interval], zone: zoneinfo.ZoneInfo) -> list[SlotDay]:
    """Free slots grouped by the viewer's local day, in time order."""
    days: dict[dt.date, list[LocalSlot]] = defaultdict(list)
    for start, end in free:
        local = start.astimezone(zone)
        days[local.date()].append(
            LocalSlot(start=start, end=end, local_start=local, local_end=end.astimezone(zone))
        )
    return [SlotDay(day=day, slots=items) for day, items in sorted(days.items())]
