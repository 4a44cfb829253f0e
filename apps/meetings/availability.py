"""Writes for a mentor's availability: booking rules, weekly windows and exceptions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from apps.meetings.models import AvailabilityException, AvailabilitySettings, WeeklySlot

if TYPE_CHECKING:
    from apps.accounts.models import User

MAX_EXCEPTION = dt.timedelta(days=120)
SETTINGS_FIELDS = (
    "timezone",
    "meeting_minutes",
    "buffer_minutes",
    "horizon_days",
    "min_notice_hours",
    "weekly_cap",
    "location",
)


def availability_settings_save(*, mentor: User, **fields: Any) -> AvailabilitySettings:
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Unknown settings: {sorted(unknown)}")
    settings = AvailabilitySettings.objects.filter(mentor=mentor).first() or AvailabilitySettings(
        mentor=mentor
    )
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean(exclude=["mentor"])
    settings.save()
    return settings


def _ensure_settings(mentor: User) -> None:
    # A window or an extra slot publishes availability: with the default rules until
    # the mentor changes them.
    AvailabilitySettings.objects.get_or_create(mentor=mentor)


def weekly_slot_add(
    *, mentor: User, weekday: int, start_time: dt.time, end_time: dt.time
) -> WeeklySlot:
    if start_time >= end_time:
        raise ValidationError({"end_time": "The end must be after the start."})
    with transaction.atomic():
        # The mentor's rules row, locked, so two tabs adding windows are checked in turn.
        _ensure_settings(mentor)
        AvailabilitySettings.objects.select_for_update().filter(mentor=mentor).exists()
        clash = WeeklySlot.objects.filter(
            mentor=mentor, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
        ).first()
        if clash is not None:
            raise ValidationError(f"This window overlaps your {clash} window. Change that one.")
        return WeeklySlot.objects.create(
            mentor=mentor, weekday=weekday, start_time=start_time, end_time=end_time
        )


def weekly_slot_delete(*, slot: WeeklySlot) -> None:
    slot.delete()


def exception_add(
    *,
    mentor: User,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    note: str = "",
    now: dt.datetime | None = None,
) -> AvailabilityException:
    now = now or timezone.now()
    if kind not in AvailabilityException.Kind.values:
        raise ValidationError({"kind": "Choose away or extra availability."})
    if start >= end:
        raise ValidationError({"end": "The end must be after the start."})
    if end <= now:
        raise ValidationError({"end": "That time has already passed."})
    if end - start > MAX_EXCEPTION:
        raise ValidationError({"end": "An exception can last at most 120 days."})
    exception = AvailabilityException(
        mentor=mentor, kind=kind, during=DateTimeTZRange(start, end), note=note.strip()
    )
    exception.full_clean(exclude=["mentor", "during"])
    with transaction.atomic():
        exception.save()
        if kind == AvailabilityException.Kind.EXTRA:
            _ensure_settings(mentor)
    return exception


def exception_delete(*, exception: AvailabilityException) -> None:
    exception.delete()
