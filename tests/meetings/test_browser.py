"""Journey: a mentor in London publishes availability; a mentee in Los Angeles books a
slot; both see the meeting in their own local time; the invitation email carries a
valid .ics; the booking page works on a phone-sized screen; the reminder a day before
reaches the mentor's notifications; after the meeting the mentor gives feedback."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from apps.matching.models import Mentorship
from apps.meetings.models import Meeting, MeetingFeedback
from apps.nudges.services import nudges_sweep
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory


def _local(meeting: Meeting, zone: str) -> str:
    start = meeting.start.astimezone(zoneinfo.ZoneInfo(zone))
    end = meeting.end.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}\N{EN DASH}{end:%H:%M}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_mentor_publishes_mentee_books_across_zones(page, browser, live_server, browser_login):
    mentor = UserFactory(is_mentor=True, display_name="Maya Mentor", timezone="Europe/London")
    student = UserFactory(
        is_student=True, display_name="Sam Student", timezone="America/Los_Angeles"
    )
    Mentorship.objects.create(student=student, mentor=mentor, status=Mentorship.Status.ACTIVE)
    # Shared with the mentor (the plan is shared by default): the agenda lists it.
    MilestoneFactory(
        plan__owner=student,
        title="Email three labs",
        target_date=timezone.localdate() - dt.timedelta(days=3),
    )

    # The mentor opens Monday and Thursday mornings, in London time.
    browser_login(page, mentor)
    page.goto("/meetings/")
    page.get_by_role("link", name="Set your availability").click()
    expect(page.get_by_role("heading", name="My availability")).to_be_visible()
    for day in ("Monday", "Thursday"):
        page.get_by_label("Day:", exact=True).select_option(label=day)
        page.get_by_label("From:", exact=True).fill("09:00")
        page.get_by_label("To:", exact=True).fill("12:00")
        page.get_by_role("button", name="Add the window").click()
        expect(page.get_by_text("Weekly window added.")).to_be_visible()
    expect(page.get_by_text("Monday 09:00\N{EN DASH}12:00")).to_be_visible()
    page.get_by_label("Where we meet").fill("Video call")
    page.get_by_role("button", name="Save the booking rules").click()
    expect(page.get_by_text("Booking rules saved.")).to_be_visible()

    # The mentee, eight hours behind, books the first free time.
    student_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    tab = student_context.new_page()
    tab.set_default_timeout(10_000)
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_login(tab, student)
    tab.goto("/meetings/")
    tab.get_by_role("link", name="Book a meeting with Maya Mentor").click()
    expect(tab.get_by_text("Times are in your time zone, America/Los_Angeles.")).to_be_visible()
    first = tab.locator(".slot-list input[type=radio]").first
    first_label = tab.locator(".slot-list label").first.inner_text()
    first.check()
    tab.get_by_label("What would you like to talk about?").fill("Feedback on my first paper")
    tab.get_by_role("button", name="Book this meeting").click()
    expect(tab.get_by_text("Meeting booked.")).to_be_visible()

    meeting = Meeting.objects.get()
    # The time picked was shown in Los Angeles time (London 09:00-12:00 is 01:00-04:00
    # there, or 02:00-05:00 while only one of the two is on summer time).
    la, london = zoneinfo.ZoneInfo("America/Los_Angeles"), zoneinfo.ZoneInfo("Europe/London")
    shown = f"{meeting.start.astimezone(la):%H:%M}\N{EN DASH}{meeting.end.astimezone(la):%H:%M}"
    assert first_label == shown
    assert dt.time(9) <= meeting.start.astimezone(london).time() < dt.time(12)
    expect(tab.locator(".meeting-time")).to_contain_text(_local(meeting, "America/Los_Angeles"))
    # The drafted agenda: the purpose, then the mentee's overdue milestone.
    expect(tab.get_by_label("Agenda:")).to_have_value(
        re.compile(
            r"^## Purpose\s+Feedback on my first paper\s+"
            r"## Overdue milestones\s+- Email three labs \(was due .*\)\s*$"
        )
    )

    # A phone-sized screen: the booking page has no sideways scrolling.
    tab.set_viewport_size({"width": 375, "height": 800})
    tab.goto(f"/meetings/book/{mentor.pk}/")
    expect(tab.get_by_role("heading", name="Book a meeting with Maya Mentor")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    student_context.close()
    assert errors == []

    # The mentor sees it in London time, in the list and on the meeting.
    page.goto("/meetings/")
    page.locator(".meeting-row a").first.click()
    expect(page.locator(".meeting-time")).to_contain_text(_local(meeting, "Europe/London"))
    expect(page.get_by_role("heading", name="Meeting with Sam Student")).to_be_visible()

    # Both invitations carry a valid .ics for this meeting.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, student.email])
    for message in mail.outbox:
        (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
        assert part.get_param("method") == "REQUEST"
        assert part.get_filename() == "invite.ics"
        cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        (event,) = cal.walk("VEVENT")
        assert str(event["UID"]) == meeting.ical_uid
        assert event.decoded("DTSTART") == meeting.start
        assert str(event["LOCATION"]) == "Video call"

    # A day before, the sweep writes the reminder; the mentor finds it among their nudges.
    nudges_sweep(now=meeting.start - dt.timedelta(hours=23, minutes=30))
    page.goto("/nudges/")
    expect(page.get_by_text("Meeting with Sam Student on").first).to_be_visible()

    # After the meeting, the mentor answers the prompt in a few clicks.
    with time_machine.travel(meeting.end + dt.timedelta(hours=1), tick=True):
        page.goto("/meetings/")
        page.get_by_role("link", name="How was this meeting? Answer in 30 seconds").click()
        page.get_by_role("radio", name="5", exact=True).check()
        page.get_by_role("radio", name="Good fit", exact=True).check()
        page.get_by_role("button", name="Send feedback").click()
        expect(page.get_by_text("Thank you: your feedback is saved.")).to_be_visible()
    answer = MeetingFeedback.objects.get(meeting=meeting, author=mentor)
    assert (answer.useful, answer.fit) == (5, "good")
