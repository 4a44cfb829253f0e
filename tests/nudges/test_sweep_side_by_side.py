"""The sweep outside a transaction, as beat runs it: each step commits on its own, and
several heavy rules due at once run side by side on connections of their own."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.db import connection

from apps.nudges import conf, services
from apps.nudges.models import Kind, KindPreference, Mode, Notification, OutboxMessage
from apps.nudges.rules import _rules, get_rule, rule_is_due
from apps.readinglists.models import ReviewCard
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory
from tests.research.factories import ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A Wednesday mid-morning UTC: daily digests are due, weekly summaries are not.
NOW = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)
HEAVY = (Kind.MILESTONE_DUE, Kind.FOLLOW_UP_DUE, Kind.CARDS_DUE)
PEOPLE = 6


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def population():
    """Each person has a milestone due tomorrow, a follow-up due and cards due; every
    other person wants milestone nudges straight away (the rest get a digest)."""
    for i in range(PEOPLE):
        owner = UserFactory(is_student=True, timezone="UTC")
        MilestoneFactory(plan=PlanFactory(owner=owner), target_date=NOW.date() + dt.timedelta(1))
        ContactFactory(owner=owner, follow_up_due=True, follow_up_on=NOW.date() - dt.timedelta(1))
        ReviewCard.objects.create(owner=owner, prompt="Q", due=NOW - dt.timedelta(hours=1))
        if i % 2:
            KindPreference.objects.create(user=owner, kind=Kind.MILESTONE_DUE, mode=Mode.IMMEDIATE)


@pytest.fixture
def side_by_side(monkeypatch):
    """Two connections, whatever the planner statistics of this test database say, and
    the thread each rule ran on."""
    monkeypatch.setattr(conf, "SWEEP_CONNECTIONS", 2)
    monkeypatch.setattr(services, "_notifications_known_empty", lambda: False)
    ran_on: dict[str, str] = {}
    real = services.rules_run

    def spy(*, rules, now, calendar):
        rules = list(rules)
        for rule in rules:
            ran_on[rule.kind] = threading.current_thread().name
        return real(rules=rules, now=now, calendar=calendar)

    monkeypatch.setattr(services, "rules_run", spy)
    return ran_on


def sweep_locks_held() -> int:
    """Sessions holding the sweep's advisory lock in this database (any connection)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = 0 AND objid = %s AND objsubid = 1",
            [services.SWEEP_LOCK_KEY],
        )
        return cursor.fetchone()[0]


def _recording_locks(seen: list[int], monkeypatch):
    real = services._rules_run_side_by_side

    def recording(**kwargs):
        seen.append(sweep_locks_held())
        return real(**kwargs)

    return recording


def written() -> tuple[set, set]:
    notes = set(
        Notification.objects.values_list("user_id", "kind", "object_id", "period", "delivery")
    )
    outbox = set(
        OutboxMessage.objects.values_list(
            "user_id", "kind", "object_id", "period", "notification__kind"
        )
    )
    return notes, outbox


def test_heavy_rules_side_by_side_write_what_one_connection_writes(
    population, side_by_side, monkeypatch
):
    # Each connection's first rule waits until the other has one too: both take part.
    both_busy = threading.Barrier(2, timeout=10)
    first_calls: set[str] = set()
    spy = services.rules_run

    def together(**kwargs):
        name = threading.current_thread().name
        if name not in first_calls:
            first_calls.add(name)
            both_busy.wait()
        return spy(**kwargs)

    monkeypatch.setattr(services, "rules_run", together)
    lock_seen: list[int] = []
    monkeypatch.setattr(
        services, "_rules_run_side_by_side", _recording_locks(lock_seen, monkeypatch)
    )
    result = services.nudges_sweep(now=NOW, force=True)
    assert lock_seen == [1]  # held while the rules ran
    assert sweep_locks_held() == 0  # and given back
    assert len(set(side_by_side.values())) == 2  # two connections did the work
    monkeypatch.setattr(services, "rules_run", spy)
    assert {kind: result.created[kind] for kind in HEAVY} == dict.fromkeys(HEAVY, PEOPLE)
    assert result.queued_immediate == PEOPLE // 2
    assert result.queued_digests == PEOPLE  # one daily digest each, however many rules
    together = written()
    assert services.nudges_sweep(now=NOW, force=True).total_created == 0
    assert written() == together

    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()
    monkeypatch.setattr(conf, "SWEEP_CONNECTIONS", 1)
    services.nudges_sweep(now=NOW, force=True)
    assert written() == together


def test_a_failing_rule_leaves_the_others_written_and_itself_due(
    population, side_by_side, monkeypatch
):
    cards = get_rule(Kind.CARDS_DUE)
    monkeypatch.setitem(
        _rules(),
        Kind.CARDS_DUE,
        dataclasses.replace(cards, sql=lambda: "SELECT * FROM no_such_table"),
    )
    with pytest.raises(Exception, match="no_such_table"):
        services.nudges_sweep(now=NOW)
    # What the other rules committed stays; nothing is marked done.
    assert Notification.objects.filter(kind=Kind.FOLLOW_UP_DUE).count() == PEOPLE
    assert not Notification.objects.filter(kind=Kind.CARDS_DUE).exists()
    assert rule_is_due(rule=cards, now=NOW)[0]
    assert sweep_locks_held() == 0  # the sweep's lock went with it

    monkeypatch.setitem(_rules(), Kind.CARDS_DUE, cards)
    result = services.nudges_sweep(now=NOW)
    assert result.created[Kind.CARDS_DUE] == PEOPLE
    assert sum(result.created.values()) == PEOPLE  # the rest were already written
    assert Notification.objects.filter(kind=Kind.MILESTONE_DUE).count() == PEOPLE


