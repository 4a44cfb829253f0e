"""Thin Celery tasks: fetch by id, call one service, retry only transient failures.
Services enqueue them by name (``apps.core.enqueue``) and never import this module."""

from __future__ import annotations

from celery import shared_task

from apps.readinglists.metadata import TransientLookupError, item_enrich

MAX_RETRIES = 3


@shared_task(name="readinglists.enrich_item", bind=True, max_retries=MAX_RETRIES, acks_late=True)
def enrich_item(self, item_id: int) -> None:
    # Idempotent: it only fills empty fields, so a redelivered message is harmless.
    final = self.request.is_eager or self.request.retries >= MAX_RETRIES
    try:
        item_enrich(item_id=item_id, final_attempt=final)
    except TransientLookupError as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
