from __future__ import annotations

from typing import TYPE_CHECKING

import icalendar
from django.conf import settings
from django.urls import reverse

from apps.core.registry import calendar_sources
from apps.readinglists.models import Assignment

if TYPE_CHECKING:
    from apps.accounts.models import User


@calendar_sources.register("reading")
def add_events(user: User, cal: icalendar.Calendar) -> None:
    """One all-day event per assigned list with a due date."""
    assignments = Assignment.objects.filter(mentee=user, due_date__isnull=False).select_related(
        "reading_list", "assigned_by"
    )
    for a in assignments:
        event = icalendar.Event()
        event.add("uid", f"reading-assignment-{a.pk}@pacer")
        event.add("summary", f"Reading due: {a.reading_list.title}")
        event.add("dtstart", a.due_date)
        event.add("dtstamp", a.created_at)
        event.add("description", f"Assigned by {a.assigned_by.name}.")
        event.add(
            "url",
            settings.SITE_URL + reverse("readinglists:list_detail", args=[a.reading_list_id]),
        )
        cal.add_component(event)
