"""The hourly rules as the beat-driven task runs them: the sweep hands each due one to a
task of its own, which other worker processes run beside the sweep and beside each
other. Real PostgreSQL connections, one per thread of the test, real transactions."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from apps.nudges import sweep, tasks
from apps.nudges.models import Delivery, Kind, Notification, OutboxMessage
from apps.nudges.rules import all_rules, get_rule, rule_is_due
from apps.readinglists.models import ReviewCard
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory
from tests.nudges.factories import MentorshipFactory, NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A Wednesday mid-morning UTC: daily digests are due.
NOW = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)
PEOPLE = 6
WAIT = 30  # seconds: a safety net, not a speed target


@pytest.fixture
def people():
    """Each person has a milestone due tomorrow and cards due, both nudged in the daily
    digest (the defaults): the two rules write the same people's digest slots."""
    owners = []
    for _ in range(PEOPLE):
        owner = UserFactory(is_student=True, timezone="UTC")
        MilestoneFactory(plan=PlanFactory(owner=owner), target_date=NOW.date() + dt.timedelta(1))
        ReviewCard.objects.create(owner=owner, prompt="Q", due=NOW - dt.timedelta(hours=1))
        owners.append(owner)
    return owners


def hourly_kinds() -> set[str]:
    return {rule.kind for rule in all_rules() if rule.every_seconds > 60}


def daily_slots() -> list[int]:
    return sorted(
        OutboxMessage.objects.filter(notification__isnull=True, kind="digest_daily").values_list(
            "user_id", flat=True
        )
    )


