"""Thin Celery tasks: each calls one service. Retries live in the outbox rows
(``next_attempt_at`` with backoff), not in the broker, so nothing depends on Redis
keeping a message."""

from __future__ import annotations

from celery import shared_task

from apps.nudges.services import nudges_sweep, outbox_send_due


@shared_task(name="nudges.sweep", ignore_result=True)
def sweep_nudges() -> dict:
    result = nudges_sweep()
    return {"created": result.total_created, "due": result.due}


# Idempotent (rows are claimed in the database), so a redelivered message is harmless.
@shared_task(name="nudges.send_due", ignore_result=True, acks_late=True)
def send_due_nudges() -> dict:
    result = outbox_send_due()
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}
