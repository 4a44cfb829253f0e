"""The sweep outside a transaction, as a command or a test runs it: the rules run one
after another on the caller's own connection, each committing on its own, under one
advisory lock."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from django.db import connection

from apps.nudges import rules, sweep
from apps.nudges.models import Kind, KindPreference, Mode, Notification, OutboxMessage
from apps.nudges.rules import all_rules, get_rule, rule_is_due
from apps.readinglists.models import ReviewCard
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory
from tests.research.factories import ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A Wednesday mid-morning UTC: daily digests are due, weekly summaries are not.
NOW = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)
HEAVY = (Kind.MILESTONE_DUE, Kind.FOLLOW_UP_DUE, Kind.CARDS_DUE)
PEOPLE = 6


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


def sweep_locks_held() -> int:
    """Sessions holding the sweep's advisory lock in this database (any connection)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = 0 AND objid = %s AND objsubid = 1",
            [sweep.SWEEP_LOCK_KEY],
        )
        return cursor.fetchone()[0]


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


def test_each_rule_commits_on_its_own_in_turn_on_one_connection(population, monkeypatch):
    """Every rule runs in this thread, on this connection, with the lock held, each in
    a transaction of its own that has committed before the next rule starts."""
    real = sweep.rules_run
    seen: list[tuple[str, str, int, bool, int]] = []

    def spy(*, rules, now, calendar):
        rules = list(rules)
        committed = Notification.objects.count()  # seen from this same connection
        for rule in rules:
            seen.append(
                (
                    rule.kind,
                    threading.current_thread().name,
                    id(connection.connection),
                    connection.in_atomic_block,
                    sweep_locks_held(),
                )
            )
        groups.append([rule.kind for rule in rules])
        run = real(rules=rules, now=now, calendar=calendar)
        assert Notification.objects.count() == committed + sum(run.created.values())
        return run

    groups: list[list[str]] = []
    monkeypatch.setattr(sweep, "rules_run", spy)
    threads_before = threading.active_count()
    result = sweep.nudges_sweep(now=NOW, force=True)
    assert threading.active_count() == threads_before
    assert len(seen) == len(result.created) > len(HEAVY)
    # Each rule on its own (so no transaction writes digest slots in two statements),
    # the hourly ones first.
    hourly = {rule.kind for rule in all_rules() if rule.every_seconds > 60}
    assert all(len(group) == 1 for group in groups)
    assert len(groups) == len(result.created)
    assert {group[0] for group in groups[: len(hourly)]} == hourly
    assert {thread for _, thread, _, _, _ in seen} == {threading.current_thread().name}
    assert len({conn for _, _, conn, _, _ in seen}) == 1
    # An hourly rule in a transaction of its own; one run every minute autocommits its
    # one statement (its probe and its insert each commit on their own).
    assert all(
        in_atomic == (kind in hourly) and locks == 1 for kind, _, _, in_atomic, locks in seen
    )
    assert sweep_locks_held() == 0  # and given back
    assert {kind: result.created[kind] for kind in HEAVY} == dict.fromkeys(HEAVY, PEOPLE)
    assert result.queued_immediate == PEOPLE // 2
    assert result.queued_digests == PEOPLE  # one daily digest each, however many rules
    first = written()
    assert sweep.nudges_sweep(now=NOW, force=True).total_created == 0
    assert written() == first


def test_a_sweep_in_the_callers_transaction_writes_what_one_on_its_own_writes(population):
    from django.db import transaction

    sweep.nudges_sweep(now=NOW, force=True)
    alone = written()
    OutboxMessage.objects.all().delete()
    Notification.objects.all().delete()
    with transaction.atomic():
        sweep.nudges_sweep(now=NOW, force=True)
    assert written() == alone


def test_a_failing_rule_leaves_the_rules_before_it_written_and_itself_due(population, monkeypatch):
    cards = get_rule(Kind.CARDS_DUE)
    monkeypatch.setitem(
        rules._rules(),
        Kind.CARDS_DUE,
        dataclasses.replace(cards, sql=lambda: "SELECT * FROM no_such_table"),
    )
    with pytest.raises(Exception, match="no_such_table"):
        sweep.nudges_sweep(now=NOW)
    # What the rules before it committed stays; nothing is marked done.
    assert Notification.objects.filter(kind=Kind.FOLLOW_UP_DUE).count() == PEOPLE
    assert not Notification.objects.filter(kind=Kind.CARDS_DUE).exists()
    assert rule_is_due(rule=cards, now=NOW)[0]
    assert sweep_locks_held() == 0  # the sweep's lock went with it

    monkeypatch.setitem(rules._rules(), Kind.CARDS_DUE, cards)
    result = sweep.nudges_sweep(now=NOW)
    assert result.created[Kind.CARDS_DUE] == PEOPLE
    assert sum(result.created.values()) == PEOPLE  # the rest were already written
    assert Notification.objects.filter(kind=Kind.MILESTONE_DUE).count() == PEOPLE


def test_two_sweeps_at_once_write_everything_once(population):
    start = threading.Barrier(2, timeout=10)
    results: list = []

    def run() -> None:
        try:
            start.wait()
            results.append(sweep.nudges_sweep(now=NOW, force=True))
        except Exception as exc:  # surfaced in the assertion
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.total_created for r in results) == [0, len(HEAVY) * PEOPLE]
    assert Notification.objects.count() == len(HEAVY) * PEOPLE
    assert OutboxMessage.objects.filter(notification__isnull=True).count() == PEOPLE


def test_an_interrupted_sweep_gives_its_lock_back(population, monkeypatch):
    """A task's time limit strikes inside a rule: what committed stays, the lock goes."""
    real = sweep.rules_run

    class TimeLimit(Exception):
        pass

    def interrupted(*, rules, now, calendar):
        if any(rule.kind == Kind.CARDS_DUE for rule in rules):
            raise TimeLimit
        return real(rules=rules, now=now, calendar=calendar)

    monkeypatch.setattr(sweep, "rules_run", interrupted)
    with pytest.raises(TimeLimit):
        sweep.nudges_sweep(now=NOW, force=True)
    assert sweep_locks_held() == 0
    assert Notification.objects.filter(kind=Kind.MILESTONE_DUE).count() == PEOPLE
    assert not Notification.objects.filter(kind=Kind.CARDS_DUE).exists()


def test_the_sweep_task_fans_out_one_send_per_batch_up_to_the_limit(settings, monkeypatch):
    from apps.nudges import tasks
    from tests.nudges.factories import OutboxFactory

    settings.NUDGES_BATCH_SIZE = 2
    settings.NUDGES_MAX_PARALLEL_SENDS = 3
    sends: list[int] = []
    monkeypatch.setattr(tasks.send_due_nudges, "delay", lambda: sends.append(1))
    OutboxFactory.create_batch(3)
    assert tasks.sweep_nudges()["enqueued"] == 2  # 3 rows in batches of 2
    OutboxFactory.create_batch(5)
    assert tasks.sweep_nudges()["enqueued"] == 3  # 8 rows: capped at 3 tasks
    assert len(sends) == 5


def test_the_sweep_task_survives_a_broker_outage(monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    from apps.nudges import tasks
    from tests.nudges.factories import OutboxFactory

    def broker_down():
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_due_nudges, "delay", broker_down)
    OutboxFactory()
    assert tasks.sweep_nudges()["enqueued"] == 0
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING
    assert "the next sweep will" in caplog.text
