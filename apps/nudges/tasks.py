"""Thin Celery tasks: each calls the services. Retries live in the outbox rows
(``next_attempt_at`` with backoff), not in the broker, so nothing depends on Redis
keeping a message."""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from apps.nudges.services import (
    nudges_rule_run,
    nudges_sweep,
    outbox_send_due,
    outbox_sends_needed,
)

logger = logging.getLogger(__name__)


@shared_task(name="nudges.sweep", ignore_result=True)
def sweep_nudges() -> dict:
    """Sweep (the rules run every minute, the digest pass, queueing), hand each due
    hourly rule to a task of its own, so other worker processes write them side by
    side, then fan out sending. The sweep has committed by the time it returns, so a
    send task never looks for rows that are not there yet. A broker outage is logged,
    not raised: the rows stay in the outbox, the rules stay due, and the next sweep
    enqueues them again."""
    now = timezone.now()
    result = nudges_sweep(now=now, defer_heavy=True)
    rules = 0
    for kind, part, (start, stop) in result.heavy_due:
        try:
            # The sweep's time travels as text, so the rule keys its period by it.
            run_nudge_rule.delay(kind, now.isoformat(), part, start, stop)
        except Exception:
            logger.warning(
                "Could not enqueue nudge rule %s; the next sweep will.", kind, exc_info=True
            )
            break
        rules += 1
    enqueued = _fan_out_sending(result.due)
    return {
        "created": result.total_created,
        "due": result.due,
        "rules": rules,
        "enqueued": enqueued,
    }


@shared_task(name="nudges.rule", ignore_result=True)
def run_nudge_rule(
    kind: str,
    now: str,
    part: int | None = None,
    start: int | None = None,
    stop: int | None = None,
) -> dict:
    """Write one hourly rule's nudges (a sweep found it due at ``now``) for one part of
    its people (ids from ``start`` up to ``stop``), then fan out sending what it queued.
    A duplicate message adds nothing."""
    result = nudges_rule_run(
        kind=kind, now=datetime.fromisoformat(now), part=part, ids=(start, stop)
    )
    enqueued = _fan_out_sending(result.due)
    return {"created": result.total_created, "due": result.due, "enqueued": enqueued}


def _fan_out_sending(due: int) -> int:
    enqueued = 0
    for _ in range(outbox_sends_needed(due=due)):
        try:
            send_due_nudges.delay()
        except Exception:
            logger.warning("Could not enqueue nudge sending; the next sweep will.", exc_info=True)
            break
        enqueued += 1
    return enqueued


# Idempotent (rows are claimed in the database), so a redelivered message is harmless.
@shared_task(name="nudges.send_due", ignore_result=True, acks_late=True)
def send_due_nudges() -> dict:
    result = outbox_send_due()
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}
