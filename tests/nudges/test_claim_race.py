"""Claims from several PostgreSQL connections at once: disjoint, complete, full batches.

Each thread claims on its own connection, in real transactions that commit."""

import threading
import time

import pytest
from django.db import connection, transaction

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
def test_a_claim_beside_an_open_one_still_gets_a_full_disjoint_batch():
    OutboxFactory.create_batch(20)
    first_claimed = threading.Event()

    def first() -> list[int]:
        # Claim inside a transaction that stays open a moment, as a slow claimer's would.
        with transaction.atomic():
            ids = outbox_claim(limit=10)
            first_claimed.set()
            time.sleep(0.5)
        return ids

    def second() -> list[int]:
        assert first_claimed.wait(timeout=10)
        return outbox_claim(limit=10)

    results: list = []
    lock = threading.Lock()
    threads = [_in_thread(first, results, lock), _in_thread(second, results, lock)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not [r for r in results if isinstance(r, Exception)], results
    a, b = results
    assert len(a) == len(b) == 10
    assert not set(a) & set(b)
