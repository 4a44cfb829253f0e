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
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from apps.core.person_versions import person_data_changed
from apps.core.registry import dashboard_figures
from apps.milestones.models import Milestone, MilestoneComment, Plan
from apps.milestones.selectors import milestone_figures


@dashboard_figures.register("plan", order=10)
def plan_figures(*, people: QuerySet | list[int], now: dt.datetime) -> dict[int, dict[str, Any]]:
    return milestone_figures(owners=people, today=timezone.localdate(now))


@receiver([post_save, post_delete], sender=Milestone, dispatch_uid="milestones.figures.milestone")
def _milestone_written(*, instance: Milestone, **kwargs: Any) -> None:
    person_data_changed(Plan.objects.filter(pk=instance.plan_id).values_list("owner_id", flat=True))


@receiver([post_save, post_delete], sender=Plan, dispatch_uid="milestones.figures.plan")
def _plan_written(*, instance: Plan, **kwargs: Any) -> None:
    person_data_changed([instance.owner_id])


@receiver([post_save, post_delete], sender=MilestoneComment, dispatch_uid="milestones.kept.comment")
def _comment_written(*, instance: MilestoneComment, **kwargs: Any) -> None:
    person_data_changed(
        Plan.objects.filter(milestones=instance.milestone_id).values_list("owner_id", flat=True)
    )
