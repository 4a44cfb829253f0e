import datetime

import icalendar
import pytest
from django.urls import reverse

from apps.core.registry import calendar_sources
from apps.matching.models import Mentorship
from apps.milestones import services
from apps.milestones.models import CalendarFeed, Status
from tests.milestones.factories import CheckInFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_calendar_settings_need_login_and_manage_the_token(client, student):
    assert client.get(reverse("milestones:calendar_settings")).status_code == 302
    client.force_login(student)
    assert "The feed is off" in client.get(reverse("milestones:calendar_settings")).content.decode()

    client.post(reverse("milestones:calendar_settings"), {"action": "regenerate"})
    token = CalendarFeed.objects.get(user=student).token
    assert token in client.get(reverse("milestones:calendar_settings")).content.decode()

    client.post(reverse("milestones:calendar_settings"), {"action": "regenerate"})
    new_token = CalendarFeed.objects.get(user=student).token
    assert new_token != token
    client.logout()
    assert client.get(reverse("milestones:calendar_feed", args=[token])).status_code == 404
    assert client.get(reverse("milestones:calendar_feed", args=[new_token])).status_code == 200

    client.force_login(student)
    client.post(reverse("milestones:calendar_settings"), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("milestones:calendar_feed", args=[new_token])).status_code == 404


def test_feed_parses_back_with_milestones_and_checkins(client, student, plan, shared_mentor):
    due = MilestoneFactory(
        plan=plan, title="Submit the paper", target_date=datetime.date(2027, 3, 1)
    )
    MilestoneFactory(plan=plan, title="Skipped one", status=Status.SKIPPED)
    MilestoneFactory(title="Someone else's")
    CheckInFactory(plan=plan, date=datetime.date(2027, 2, 1), mentor=shared_mentor)
    token = services.calendar_feed_regenerate(user=student).token

    response = client.get(reverse("milestones:calendar_feed", args=[token]))  # no login

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    assert cal["VERSION"] == "2.0"
    assert "PRODID" in cal
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Submit the paper", "Check-in: PhD route"}
    paper = events["Submit the paper"]
    assert paper.decoded("DTSTART") == datetime.date(2027, 3, 1)
    assert paper.decoded("DTEND") == datetime.date(2027, 3, 2)
    assert str(paper["UID"]) == f"milestone-{due.pk}@pacer"
    for event in cal.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert required in event
    # The mentor's own feed shows the check-in they attended, not the mentee's milestones.
    mentor_token = services.calendar_feed_regenerate(user=shared_mentor).token
    mentor_cal = icalendar.Calendar.from_ical(
        client.get(reverse("milestones:calendar_feed", args=[mentor_token])).content
    )
    assert [str(e["SUMMARY"]) for e in mentor_cal.walk("VEVENT")] == ["Check-in: PhD route"]


def test_feed_calls_every_registered_calendar_source(client, student):
    calls = []

    def extra(user, cal):
        calls.append(user)
        event = icalendar.Event()
        event.add("uid", "other-app-1@pacer")
        event.add("dtstamp", datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
        event.add("dtstart", datetime.date(2026, 6, 1))
        event.add("summary", "From another app")
        cal.add_component(event)

    calendar_sources.items()  # discover the real sources first
    calendar_sources.register("test-extra", order=999)(extra)
    try:
        token = services.calendar_feed_regenerate(user=student).token
        content = client.get(reverse("milestones:calendar_feed", args=[token])).content
    finally:
        calendar_sources._entries.pop("test-extra")

    assert calls == [student]
    assert b"From another app" in content


def test_unknown_token_is_404(client):
    assert client.get(reverse("milestones:calendar_feed", args=["nope"])).status_code == 404


def _summaries(client, user) -> list[str]:
    token = services.calendar_feed_regenerate(user=user).token
    content = client.get(reverse("milestones:calendar_feed", args=[token])).content
    return [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT")]


def test_a_mentor_the_plan_is_not_shared_with_sees_no_check_in(client, plan, unshared_mentor):
    # The check-in names the mentor, but the mentee does not share the plan with them:
    # the check-in page answers 404, and the feed says nothing either.
    CheckInFactory(plan=plan, mentor=unshared_mentor, agenda="Leaving the programme?")

    assert _summaries(client, unshared_mentor) == []
    client.force_login(unshared_mentor)
    assert client.get(reverse("milestones:checkin_list", args=[plan.pk])).status_code == 404


@pytest.mark.parametrize("status", ["ended", "declined", "withdrawn"])
def test_a_mentorship_that_is_over_shows_no_check_in(client, plan, shared_mentor, status):
    CheckInFactory(plan=plan, mentor=shared_mentor, agenda="Private agenda")
    assert _summaries(client, shared_mentor) == ["Check-in: PhD route"]

    Mentorship.objects.filter(mentor=shared_mentor).update(status=status)

    assert _summaries(client, shared_mentor) == []


def test_unsharing_the_plan_removes_the_check_ins_from_the_mentors_feed(
    client, plan, shared_mentor
):
    CheckInFactory(plan=plan, mentor=shared_mentor)

    Mentorship.objects.filter(mentor=shared_mentor).update(share_plan=False)

    assert _summaries(client, shared_mentor) == []


def test_the_owner_still_sees_every_check_in_of_their_plans(client, student, plan, mentor):
    CheckInFactory(plan=plan, mentor=mentor, date=datetime.date(2027, 1, 5))

    assert _summaries(client, student) == ["Check-in: PhD route"]
