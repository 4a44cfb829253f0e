"""The app's contributions to the data export, the calendar feed and the demo data."""

import datetime

import icalendar

from apps.accounts.demo import DemoContext, demo_user
from apps.core.demo import DEMO_COORDINATOR, DEMO_MENTOR, DEMO_STUDENT
from apps.readinglists import selectors
from apps.readinglists.calendar import add_events
from apps.readinglists.demo import seed
from apps.readinglists.exports import export_reading
from apps.readinglists.models import Assignment, ReadingList, ReviewLog
from tests.readinglists.factories import AssignmentFactory, ProgressFactory


def test_export_includes_lists_progress_and_cards(cast):
    ProgressFactory(user=cast.owner, item=cast.reading_list.items.first(), notes="my note")
    data = export_reading(cast.owner)
    assert data["lists"][0]["title"] == "Owner's private list"
    assert len(data["lists"][0]["items"]) == 3
    assert data["progress"][0]["notes"] == "my note"
    assert export_reading(cast.other_student)["lists"] == []


def test_calendar_has_due_dates_of_assigned_lists(student):
    AssignmentFactory(mentee=student, due_date=datetime.date(2026, 12, 1))
    AssignmentFactory(mentee=student, due_date=None)
    cal = icalendar.Calendar()
    add_events(student, cal)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    assert events[0]["summary"].startswith("Reading due: ")
    assert events[0].decoded("dtstart") == datetime.date(2026, 12, 1)


def _seed() -> None:
    # Only this app's seeder: the others are tested by their own apps and by seed_demo.
    demo = DemoContext(
        student=demo_user(DEMO_STUDENT, display_name="Ada", roles={"student"}),
        mentor=demo_user(DEMO_MENTOR, display_name="Grace", roles={"mentor"}),
        coordinator=demo_user(DEMO_COORDINATOR, display_name="Alan", roles={"coordinator"}),
    )
    seed(demo)


def test_demo_seeder_is_idempotent_and_leaves_due_cards(db):
    _seed()
    counts = (ReadingList.objects.count(), Assignment.objects.count(), ReviewLog.objects.count())
    _seed()
    assert counts == (
        ReadingList.objects.count(),
        Assignment.objects.count(),
        ReviewLog.objects.count(),
    )
    from apps.accounts.models import User

    student = User.objects.get(email=DEMO_STUDENT)
    titles = set(ReadingList.objects.values_list("title", flat=True))
    assert "Reinforcement learning: policy-gradient vs value-based methods" in titles
    assert "Probability for ML" in titles
    progress = selectors.reading_progress(user=student)
    assert progress["summarised"] == 1
    assert progress["to_read"] > 0
    assert selectors.cards_due_count(user=student) > 0
