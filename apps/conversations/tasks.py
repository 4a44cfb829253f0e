"""Thin Celery tasks: each calls one service."""

from __future__ import annotations

from celery import shared_task

from apps.conversations import services


@shared_task(name="conversations.expire_slow_requests")
def expire_slow_requests() -> int:
    return services.requests_expire_for_slow_mentors()
