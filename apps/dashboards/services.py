"""Writes started from the dashboards. The data belongs to other apps, so each write
goes through that app's own service: snoozing an action on the home page asks the
nudges app to quiet its nudges about the same thing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from apps.dashboards.home import SNOOZE_KINDS
from apps.nudges.snoozes import snooze_set

if TYPE_CHECKING:
    from apps.accounts.models import User


def next_action_snooze(
    *, user: User, kind: str, object_id: int, days: int, now: dt.datetime | None = None
) -> dt.datetime:
    """Hide an action (and its nudges) for ``days`` days; returns when it comes back.
    The caller has checked that the object is the user's."""
    if kind not in SNOOZE_KINDS:
        raise ValueError(f"Unknown action kind {kind!r}.")
    return snooze_set(
        user_id=user.pk, kinds=SNOOZE_KINDS[kind], object_id=object_id, days=days, now=now
    )
