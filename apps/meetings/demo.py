"""Demo data: the demo mentor's availability, two past meetings with the demo student
and one upcoming. Idempotent: meetings are found again by their purpose."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from apps.accounts.demo import DemoContext
from apps.core.registry import demo_seeders
from apps.matching.models import Mentorship
from apps.meetings.agenda import draft_agenda
from apps.meetings.models import AvailabilitySettings, Meeting, WeeklySlot

WEEKLY = [
    (1, dt.time(10), dt.time(12)),
    (3, dt.time(14), dt.time(17)),
    (4, dt.time(9), dt.time(11)),
]
# (purpose, days from today: negative is past)
MEETINGS = [
    ("Choosing a first research project", -21),
    ("Feedback on the related-work section", -7),
    ("Plan for PhD applications", 4),
]


def _at(day: dt.date, zone, *, past: bool) -> dt.datetime:
    """The start of the mentor's window on the nearest window day (earlier for a past
    meeting, later for an upcoming one), as a booking would have placed it."""
    opens = {weekday: start for weekday, start, _end in WEEKLY}
    step = dt.timedelta(days=-1 if past else 1)
    while day.weekday() not in opens:
        day += step
    return dt.datetime.combine(day, opens[day.weekday()], tzinfo=zone).astimezone(dt.UTC)


@demo_seeders.register("meetings", order=45)
def seed(demo: DemoContext) -> None:
    mentorship = Mentorship.objects.filter(
        student=demo.student, mentor=demo.mentor, status=Mentorship.Status.ACTIVE
    ).first()
    if mentorship is None:
        return
    with transaction.atomic():
        settings, _ = AvailabilitySettings.objects.update_or_create(
            mentor=demo.mentor,
            defaults={
                "meeting_minutes": 45,
                "buffer_minutes": 15,
                "horizon_days": 28,
                "min_notice_hours": 12,
                "weekly_cap": 4,
                "location": "Video call (link in the invitation)",
            },
        )
        for weekday, opens, closes in WEEKLY:
            WeeklySlot.objects.get_or_create(
                mentor=demo.mentor, weekday=weekday, start_time=opens, end_time=closes
            )
        zone = settings.zone()
        today = timezone.now().astimezone(zone).date()
        for purpose, days in MEETINGS:
            if Meeting.objects.filter(mentorship=mentorship, purpose=purpose).exists():
                continue
            start = _at(today + dt.timedelta(days=days), zone, past=days < 0)
            meeting = Meeting(
                mentorship=mentorship,
                mentor=demo.mentor,
                student=demo.student,
                during=DateTimeTZRange(start, start + settings.meeting_length),
                purpose=purpose,
                location=settings.location,
                booked_by=demo.student,
            )
            meeting.agenda = draft_agenda(meeting=meeting)
            meeting.save()
    demo.extra["meetings"] = list(Meeting.objects.filter(mentorship=mentorship).order_by("during"))
