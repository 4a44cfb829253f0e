"""The reading figures every dashboard shows (items read, reviews due, activity)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Subquery

from apps.core.registry import dashboard_figures
from apps.readinglists.selectors import reading_figures


@dashboard_figures.register("reading", order=30)
def reading_area_figures(*, owner_ref: str, now: dt.datetime) -> dict[str, Subquery]:
    return reading_figures(owner_ref=owner_ref, now=now)
