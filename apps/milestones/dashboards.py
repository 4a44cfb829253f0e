"""The plan figures every dashboard shows (progress, overdue, next date, activity)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Subquery
from django.utils import timezone

from apps.core.registry import dashboard_figures
from apps.milestones.selectors import milestone_figures


@dashboard_figures.register("plan", order=10)
def plan_figures(*, owner_ref: str, now: dt.datetime) -> dict[str, Subquery]:
    return milestone_figures(owner_ref=owner_ref, today=timezone.localdate(now))
