"""Snoozes asked for outside the nudges pages (the home page's next actions): the
nudges app keeps them per (kind, object), so the offered durations and the writes live
here, next to the rules that read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from apps.nudges.models import Snooze
from apps.nudges.services import SNOOZE_CHOICES

__all__ = ["SNOOZE_CHOICES", "snooze_active", "snooze_set"]


def snooze_set(*, user_id: int, kinds: Iterable[str], object_id: int, until: dt.datetime) -> None:
    """Quiet the nudges of ``kinds`` about ``object_id`` for ``user_id`` until ``until``
    (one row per kind, replacing an earlier snooze)."""
    with transaction.atomic():
        for kind in kinds:
            Snooze.objects.update_or_create(
                user_id=user_id, kind=kind, object_id=object_id, defaults={"until": until}
            )


def snooze_active(
    *, user_id: int, kinds: Iterable[str], now: dt.datetime, object_ref: str | int = "pk"
) -> Exists:
    """``EXISTS`` of a snooze of ``kinds`` still running at ``now``, about the object
    whose id is ``object_ref`` (an outer column name, or a fixed id)."""
    object_id: Any = OuterRef(object_ref) if isinstance(object_ref, str) else object_ref
    return Exists(
        Snooze.objects.filter(
            user_id=user_id, kind__in=list(kinds), object_id=object_id, until__gt=now
        )
    )
