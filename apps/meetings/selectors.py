"""Reads for meetings: a mentor's availability as plain values, free slots, and the
meetings a person may see (only the two people of the mentorship, ever)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.matching.models import Mentorship
from apps.matching.selectors import active_mentorship
from apps.meetings import slots
from apps.meetings.models import (
    AvailabilityException,
    AvailabilitySettings,
    Meeting,
    MeetingQuerySet,
    WeeklySlot,
)
from apps.meetings.slots import SlotDay

if TYPE_CHECKING:
    from apps.accounts.models import User


def zone_of(user: User) -> zoneinfo.ZoneInfo:
    return user.zone


# --- Availability -----------------------------------------------------------------------


def availability_settings(*, mentor: User) -> AvailabilitySettings | None:
    return AvailabilitySettings.objects.filter(mentor=mentor).select_related("mentor").first()


def weekly_slots(*, mentor: User) -> QuerySet[WeeklySlot]:
    return WeeklySlot.objects.filter(mentor=mentor)


def exceptions_ahead(*, mentor: User, now: dt.datetime) -> QuerySet[AvailabilityException]:
    """The mentor's exceptions that have not ended yet."""
    return AvailabilityException.objects.filter(mentor=mentor, during__endswith__gt=now)


def rules_for(*, settings: AvailabilitySettings, now: dt.datetime) -> slots.Rules:
    """The mentor's availability as plain values for :mod:`apps.meetings.slots`: two
    queries (weekly windows, exceptions within the horizon), whatever their number."""
    horizon = dt.timedelta(days=settings.horizon_days)
    weekly = [
        slots.WeeklyWindow(weekday=w.weekday, start=w.start_time, end=w.end_time)
        for w in WeeklySlot.objects.filter(mentor_id=settings.mentor_id)
    ]
    away: list[slots.Interval] = []
    extra: list[slots.Interval] = []
    # A day's margin each side: a window is laid out over whole local days.
    reach = (now - dt.timedelta(days=1), now + horizon + dt.timedelta(days=2))
    for e in AvailabilityException.objects.filter(
        mentor_id=settings.mentor_id, during__overlap=reach
    ):
        (away if e.kind == AvailabilityException.Kind.AWAY else extra).append(
            (e.during.lower, e.during.upper)
        )
    return slots.Rules(
        zone=settings.zone(),
        meeting_length=settings.meeting_length,
        buffer=settings.buffer,
        horizon=horizon,
        min_notice=dt.timedelta(hours=settings.min_notice_hours),
        weekly_cap=settings.weekly_cap,
        weekly=weekly,
        away=away,
        extra=extra,
    )


def booked_for(
    *,
    rules: slots.Rules,
    mentor_id: int,
    student_id: int,
    now: dt.datetime,
    exclude: Meeting | None = None,
) -> slots.Booked:
    """The active meetings that constrain a booking between this mentor and mentee, in
    one query: the mentor's (busy with the buffer, counted against the weekly cap) and
    the mentee's with other mentors (busy only). ``exclude`` is a meeting being moved."""
    # From the start of the earliest local week a slot can fall in, for the weekly cap.
    since = now - dt.timedelta(days=8)
    until = now + rules.horizon + dt.timedelta(days=8)
    qs = (
        Meeting.objects.active()
        .filter(Q(mentor_id=mentor_id) | Q(student_id=student_id))
        .filter(during__overlap=(since, until))
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    mentor_meetings: list[slots.Interval] = []
    other: list[slots.Interval] = []
    weeks: Counter[tuple[int, int]] = Counter()
    for mentor, during in qs.values_list("mentor_id", "during"):
        if mentor == mentor_id:
            mentor_meetings.append((during.lower, during.upper))
            weeks[slots.local_week(during.lower, rules.zone)] += 1
        else:
            other.append((during.lower, during.upper))
    return slots.Booked(mentor_meetings=mentor_meetings, other_busy=other, week_counts=dict(weeks))


@dataclass(frozen=True)
class BookingContext:
    mentorship: Mentorship
    settings: AvailabilitySettings
    rules: slots.Rules
    booked: slots.Booked


def booking_context(
    *, mentorship: Mentorship, now: dt.datetime, exclude: Meeting | None = None
) -> BookingContext | None:
    """Everything a booking between the pair needs, or None when the mentor has not
    published availability."""
    settings = availability_settings(mentor=mentorship.mentor)
    if settings is None:
        return None
    rules = rules_for(settings=settings, now=now)
    booked = booked_for(
        rules=rules,
        mentor_id=mentorship.mentor_id,
        student_id=mentorship.student_id,
        now=now,
        exclude=exclude,
    )
    return BookingContext(mentorship=mentorship, settings=settings, rules=rules, booked=booked)


def free_slot_days(*, context: BookingContext, viewer: User, now: dt.datetime) -> list[SlotDay]:
    return slots.slots_by_local_day(
        slots.free_slots(context.rules, context.booked, now), zone_of(viewer)
    )


# --- Who may book and see ---------------------------------------------------------------


def bookable_mentorship(*, student: User, mentor: User) -> Mentorship | None:
    """The student's active mentorship with this mentor: only an active mentee books."""
    mentorship = active_mentorship(mentor=mentor, student=student)
    if mentorship is not None:
        mentorship.mentor = mentor
        mentorship.student = student
    return mentorship


def bookable_mentors(*, student: User) -> QuerySet[Mentorship]:
    """The student's active mentorships whose mentor has published availability."""
    return (
        Mentorship.objects.filter(
            student=student,
            status=Mentorship.Status.ACTIVE,
            mentor__meeting_settings__isnull=False,
        )
        .select_related("mentor")
        .order_by("mentor__display_name", "pk")
    )


def meetings_for(*, user: User) -> MeetingQuerySet:
    """Every meeting the person takes part in, with both people, in one query."""
    return Meeting.objects.involving(user.pk).select_related("mentor", "student")


def upcoming_meetings(*, user: User, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    return meetings_for(user=user).upcoming(now=now or timezone.now()).order_by("during")


def past_meetings(*, user: User, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings that are over, and cancelled ones, newest first."""
    now = now or timezone.now()
    return (
        meetings_for(user=user)
        .filter(Q(status=Meeting.Status.CANCELLED) | Q(during__endswith__lte=now))
        .order_by("-during")
    )


def meeting_for_user(*, user: User, pk: int) -> Meeting | None:
    """The meeting, only for one of its two people."""
    return meetings_for(user=user).select_related("mentorship").filter(pk=pk).first()
