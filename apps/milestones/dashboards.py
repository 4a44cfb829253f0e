"""The plan figures every dashboard shows (progress, overdue, next date, activity)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from apps.core.registry import dashboard_figures
from apps.milestones.selectors import milestone_figures


@dashboard_figures.register("plan", order=10)
def plan_figures(*, people: QuerySet | list[int], now: dt.datetime) -> dict[int, dict[str, Any]]:
    return milestone_figures(owners=people, today=timezone.localdate(now))
