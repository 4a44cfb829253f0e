"""What a meeting's agenda says about the student's plan: milestones completed since the
last meeting, overdue ones, and those due by this meeting, when the plan is shared."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from apps.core.agenda_items import AgendaItem
from apps.core.registry import agenda_sources
from apps.matching.models import ShareArea
from apps.matching.selectors import mentee_ids_sharing
from apps.milestones.models import OPEN_STATUSES, Milestone, Status
from apps.milestones.selectors import overdue_q

if TYPE_CHECKING:
    from apps.accounts.models import User

# An agenda is a conversation starter, not the plan page: each section names a few.
PER_SECTION = 8

COMPLETED = "Milestones completed since the last meeting"
OVERDUE = "Overdue milestones"
DUE_SOON = "Milestones due by this meeting"


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%b %Y}"


@agenda_sources.register(ShareArea.PLAN.value, order=10)
def plan_agenda(
    *, student: User, mentor: User, since: dt.datetime, until: dt.datetime
) -> list[AgendaItem]:
    # "Overdue" is the plan's one definition, as of today like every page; "due by this
    # meeting" are the open ones whose date falls between today and the meeting's day.
    today = timezone.localdate()
    meeting_day = timezone.localdate(until)
    completed = Q(status=Status.DONE, completed_at__gte=since, completed_at__lt=until)
    due_soon = Q(status__in=OPEN_STATUSES, target_date__gte=today, target_date__lte=meeting_day)
    rows = (
        Milestone.objects.filter(
            plan__owner=student,
            plan__owner_id__in=mentee_ids_sharing(mentor=mentor, area=ShareArea.PLAN),
        )
        .filter(completed | overdue_q(today) | due_soon)
        .select_related("plan")
        .order_by("target_date", "position", "pk")
    )
    sections: dict[str, list[AgendaItem]] = {COMPLETED: [], OVERDUE: [], DUE_SOON: []}
    for milestone in rows:
        if milestone.status == Status.DONE:
            assert milestone.completed_at is not None
            done_on = _day(timezone.localdate(milestone.completed_at))
            item = AgendaItem(COMPLETED, f"{milestone.title} (done {done_on})", order=10)
        elif milestone.target_date < today:
            item = AgendaItem(
                OVERDUE, f"{milestone.title} (was due {_day(milestone.target_date)})", order=20
            )
        else:
            item = AgendaItem(
                DUE_SOON, f"{milestone.title} (due {_day(milestone.target_date)})", order=30
            )
        sections[item.section].append(item)
    return [item for items in sections.values() for item in items[:PER_SECTION]]
