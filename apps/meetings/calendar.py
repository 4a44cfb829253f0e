"""Meetings in each person's personal calendar feed: booked ones, past and upcoming,
with the same UID and SEQUENCE as the emailed invitation, so a calendar that has both
shows one event."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.core.registry import calendar_sources
from apps.meetings.invitations import meeting_event
from apps.meetings.selectors import meetings_for

if TYPE_CHECKING:
    import icalendar

    from apps.accounts.models import User

# Old meetings add nothing to a calendar but bytes.
PAST_DAYS = 180


@calendar_sources.register("meetings", order=40)
def add_events(user: User, cal: icalendar.Calendar) -> None:
    since = timezone.now() - dt.timedelta(days=PAST_DAYS)
    meetings = (
        meetings_for(user=user).active().filter(during__endswith__gte=since).order_by("during")
    )
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, stamp=meeting.updated_at))
