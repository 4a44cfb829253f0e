from __future__ import annotations

import datetime as dt

import factory
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from apps.meetings.models import (
    AvailabilityException,
    AvailabilitySettings,
    Meeting,
    WeeklySlot,
)
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorshipFactory


class AvailabilitySettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilitySettings

    mentor = factory.SubFactory(UserFactory, is_mentor=True)
    meeting_minutes = 30
    buffer_minutes = 10
    horizon_days = 28
    min_notice_hours = 2
    weekly_cap = 5


class WeeklySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklySlot

    mentor = factory.SubFactory(UserFactory, is_mentor=True)
    weekday = 0
    start_time = dt.time(9)
    end_time = dt.time(12)


class ExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityException

    mentor = factory.SubFactory(UserFactory, is_mentor=True)
    kind = AvailabilityException.Kind.AWAY
    during = DateTimeTZRange(
        dt.datetime(2026, 12, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    )


def _during(obj) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)
    return DateTimeTZRange(start, start + dt.timedelta(minutes=30))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    mentorship = factory.SubFactory(MentorshipFactory)
    mentor = factory.LazyAttribute(lambda o: o.mentorship.mentor)
    student = factory.LazyAttribute(lambda o: o.mentorship.student)
    during = factory.LazyAttribute(_during)
    purpose = "Talk about the first paper"
    booked_by = factory.LazyAttribute(lambda o: o.mentorship.student)


def span(start: dt.datetime, minutes: int = 30) -> DateTimeTZRange:
    return DateTimeTZRange(start, start + dt.timedelta(minutes=minutes))