def test_two_sweeps_at_once_write_everything_once(population, side_by_side):
    start = threading.Barrier(2, timeout=10)
    results: list = []

    def sweep() -> None:
        try:
            start.wait()
            results.append(services.nudges_sweep(now=NOW, force=True))
        except Exception as exc:  # surfaced in the assertion
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.total_created for r in results) == [0, len(HEAVY) * PEOPLE]
    assert Notification.objects.count() == len(HEAVY) * PEOPLE
    assert OutboxMessage.objects.filter(notification__isnull=True).count() == PEOPLE


def test_the_notification_table_is_known_empty_only_after_being_analysed_empty():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE nudges_notification CASCADE")
        assert services._notifications_known_empty() is False  # size unknown: not planned as 0
        cursor.execute("ANALYZE nudges_notification")
        assert services._notifications_known_empty() is True
    MilestoneFactory(target_date=NOW.date() + dt.timedelta(days=1))
    services.nudges_sweep(now=NOW, force=True)
    assert services._notifications_known_empty() is False


def test_rules_run_one_after_another_while_the_table_is_known_empty(population, monkeypatch):
    monkeypatch.setattr(conf, "SWEEP_CONNECTIONS", 2)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE nudges_notification CASCADE")
        cursor.execute("ANALYZE nudges_notification")
    threads_before = threading.active_count()
    started: list[int] = []
    real = services.rules_run

    def spy(**kwargs):
        started.append(threading.active_count())
        return real(**kwargs)

    monkeypatch.setattr(services, "rules_run", spy)
    result = services.nudges_sweep(now=NOW, force=True)
    assert started == [threads_before]  # one call, no helper thread
    assert {kind: result.created[kind] for kind in HEAVY} == dict.fromkeys(HEAVY, PEOPLE)


def test_an_interrupted_sweep_leaves_no_rule_running_when_it_raises(population, monkeypatch):
    """The sweep's own thread is stopped (as a task's time limit does) while another
    connection is inside a rule: that rule finishes, no further rule starts, and only
    then does the sweep raise and give up its lock."""
    monkeypatch.setattr(conf, "SWEEP_CONNECTIONS", 2)
    monkeypatch.setattr(services, "_notifications_known_empty", lambda: False)
    main = threading.current_thread()
    helper_inside = threading.Event()
    started: dict[str, str] = {}
    real = services.rules_run

    class TimeLimit(Exception):
        pass

    def interrupted(*, rules, now, calendar):
        rules = list(rules)
        started[rules[0].kind] = "main" if threading.current_thread() is main else "helper"
        if threading.current_thread() is main:
            helper_inside.wait(timeout=10)
            raise TimeLimit
        helper_inside.set()
        threading.Event().wait(0.3)  # still inside when the interruption comes
        return real(rules=rules, now=now, calendar=calendar)

    monkeypatch.setattr(services, "rules_run", interrupted)
    threads_before = threading.active_count()
    with pytest.raises(TimeLimit):
        services.nudges_sweep(now=NOW, force=True)
    assert threading.active_count() == threads_before
    assert sorted(started.values()) == ["helper", "main"]  # one rule each, no more begun
    [helper_kind] = [kind for kind, thread in started.items() if thread == "helper"]
    # The helper's rule committed in full (the population has no overdue milestones,
    # drafts or weekly summaries due: those rules write nothing); nothing else did.
    expected = PEOPLE if helper_kind in HEAVY else 0
    assert Notification.objects.filter(kind=helper_kind).count() == expected
    assert Notification.objects.exclude(kind=helper_kind).count() == 0
    assert sweep_locks_held() == 0


def test_an_interruption_while_waiting_for_the_helper_is_raised_once_it_is_done(
    population, monkeypatch
):
    """A time limit can strike while the sweep waits for its helper connection: the
    sweep still waits for the helper's rule to finish before raising and giving its
    lock back, so no rule runs on after the sweep (or beside the next one)."""
    monkeypatch.setattr(conf, "SWEEP_CONNECTIONS", 2)
    monkeypatch.setattr(services, "_notifications_known_empty", lambda: False)
    main = threading.current_thread()
    real_run = services.rules_run
    helper_started, main_waiting, helper_done = (threading.Event() for _ in range(3))
    locks_when_helper_done: list[int] = []

    def slow_helper(*, rules, now, calendar):
        rules = list(rules)
        if threading.current_thread() is main:
            helper_started.wait(timeout=10)  # the helper has a rule before this one
            return real_run(rules=rules, now=now, calendar=calendar)
        helper_started.set()
        main_waiting.wait(timeout=10)  # still inside when the sweep waits for it
        threading.Event().wait(0.2)
        run = real_run(rules=rules, now=now, calendar=calendar)
        locks_when_helper_done.append(sweep_locks_held())
        helper_done.set()
        return run

    class TimeLimit(Exception):
        pass

    real_join = threading.Thread.join
    interruptions: list[bool] = []

    def join_interrupted_once(self, timeout=None):
        if threading.current_thread() is main and not interruptions:
            interruptions.append(True)
            main_waiting.set()
            raise TimeLimit
        return real_join(self, timeout)

    monkeypatch.setattr(services, "rules_run", slow_helper)
    monkeypatch.setattr(threading.Thread, "join", join_interrupted_once)
    with pytest.raises(TimeLimit):
        services.nudges_sweep(now=NOW, force=True)
    assert interruptions == [True]
    assert helper_done.is_set()
    assert locks_when_helper_done
    assert all(held == 1 for held in locks_when_helper_done)
    assert sweep_locks_held() == 0