def waiting_sessions(wait_event: str) -> int:
    """Other sessions of this database waiting for a lock of this kind: ``advisory``, or
    ``transactionid`` (another transaction's row, until it commits)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND wait_event = %s",
            [wait_event],
        )
        return cursor.fetchone()[0]


def wait_until(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"Timed out waiting for {what}")


class Held:
    """Holds the first run of ``kind`` just before its commit (its rows written, its
    row locks taken) until released, so the test can start other work beside it."""

    def __init__(self, monkeypatch, kind: str) -> None:
        self.kind = kind
        self.written = threading.Event()
        self.release = threading.Event()
        self._real = sweep.rules_run
        self._taken = False
        monkeypatch.setattr(sweep, "rules_run", self._run)

    def _run(self, *, rules, now, calendar, **part):
        rules = list(rules)
        run = self._real(rules=rules, now=now, calendar=calendar, **part)
        if not self._taken and [rule.kind for rule in rules] == [self.kind]:
            self._taken = True
            self.written.set()
            assert self.release.wait(WAIT), "never released"
        return run


def in_thread(fn: Callable[[], object], results: list) -> threading.Thread:
    """Run ``fn`` on a thread of the test, on that thread's own database connection."""

    def run() -> None:
        try:
            results.append(fn())
        except Exception as exc:  # surfaced in the test's assertions
            results.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_sweep_task_hands_each_part_of_each_due_hourly_rule_to_a_task_and_runs_the_others(
    people, monkeypatch, settings
):
    settings.NUDGES_RULE_PARTS = 2
    request = MentorshipFactory()  # a rule run every minute: the sweep writes it
    first, last = min(p.pk for p in people), request.mentor.pk  # the newest person
    cut = first + -(-(last - first + 1) // 2)
    queued: list[tuple[str, str, int, int | None, int | None]] = []
    monkeypatch.setattr(tasks.run_nudge_rule, "delay", lambda *args: queued.append(args))
    monkeypatch.setattr(tasks.send_due_nudges, "delay", lambda: None)
    with time_machine.travel(NOW, tick=False):
        outcome = tasks.sweep_nudges()

    assert sorted((kind, part) for kind, _, part, _, _ in queued) == sorted(
        (kind, part) for kind in hourly_kinds() for part in (0, 1)
    )
    assert {at for _, at, _, _, _ in queued} == {NOW.isoformat()}
    # The two parts of every rule: everyone's ids, cut once, in two.
    assert {args[2:] for args in queued} == {(0, None, cut), (1, cut, None)}
    assert outcome["rules"] == 2 * len(hourly_kinds())
    assert Notification.objects.filter(kind=Kind.MENTORSHIP_REQUEST, user=request.mentor).exists()
    assert not Notification.objects.filter(kind__in=hourly_kinds()).exists()
    # Left due for the rule tasks: the sweep marks none of them done.
    assert all(rule_is_due(rule=get_rule(kind), now=NOW)[0] for kind in hourly_kinds())

    for args in queued:
        tasks.run_nudge_rule(*args)
    for kind in (Kind.MILESTONE_DUE, Kind.CARDS_DUE):
        assert Notification.objects.filter(kind=kind).count() == PEOPLE
    assert daily_slots() == sorted(person.pk for person in people)
    # Each part is marked done, so the next sweep hands out nothing more.
    queued.clear()
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert tasks.sweep_nudges()["rules"] == 0
    assert queued == []


def test_the_parts_of_a_rule_split_its_people_and_together_write_each_nudge_once(people):
    spans = sweep.people_parts(2)
    (_, cut), (cut_again, _) = spans
    assert cut == cut_again
    ids = sorted(person.pk for person in people)
    below = [pk for pk in ids if pk < cut]
    assert below  # both parts have people
    assert len(below) < PEOPLE
    expected = [set(below), set(ids) - set(below)]
    # Each part alone writes its own people and no one else's.
    for part, span in enumerate(spans):
        run = sweep.nudges_rule_run(kind=Kind.MILESTONE_DUE, now=NOW, part=part, ids=span)
        users = Notification.objects.filter(kind=Kind.MILESTONE_DUE).values_list(
            "user_id", flat=True
        )
        assert set(users) == expected[part]
        assert run.created == {Kind.MILESTONE_DUE: len(expected[part])}
        OutboxMessage.objects.all().delete()
        Notification.objects.all().delete()
    # Together, each nudge once.
    for part, span in enumerate(spans):
        sweep.nudges_rule_run(
            kind=Kind.MILESTONE_DUE, now=NOW + dt.timedelta(hours=1), part=part, ids=span
        )
    assert Notification.objects.filter(kind=Kind.MILESTONE_DUE).count() == PEOPLE
    assert daily_slots() == ids
    # The whole rule, run afterwards, finds every key written.
    cache.clear()
    assert sweep.nudges_rule_run(kind=Kind.MILESTONE_DUE, now=NOW).created == {
        Kind.MILESTONE_DUE: 0
    }


def test_two_parts_of_a_rule_write_side_by_side_and_the_whole_rule_waits_for_both(
    people, monkeypatch, settings
):
    settings.NUDGES_RULE_PARTS = 2
    held = Held(monkeypatch, Kind.MILESTONE_DUE)
    results: list = []
    (low, high) = sweep.people_parts(2)
    first = in_thread(
        lambda: sweep.nudges_rule_run(kind=Kind.MILESTONE_DUE, now=NOW, part=0, ids=low), results
    )
    assert held.written.wait(WAIT)
    # The other part neither waits for the first's lock nor for its rows.
    second = in_thread(
        lambda: sweep.nudges_rule_run(kind=Kind.MILESTONE_DUE, now=NOW, part=1, ids=high), results
    )
    second.join(WAIT)
    assert len(results) == 1, results
    assert not isinstance(results[0], Exception), results
    # A sweep running every rule in-process holds every part's lock: it waits.
    swept: list = []  # apart: the sweep may finish before part 0 hands its result in
    whole = in_thread(lambda: sweep.nudges_sweep(now=NOW, force=True), swept)
    wait_until(lambda: waiting_sessions("advisory") == 1, "the whole rule waiting for part 0")
    held.release.set()
    first.join(WAIT)
    whole.join(WAIT)
    assert not [r for r in results + swept if isinstance(r, Exception)], results + swept
    assert Notification.objects.filter(kind=Kind.MILESTONE_DUE).count() == PEOPLE
    assert swept[0].created[Kind.MILESTONE_DUE] == 0


def test_the_sweep_task_leaves_the_rules_due_when_the_broker_is_down(people, monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    def broker_down(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_nudge_rule, "delay", broker_down)
    monkeypatch.setattr(tasks.send_due_nudges, "delay", lambda: None)
    with time_machine.travel(NOW, tick=False):
        assert tasks.sweep_nudges()["rules"] == 0
    assert "the next sweep will" in caplog.text
    assert rule_is_due(rule=get_rule(Kind.MILESTONE_DUE), now=NOW)[0]


def test_a_rule_run_twice_for_its_period_writes_nothing_the_second_time(people):
    first = sweep.nudges_rule_run(kind=Kind.MILESTONE_DUE, now=NOW)
    assert first.created == {Kind.MILESTONE_DUE: PEOPLE}
    assert first.queued_digests == PEOPLE
    written = set(Notification.objects.values_list("id", "kind", "user_id"))
    slots = daily_slots()

    again = sweep.nudges_rule_run(kind=Kind.MILESTONE_DUE, now=NOW + dt.timedelta(minutes=1))
    assert again.created == {}  # its period is marked done: not even run
    cache.clear()  # and without the mark (Redis lost it), every key is found written
    lost = sweep.nudges_rule_run(kind=Kind.MILESTONE_DUE, now=NOW)
    assert lost.created == {Kind.MILESTONE_DUE: 0}
    assert set(Notification.objects.values_list("id", "kind", "user_id")) == written
    assert daily_slots() == slots


def test_two_rules_and_the_sweep_at_once_all_commit_without_duplicates(people, monkeypatch):
    """Milestones hold their digest slots uncommitted; the cards rule and the sweep's
    digest pass reach the same slots and wait in line for that commit, then skip them."""
    waiting = people[0]
    NotificationFactory(
        user=waiting, kind=Kind.MENTORSHIP_ACCEPTED, object_id=1, delivery=Delivery.DAILY
    )
    held = Held(monkeypatch, Kind.MILESTONE_DUE)
    results: list = []
    threads = [in_thread(lambda: sweep.nudges_rule_run(kind=Kind.MILESTONE_DUE, now=NOW), results)]
    assert held.written.wait(WAIT)
    threads.append(in_thread(lambda: sweep.nudges_rule_run(kind=Kind.CARDS_DUE, now=NOW), results))
    threads.append(in_thread(lambda: sweep.nudges_sweep(now=NOW, defer_heavy=True), results))
    # Both wait on the milestones' transaction (a row), not on a lock of the rules.
    wait_until(lambda: waiting_sessions("transactionid") == 2, "two sessions waiting in line")
    assert waiting_sessions("advisory") == 0
    held.release.set()
    for thread in threads:
        thread.join(WAIT)
    assert not [r for r in results if isinstance(r, Exception)], results

    for kind in (Kind.MILESTONE_DUE, Kind.CARDS_DUE):
        assert Notification.objects.filter(kind=kind).count() == PEOPLE
    assert daily_slots() == sorted(person.pk for person in people)  # one each
    created = sorted(r.total_created for r in results)
    assert created == [0, PEOPLE, PEOPLE]  # the sweep left the hourly rules alone


def test_the_same_rule_twice_at_once_waits_for_the_first_and_writes_nothing(people, monkeypatch):
    held = Held(monkeypatch, Kind.MILESTONE_DUE)
    # One list per run: the second may finish before the first has handed its result in.
    firsts: list = []
    seconds: list = []
    run = lambda: sweep.nudges_rule_run(kind=Kind.MILESTONE_DUE, now=NOW)  # noqa: E731
    first = in_thread(run, firsts)
    assert held.written.wait(WAIT)
    second = in_thread(run, seconds)
    wait_until(lambda: waiting_sessions("advisory") == 1, "the second run waiting for the lock")
    held.release.set()
    first.join(WAIT)
    second.join(WAIT)
    results = firsts + seconds
    assert not [r for r in results if isinstance(r, Exception)], results
    assert [r.total_created for r in results] == [PEOPLE, 0]
    assert Notification.objects.filter(kind=Kind.MILESTONE_DUE).count() == PEOPLE
    assert daily_slots() == sorted(person.pk for person in people)


def test_the_parts_of_the_people_hold_everyone_once_even_before_anyone_joins(db):
    assert sweep.people_parts(1) == [(None, None)]
    spans = sweep.people_parts(3)
    starts = [start for start, _ in spans]
    stops = [stop for _, stop in spans]
    assert starts[0] is None  # open below and above
    assert stops[-1] is None
    assert None not in starts[1:]  # cut, though no one has joined
    assert starts[1:] == stops[:-1]  # each part starts where the last stopped
    people = [UserFactory() for _ in range(5)]
    spans = sweep.people_parts(2)
    for person in people:
        inside = [
            (start is None or start <= person.pk) and (stop is None or person.pk < stop)
            for start, stop in spans
        ]
        assert inside.count(True) == 1
