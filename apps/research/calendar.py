"""Deadlines of the venues a person's drafts target, for their private calendar feed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

import icalendar
from django.conf import settings
from django.utils import timezone

from apps.core.registry import calendar_sources
from apps.research import selectors
from apps.research.models import Draft

if TYPE_CHECKING:
    from apps.accounts.models import User

# Past deadlines stay in the feed a while so that calendars do not lose recent entries.
KEEP_PAST = dt.timedelta(days=90)


@calendar_sources.register("research")
def add_events(user: User, cal: icalendar.Calendar) -> None:
    now = timezone.now()
    titles: dict[int, list[str]] = defaultdict(list)
    for venue_id, title in (
        Draft.objects.filter(owner=user, target_venue__isnull=False)
        .order_by("title")
        .values_list("target_venue_id", "title")
    ):
        titles[venue_id].append(title)
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    for deadline in selectors.deadlines_for_calendar(user=user, since=now - KEEP_PAST):
        event = icalendar.Event()
        event.add("uid", f"research-deadline-{deadline.pk}-{user.pk}@pacer")
        event.add(
            "summary",
            f"{deadline.venue.title} {deadline.year}: {deadline.name} deadline",
        )
        event.add("dtstart", deadline.due_at)
        # No DTEND: a DATE-TIME start without an end is a point in time (RFC 5545 §3.6.1),
        # and DTEND would have to be strictly later than DTSTART.
        event.add("dtstamp", now)
        event.add(
            "description",
            f"As published: {deadline.local_label}.\nYour drafts: "
            + "; ".join(titles[deadline.venue_id]),
        )
        if site:
            event.add("url", f"{site}/research/papers/")
        event.add("categories", ["Paper deadline"])
        cal.add_component(event)
