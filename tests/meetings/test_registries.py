"""What meetings contribute elsewhere: the personal calendar feed, the data download,
demo data."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from apps.accounts.demo import DemoContext
from apps.accounts.services import user_export_data
from apps.core.registry import demo_seeders
from apps.matching.models import Mentorship
from apps.meetings.models import AvailabilitySettings, Meeting, WeeklySlot
from apps.milestones import services as milestone_services
from tests.accounts.factories import UserFactory
from tests.meetings.conftest import MONDAY_9
from tests.meetings.factories import MeetingFactory, span

pytestmark = pytest.mark.django_db


def _feed(client, user) -> icalendar.Calendar:
    token = milestone_services.calendar_feed_regenerate(user=user).token
    return icalendar.Calendar.from_ical(
        client.get(reverse("milestones:calendar_feed", args=[token])).content
    )


def test_the_meeting_is_in_both_peoples_calendar_feed(client, frozen, mentorship):
    meeting = MeetingFactory(mentorship=mentorship, during=span(MONDAY_9), sequence=2)
    MeetingFactory(mentorship=mentorship, during=span(MONDAY_9 + dt.timedelta(days=1)),
                   status=Meeting.Status.CANCELLED)  # fmt: skip
    MeetingFactory(purpose="Someone else's meeting")

    for person in (mentorship.student, mentorship.mentor):
        events = [e for e in _feed(client, person).walk("VEVENT") if "meeting-" in str(e["UID"])]
        assert [str(e["UID"]) for e in events] == [meeting.ical_uid]
        (event,) = events
        assert event.decoded("DTSTART") == MONDAY_9
        assert int(event["SEQUENCE"]) == 2


def test_the_download_holds_meetings_and_availability(mentorship, availability):
    MeetingFactory(mentorship=mentorship, during=span(MONDAY_9), purpose="Related work",
                   agenda="- Read three papers")  # fmt: skip

    student_data = user_export_data(user=mentorship.student)["meetings"]
    mentor_data = user_export_data(user=mentorship.mentor)["meetings"]

    (meeting,) = student_data["meetings"]
    assert meeting["role"] == "mentee"
    assert meeting["with"] == "Maya Mentor"
    assert meeting["agenda"] == "- Read three papers"
    assert meeting["start"] == MONDAY_9.isoformat()
    assert mentor_data["meetings"][0]["role"] == "mentor"
    assert len(mentor_data["availability"]["weekly"]) == 5
    assert mentor_data["availability"]["settings"]["weekly_cap"] == 5
    assert student_data["availability"]["settings"] is None


def test_demo_seeder_adds_availability_and_meetings_once():
    demo = DemoContext(
        student=UserFactory(is_student=True),
        mentor=UserFactory(is_mentor=True),
        coordinator=UserFactory(is_coordinator=True),
    )
    seeder = dict(demo_seeders.items())["meetings"]
    seeder(demo)  # no mentorship yet: nothing to do
    assert not Meeting.objects.exists()
    Mentorship.objects.create(student=demo.student, mentor=demo.mentor, status="active")

    seeder(demo)
    seeder(demo)

    assert AvailabilitySettings.objects.filter(mentor=demo.mentor).count() == 1
    assert WeeklySlot.objects.filter(mentor=demo.mentor).count() == 3
    meetings = Meeting.objects.filter(mentor=demo.mentor, student=demo.student)
    from django.utils import timezone

    now = timezone.now()
    assert meetings.count() == 3
    assert meetings.held(now=now).count() == 2
    assert meetings.upcoming(now=now).count() == 1
    assert demo.extra["meetings"] == list(meetings.order_by("during"))
