"""The reading figures every dashboard shows (items read, reviews due, activity)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from apps.core.registry import dashboard_figures
from apps.readinglists.selectors import reading_figures


@dashboard_figures.register("reading", order=30)
def reading_area_figures(
    *, people: QuerySet | list[int], now: dt.datetime
) -> dict[int, dict[str, Any]]:
    return reading_figures(readers=people, now=now)
