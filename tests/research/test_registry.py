import datetime as dt

import icalendar
import pytest
from django.utils import timezone

from apps.accounts.demo import DemoContext
from apps.core.registry import calendar_sources, data_exporters, demo_seeders
from apps.research import selectors
from apps.research.models import Contact, ContactStatus, Draft, Stage, Venue, VenueDeadline
from tests.accounts.factories import UserFactory
from tests.research.factories import (
    ContactFactory,
    DraftFactory,
    InteractionFactory,
    VenueDeadlineFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def _registered(registry, name):
    return dict(registry.items())[name]


def test_exporter_includes_drafts_history_and_contacts(student, other_student):
    draft = DraftFactory(owner=student, title="Mine")
    DraftFactory(owner=other_student, title="Not mine")
    contact = ContactFactory(owner=student, name="Dr Export")
    InteractionFactory(contact=contact, summary="hello")
    data = _registered(data_exporters, "research")(student)
    assert [d["title"] for d in data["drafts"]] == ["Mine"]
    assert data["drafts"][0]["stage_history"][0]["to"] == draft.stage
    assert data["contacts"][0]["interactions"][0]["summary"] == "hello"
    assert data["followup_weekly_cap"] == 3


def test_calendar_source_adds_deadlines_of_targeted_venues(student, other_student):
    targeted = VenueFactory(title="TARGET")
    deadline = VenueDeadlineFactory(venue=targeted, in_days=12)
    VenueDeadlineFactory(venue=targeted, in_days=-200, kind="abstract")  # long past
    other = VenueFactory(title="OTHER")
    VenueDeadlineFactory(venue=other, in_days=5)
    DraftFactory(owner=student, target_venue=targeted, title="My paper")
    DraftFactory(owner=other_student, target_venue=other)

    cal = icalendar.Calendar()
    _registered(calendar_sources, "research")(student, cal)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert "TARGET" in str(event["summary"])
    assert event.decoded("dtstart") == deadline.due_at
    assert "My paper" in str(event["description"])
    assert "AoE" in str(event["description"])
    icalendar.Calendar.from_ical(cal.to_ical())  # serialises to valid iCalendar


def test_calendar_events_name_labelled_deadlines(student):
    venue = VenueFactory(title="KDDX")
    VenueDeadlineFactory(venue=venue, in_days=12, label="Round 1")
    VenueDeadlineFactory(venue=venue, in_days=40, label="Round 2")
    DraftFactory(owner=student, target_venue=venue)
    cal = icalendar.Calendar()
    _registered(calendar_sources, "research")(student, cal)
    summaries = sorted(str(e["summary"]) for e in cal.walk("VEVENT"))
    assert [s.split(": ", 1)[1] for s in summaries] == [
        "Full paper (Round 1) deadline",
        "Full paper (Round 2) deadline",
    ]


def test_demo_seeder_is_idempotent_and_shows_follow_ups_due():
    demo = DemoContext(
        student=UserFactory(is_student=True, timezone="Europe/London"),
        mentor=UserFactory(is_mentor=True),
        coordinator=UserFactory(is_coordinator=True),
    )
    seed = _registered(demo_seeders, "research")
    seed(demo)
    counts = (
        Venue.objects.count(),
        VenueDeadline.objects.count(),
        Draft.objects.count(),
        Contact.objects.count(),
    )
    seed(demo)
    assert counts == (
        Venue.objects.count(),
        VenueDeadline.objects.count(),
        Draft.objects.count(),
        Contact.objects.count(),
    )
    now = timezone.now()
    stages = set(Draft.objects.values_list("stage", flat=True))
    assert {Stage.DRAFTING, Stage.UNDER_REVIEW, Stage.OUTLINE} <= stages
    assert selectors.followups_due(user=demo.student, now=now).count() >= 2
    assert Contact.objects.filter(status=ContactStatus.REPLIED).exists()
    assert selectors.drafts_with_upcoming_deadlines(
        user=demo.student, now=now, within_days=400
    ).exists()
    # Every targeted venue has something to count down to, even after the seed dates pass.
    for venue in Venue.objects.filter(drafts__isnull=False):
        assert venue.deadlines.filter(due_at__gte=now).exists()


def test_demo_rolls_stale_deadlines_forward(monkeypatch):
    from apps.research import demo as research_demo

    venue = VenueFactory()
    VenueDeadlineFactory(venue=venue, in_days=-30)
    research_demo._ensure_upcoming(venue, timezone.now())
    assert venue.deadlines.filter(due_at__gte=timezone.now()).exists()
    rolled = venue.deadlines.order_by("-year").first()
    assert rolled.due_at - timezone.now() < dt.timedelta(days=366)
