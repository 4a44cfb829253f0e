"""The papers figures every dashboard shows (deadlines, activity)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from apps.core.registry import dashboard_figures
from apps.research.selectors import draft_figures


@dashboard_figures.register("papers", order=20)
def papers_figures(*, people: QuerySet | list[int], now: dt.datetime) -> dict[int, dict[str, Any]]:
    return draft_figures(owners=people, now=now)
