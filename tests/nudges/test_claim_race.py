"""Claims from several PostgreSQL connections at once: disjoint, complete, full batches.

Each thread claims on its own connection, in real transactions that commit."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.nudges.models import OutboxMessage
from apps.nudges.services import outbox_claim
from tests.nudges.factories import OutboxFactory


def _in_thread(target, results: list, lock: threading.Lock):
    def run() -> None:
        try:
            value = target()
        except Exception as exc:  # surfaced in the assertions
            value = exc
        finally:
            connection.close()
        with lock:
            results.append(value)

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_parallel_claims_take_every_row_exactly_once():
    rows = {m.pk for m in OutboxFactory.create_batch(120)}
    start = threading.Barrier(4, timeout=10)

    def drain() -> list[int]:
        start.wait()
        taken: list[int] = []
        while batch := outbox_claim(limit=7):
            taken.extend(batch)
        return taken

    results: list = []
    lock = threading.Lock()
    threads = [_in_thread(drain, results, lock) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not [r for r in results if isinstance(r, Exception)], results
    claimed = [pk for batch in results for pk in batch]
    assert len(claimed) == len(set(claimed)), "a row was claimed twice"
    assert set(claimed) == rows
    assert OutboxMessage.objects.filter(leased_until__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_claim_beside_an_open_one_returns_at_once_with_a_disjoint_batch():
    OutboxFactory.create_batch(20)
    first_claimed = threading.Event()
    second_answered = threading.Event()
    results: dict = {}

    def first() -> None:
        # A slow claimer: its transaction stays open until the second claim has answered
        # (or ten seconds pass, which is what a claim that waits on locks would cause).
        with transaction.atomic():
            results["first"] = outbox_claim(limit=10)
            first_claimed.set()
            results["answered_while_open"] = second_answered.wait(timeout=10)

    def second() -> None:
        assert first_claimed.wait(timeout=10)
        results["second"] = outbox_claim(limit=10)
        second_answered.set()

    errors: list = []
    lock = threading.Lock()
    threads = [_in_thread(first, errors, lock), _in_thread(second, errors, lock)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == [None, None]
    assert results["answered_while_open"], "the second claim waited for the first to commit"
    assert len(results["first"]) == len(results["second"]) == 10
    assert not set(results["first"]) & set(results["second"])


@pytest.mark.django_db
def test_the_oldest_due_rows_are_claimed_first():
    now = timezone.now()
    # Written newest first, so the table's own order is the opposite of the due order.
    rows = [
        OutboxFactory(next_attempt_at=now - dt.timedelta(hours=hours)) for hours in range(1, 11)
    ]

    # Whatever plan the server picks: the due-time index returns rows in order by itself,
    # so the test reads the table in its own order, as a larger or busier table may be.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    claimed = outbox_claim(limit=3, now=now)

    assert set(claimed) == {row.pk for row in rows[-3:]}
