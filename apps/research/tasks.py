"""Thin Celery tasks: call one service, retry only transient failures."""

from __future__ import annotations

from celery import shared_task

from apps.research.services import venue_catalogue_refresh
from apps.research.sources import SourceUnavailable

MAX_RETRIES = 3


@shared_task(name="research.refresh_venues", bind=True, max_retries=MAX_RETRIES, acks_late=True)
def refresh_venues(self) -> str:
    # Idempotent: importing the same file twice leaves every row unchanged.
    try:
        return venue_catalogue_refresh().summary()
    except SourceUnavailable as exc:
        raise self.retry(exc=exc, countdown=300 * 2**self.request.retries) from exc
