"""Milestone target dates and check-ins in the personal calendar feed."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from apps.core.registry import calendar_sources
from apps.matching.models import ShareArea
from apps.matching.selectors import mentee_ids_sharing
from apps.milestones.models import CheckIn, Milestone, Status

if TYPE_CHECKING:
    from apps.accounts.models import User

ONE_DAY = datetime.timedelta(days=1)


def _all_day_event(
    *,
    uid: str,
    day: datetime.date,
    summary: str,
    description: str,
    url: str,
    stamp: datetime.datetime,
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + ONE_DAY)
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a deadline, not a busy slot
    return event


@calendar_sources.register("milestones", order=20)
def add_events(user: User, cal: icalendar.Calendar) -> None:
    milestones = (
        Milestone.objects.filter(plan__owner=user)
        .exclude(status=Status.SKIPPED)
        .select_related("plan")
        .order_by("target_date", "pk")
    )
    for m in milestones:
        done = " ✓" if m.status == Status.DONE else ""
        cal.add_component(
            _all_day_event(
                uid=f"milestone-{m.pk}@pacer",
                day=m.target_date,
                summary=f"{m.title}{done}",
                description=f"{m.plan.title} · {m.get_status_display()}\n"
                f"Success: {m.success_criterion}",
                url=settings.SITE_URL + reverse("milestones:milestone_detail", args=[m.pk]),
                stamp=m.updated_at,
            )
        )
    # Check-ins of one's own plans, and those a mentor attended for a mentee who shares
    # their plan with them now: a check-in records the mentor whatever the sharing, and
    # outlives the mentorship, so the sharing rule decides, as on the web pages.
    shared_with_me = mentee_ids_sharing(mentor=user, area=ShareArea.PLAN)
    checkins = (
        CheckIn.objects.filter(Q(plan__owner=user) | Q(mentor=user, plan__owner__in=shared_with_me))
        .select_related("plan")
        .order_by("date", "pk")
    )
    for c in checkins:
        cal.add_component(
            _all_day_event(
                uid=f"checkin-{c.pk}@pacer",
                day=c.date,
                summary=f"Check-in: {c.plan.title}",
                description=c.agenda[:1000],
                url=settings.SITE_URL + reverse("milestones:checkin_list", args=[c.plan_id]),
                stamp=c.created_at,
            )
        )
