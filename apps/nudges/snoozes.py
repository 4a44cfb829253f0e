"""Snoozes: quieting one item (e.g. one milestone) of some kinds for a few days. The
rules skip a snoozed item and its emails are skipped until then."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from apps.core.person_versions import person_data_changed, retire_when_written
from apps.nudges.models import Kind, Notification, Snooze

# The durations offered wherever something can be snoozed, in days, with their labels.
SNOOZE_CHOICES: dict[int, str] = {1: "1 day", 3: "3 days", 7: "1 week"}

# What a person's home lists hides depends on their snoozes, however they are written
# (the admin too); ``snooze_set`` writes in bulk and says so itself.
retire_when_written(Snooze, lambda snooze: [snooze.user_id])


def snooze_set(
    *,
    user_id: int,
    kinds: Iterable[str],
    object_id: int,
    days: int,
    now: datetime | None = None,
) -> datetime:
    """Snooze this person's nudges of these kinds about ``object_id`` for ``days``
    (one of ``SNOOZE_CHOICES``), replacing any snooze they had on it; returns when the
    snooze ends. The caller has checked that the object is the person's."""
    kinds = list(dict.fromkeys(kinds))
    if days not in SNOOZE_CHOICES:
        raise ValueError(f"Snooze for 1, 3 or 7 days, not {days}.")
    unknown = [kind for kind in kinds if kind not in Kind.values]
    if not kinds or unknown:
        raise ValueError(f"Snooze needs nudge kinds, not {unknown or 'none'}.")
    until = (now or timezone.now()) + timedelta(days=days)
    Snooze.objects.bulk_create(
        [Snooze(user_id=user_id, kind=kind, object_id=object_id, until=until) for kind in kinds],
        update_conflicts=True,
        unique_fields=["user", "kind", "object_id"],
        update_fields=["until"],
    )
    person_data_changed([user_id])  # what the person's home lists depends on its snoozes
    return until


def notification_snooze(*, notification: Notification, days: int) -> datetime:
    """Quiet this item for ``days``: it is marked read and its rule skips the object
    (e.g. the milestone) until then; returns when the snooze ends."""
    with transaction.atomic():
        until = snooze_set(
            user_id=notification.user_id,
            kinds=[notification.kind],
            object_id=notification.object_id,
            days=days,
        )
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return until


def snooze_active(
    *, user_id: int, kinds: Iterable[str], now: datetime, object_ref: str | int = "pk"
) -> Exists:
    """``EXISTS`` of a snooze of ``kinds`` still running at ``now``, about the object
    whose id is ``object_ref`` (an outer column name, or a fixed id)."""
    object_id: Any = OuterRef(object_ref) if isinstance(object_ref, str) else object_ref
    return Exists(
        Snooze.objects.filter(
            user_id=user_id, kind__in=list(kinds), object_id=object_id, until__gt=now
        )
    )


def snoozes_end(*, user_id: int, now: datetime) -> datetime | None:
    """When the first of the person's running snoozes ends (None without any)."""
    return Snooze.objects.filter(user_id=user_id, until__gt=now).aggregate(end=Min("until"))["end"]
