"""A person's choices: how each kind reaches them, their digest schedule, unsubscribing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from apps.nudges.models import UNSUBSCRIBE_ALL, Kind, KindPreference, Mode, NudgeSettings
from apps.nudges.sweep import digest_schedule_changed

if TYPE_CHECKING:
    from apps.accounts.models import User


def preferences_update(
    *,
    user: User,
    modes: dict[str, str],
    digest_hour: int,
    weekly_day: int,
    weekdays_only: bool,
    paused_until: date | None,
) -> NudgeSettings:
    with transaction.atomic():
        settings_row, _ = NudgeSettings.objects.update_or_create(
            user=user,
            defaults={
                "digest_hour": digest_hour,
                "weekly_day": weekly_day,
                "weekdays_only": weekdays_only,
                "paused_until": paused_until,
            },
        )
        KindPreference.objects.bulk_create(
            [KindPreference(user=user, kind=kind, mode=mode) for kind, mode in modes.items()],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["mode"],
        )
        transaction.on_commit(digest_schedule_changed)
    return settings_row


def preferences_unsubscribe(*, user_id: int, kind: str) -> list[str]:
    """Switch one kind (or every kind) off; returns the kinds switched off."""
    kinds = list(Kind.values) if kind == UNSUBSCRIBE_ALL else [kind]
    KindPreference.objects.bulk_create(
        [KindPreference(user_id=user_id, kind=k, mode=Mode.OFF) for k in kinds],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["mode"],
    )
    return kinds
