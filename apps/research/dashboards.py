"""The papers figures every dashboard shows (deadlines, activity)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Subquery

from apps.core.registry import dashboard_figures
from apps.research.selectors import draft_figures


@dashboard_figures.register("papers", order=20)
def papers_figures(*, owner_ref: str, now: dt.datetime) -> dict[str, Subquery]:
    return draft_figures(owner_ref=owner_ref, now=now)
