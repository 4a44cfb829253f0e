from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@register.filter
def countdown(due_at: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """'in 12 days, 4 hours' — the time left, independent of the viewer's timezone."""
    if due_at is None:
        return ""
    left = due_at - (now or timezone.now())
    if left.total_seconds() <= 0:
        return "passed"
    days, seconds = left.days, left.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    if days >= 1:
        return f"in {_plural(days, 'day')}, {_plural(hours, 'hour')}"
    if hours >= 1:
        return f"in {_plural(hours, 'hour')}, {_plural(minutes, 'minute')}"
    return f"in {_plural(max(minutes, 1), 'minute')}"


@register.filter
def urgency(due_at: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """A badge class: red within a week, amber within a month."""
    if due_at is None:
        return "badge"
    left = due_at - (now or timezone.now())
    if left <= dt.timedelta(days=7):
        return "badge badge-danger"
    if left <= dt.timedelta(days=30):
        return "badge badge-warning"
    return "badge badge-info"


@register.filter
def deadline_kind(kind: str | None, label: str | None = "") -> str:
    """The deadline's name: its kind, with the venue's label when it has one."""
    from apps.research.models import deadline_name

    return deadline_name(kind, label or "") if kind else ""
