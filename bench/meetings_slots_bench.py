"""Benchmark free-slot computation for one mentor.

    uv run python -m bench.meetings_slots_bench               # 3 months, 200 meetings
    uv run python -m bench.meetings_slots_bench --runs 200

A mentor in Europe/London publishes a full working week (Monday to Friday, 09:00-12:00
and 13:00-18:00) bookable 90 days ahead, in 30-minute meetings with a 10-minute buffer,
with away and extra exceptions, 200 booked meetings, and a mentee in another zone with
meetings of their own. Times what the booking page computes after its queries: the
free slots (``slots.free_slots``) grouped by the mentee's local day, and the check one
booking runs (``slots.slot_problem``). The budget is 50 ms for the page's computation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import zoneinfo

from apps.meetings import slots

BUDGET_MS = 50.0
UTC = dt.UTC


def build(seed: int = 7, meetings: int = 200) -> tuple[slots.Rules, slots.Booked, dt.datetime]:
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo("Europe/London")
    now = dt.datetime(2026, 2, 2, 8, tzinfo=UTC)
    weekly = [
        slots.WeeklyWindow(day, start, end)
        for day in range(5)
        for start, end in ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(18)))
    ]
    away = []
    extra = []
    for _ in range(10):
        start = now + dt.timedelta(days=rng.randint(1, 88), hours=rng.randint(0, 20))
        away.append((start, start + dt.timedelta(hours=rng.randint(2, 72))))
        start = now + dt.timedelta(days=rng.randint(1, 88), hours=rng.randint(6, 20))
        extra.append((start, start + dt.timedelta(hours=rng.randint(1, 4))))
    rules = slots.Rules(
        zone=zone,
        meeting_length=dt.timedelta(minutes=30),
        buffer=dt.timedelta(minutes=10),
        horizon=dt.timedelta(days=90),
        min_notice=dt.timedelta(hours=12),
        weekly_cap=40,
        weekly=weekly,
        away=away,
        extra=extra,
    )
    # Meetings on the open times, as bookings would have placed them.
    candidates = slots.free_slots(rules, slots.Booked(), now)
    booked_list: list[slots.Interval] = []
    for start, end in rng.sample(candidates, len(candidates)):
        if len(booked_list) == meetings:
            break
        if all(not (s - rules.buffer < end and start < e + rules.buffer) for s, e in booked_list):
            booked_list.append((start, end))
    weeks: dict[tuple[int, int], int] = {}
    for s, _e in booked_list:
        key = slots.local_week(s, zone)
        weeks[key] = weeks.get(key, 0) + 1
    other = [
        (s + dt.timedelta(days=1, minutes=15), s + dt.timedelta(days=1, minutes=75))
        for s, _e in rng.sample(candidates, 20)
    ]
    return rules, slots.Booked(booked_list, other, weeks), now


def _time(func, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--meetings", type=int, default=200)
    args = parser.parse_args(argv)

    rules, booked, now = build(meetings=args.meetings)
    mentee_zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    free = slots.free_slots(rules, booked, now)
    days = slots.slots_by_local_day(free, mentee_zone)

    def page() -> None:
        slots.slots_by_local_day(slots.free_slots(rules, booked, now), mentee_zone)

    probe = free[len(free) // 2][0]

    def booking() -> None:
        assert slots.slot_problem(rules, booked, now, probe) is None

    page()  # warm up
    page_ms = _time(page, args.runs)
    booking_ms = _time(booking, args.runs)
    print(f"mentor: {len(rules.weekly)} weekly windows over {rules.horizon.days} days, "
          f"{len(rules.away)} away + {len(rules.extra)} extra exceptions, "
          f"{len(booked.mentor_meetings)} booked meetings; {len(free)} free slots on "
          f"{len(days)} local days")  # fmt: skip
    for name, ms in (("free slots by local day", page_ms), ("one booking check", booking_ms)):
        p95 = statistics.quantiles(ms, n=20)[-1]
        print(f"{name:24} median {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms   "
              f"max {max(ms):6.2f} ms   ({args.runs} runs)")  # fmt: skip
    p95_page = statistics.quantiles(page_ms, n=20)[-1]
    verdict = "within" if p95_page <= BUDGET_MS else "OVER"
    print(f"budget {BUDGET_MS:.0f} ms (p95 of the page's computation): {verdict}")
    return 0 if p95_page <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
