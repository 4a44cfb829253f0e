"""Writes started from the dashboards. The data belongs to other apps, so each write
goes through that app's own service; only the snooze, which the nudges app keeps per
(kind, object), is written here, so that snoozing an action on the home page also
quiets the nudge about the same thing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from apps.dashboards.selectors import SNOOZE_KINDS
from apps.nudges.models import Snooze

if TYPE_CHECKING:
    from apps.accounts.models import User

SNOOZE_DAYS = {1: "1 day", 3: "3 days", 7: "1 week"}


def next_action_snooze(
    *, user: User, kind: str, object_id: int, days: int, now: dt.datetime | None = None
) -> dt.datetime:
    """Hide an action (and its nudges) for ``days`` days; returns when it comes back.
    The caller has checked that the object is the user's."""
    if kind not in SNOOZE_KINDS:
        raise ValueError(f"Unknown action kind {kind!r}.")
    if days not in SNOOZE_DAYS:
        raise ValueError(f"Snooze for 1, 3 or 7 days, not {days}.")
    until = (now or timezone.now()) + dt.timedelta(days=days)
    with transaction.atomic():
        for nudge_kind in SNOOZE_KINDS[kind]:
            Snooze.objects.update_or_create(
                user_id=user.pk, kind=nudge_kind, object_id=object_id, defaults={"until": until}
            )
    return until
