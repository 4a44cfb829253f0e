"""Thin Celery tasks: each calls the services. Retries live in the outbox rows
(``next_attempt_at`` with backoff), not in the broker, so nothing depends on Redis
keeping a message."""

from __future__ import annotations

import logging

from celery import shared_task

from apps.nudges.services import nudges_sweep, outbox_send_due, outbox_sends_needed

logger = logging.getLogger(__name__)


@shared_task(name="nudges.sweep", ignore_result=True)
def sweep_nudges() -> dict:
    """Sweep, then fan out sending. The sweep has committed by the time it returns, so
    a send task never looks for rows that are not there yet. A broker outage is
    logged, not raised: the rows stay in the outbox and the next sweep fans out again."""
    result = nudges_sweep()
    enqueued = 0
    for _ in range(outbox_sends_needed(due=result.due)):
        try:
            send_due_nudges.delay()
        except Exception:
            logger.warning("Could not enqueue nudge sending; the next sweep will.", exc_info=True)
            break
        enqueued += 1
    return {"created": result.total_created, "due": result.due, "enqueued": enqueued}


# Idempotent (rows are claimed in the database), so a redelivered message is harmless.
@shared_task(name="nudges.send_due", ignore_result=True, acks_late=True)
def send_due_nudges() -> dict:
    result = outbox_send_due()
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}
