"""Filters for nudge text templates, whose context comes from ``jsonb``: dates and
times arrive as ISO strings, enum values as their stored form."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def fromiso(value: object) -> object:
    """A date, time or date-time from its ISO form (as ``jsonb`` holds them), for the
    ``date`` and ``time`` filters; anything else is returned as it is."""
    if not isinstance(value, str):
        return value
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat, dt.time.fromisoformat):
        try:
            return parse(value)
        except ValueError:
            continue
    return value


@register.filter
def words(value: object) -> str:
    """A stored value such as ``camera_ready`` as words: ``camera ready``."""
    return str(value).replace("_", " ")
