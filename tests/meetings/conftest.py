"""A mentor in London with Monday-to-Friday mornings, and an active mentee in New York.

The clock is frozen at ``NOW`` (a Wednesday) by the tests that book, so slots and
notice periods are the same at any hour the suite runs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory
from tests.meetings.factories import AvailabilitySettingsFactory, WeeklySlotFactory

NOW = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)  # Wednesday 2 December 2026, 12:00 UTC
# Monday 7 December 2026, 09:00 London (GMT) = 09:00 UTC = 04:00 New York.
MONDAY_9 = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mentor(db):
    return UserFactory(is_mentor=True, display_name="Maya Mentor", timezone="Europe/London")


@pytest.fixture
def student(db):
    return UserFactory(is_student=True, display_name="Sam Student", timezone="America/New_York")


@pytest.fixture
def mentorship(student, mentor):
    return Mentorship.objects.create(
        student=student, mentor=mentor, status=Mentorship.Status.ACTIVE
    )


@pytest.fixture
def availability(mentor):
    settings = AvailabilitySettingsFactory(mentor=mentor)
    for weekday in range(5):
        WeeklySlotFactory(mentor=mentor, weekday=weekday)
    return settings
