"""The plan figures every dashboard shows (progress, overdue, next date, activity).

The dashboards keep what they read of a person's plans (these figures, the home's
milestones, categories and comments) until it changes: every saved or deleted plan,
milestone or comment retires the owner's kept reads here, for whatever writes it
(services, the admin, demo data); writes that bypass ``save()`` (``bulk_create``) say so
themselves through ``person_data_changed``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from apps.core.person_versions import retire_when_written
from apps.core.registry import dashboard_figures
from apps.milestones.models import Milestone, MilestoneComment, Plan
from apps.milestones.selectors import milestone_figures


@dashboard_figures.register("plan", order=10)
def plan_figures(*, people: QuerySet | list[int], now: dt.datetime) -> dict[int, dict[str, Any]]:
    return milestone_figures(owners=people, today=timezone.localdate(now))


def _owner_of_plan(plan_id: int) -> list[int]:
    return list(Plan.objects.filter(pk=plan_id).values_list("owner_id", flat=True))


retire_when_written(Plan, lambda plan: [plan.owner_id])
# A plan deleted with its milestones retires its owner once, through the plan's receiver.
retire_when_written(
    Milestone, lambda milestone: _owner_of_plan(milestone.plan_id), skip_cascades=True
)
retire_when_written(
    MilestoneComment,
    lambda comment: Plan.objects.filter(milestones=comment.milestone_id).values_list(
        "owner_id", flat=True
    ),
)
