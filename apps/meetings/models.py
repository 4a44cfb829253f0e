"""Meetings between a mentor and a mentee: the mentor's availability and the booked meetings.

Times the mentor publishes (weekly slots) are wall-clock times in the mentor's zone, so a
slot at 10:00 stays at 10:00 across daylight-saving changes; a meeting is an absolute
range of instants, stored as a PostgreSQL ``tstzrange`` so that the database itself can
forbid two overlapping active meetings of one mentor (or one mentee).
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.accounts.models import validate_timezone

MAX_AGENDA = 10_000
MAX_PURPOSE = 200
MAX_REASON = 1000
MAX_FEEDBACK_NOTE = 2000


class AvailabilitySettings(models.Model):
    """One mentor's booking rules. A mentor without a row has published no availability."""

    # What the mentor sets on their availability page.
    EDITABLE_FIELDS = (
        "timezone",
        "meeting_minutes",
        "buffer_minutes",
        "horizon_days",
        "min_notice_hours",
        "weekly_cap",
        "location",
    )

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_settings"
    )
    # Empty: the mentor's profile zone, so moving house in the profile moves the slots.
    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="Leave empty to use the time zone of your profile.",
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        "meeting length (minutes)",
        default=30,
        validators=[MinValueValidator(15), MaxValueValidator(180)],
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "break between meetings (minutes)",
        default=10,
        validators=[MaxValueValidator(120)],
    )
    horizon_days = models.PositiveSmallIntegerField(
        "bookable how far ahead (days)",
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)",
        default=24,
        validators=[MaxValueValidator(24 * 14)],
    )
    weekly_cap = models.PositiveSmallIntegerField(
        "at most this many meetings a week",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    location = models.CharField(
        "where we meet",
        max_length=300,
        blank=True,
        help_text="A video-call link or a room, shown on every meeting and invitation.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "availability settings"

    def __str__(self) -> str:
        return f"Availability of {self.mentor}"

    def zone_name(self) -> str:
        return self.timezone or self.mentor.timezone

    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.zone_name())

    @property
    def meeting_length(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.meeting_minutes)

    @property
    def buffer(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.buffer_minutes)


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering, so no translation is needed anywhere.
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklySlot(models.Model):
    """A recurring window of availability, in the mentor's local wall-clock time."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_slots"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")), name="weekly_slot_starts_first"
            ),
        ]
        indexes = [models.Index(fields=["mentor", "weekday"], name="weekly_slot_mentor_day")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class AvailabilityException(models.Model):
    """A one-off change to the weekly pattern: away (no bookings) or an extra window."""

    class Kind(models.TextChoices):
        AWAY = "away", "Away"
        EXTRA = "extra", "Extra availability"

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # Absolute instants: the form reads the mentor's local date and times and converts.
    during = DateTimeRangeField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["during", "pk"]
        indexes = [models.Index(fields=["mentor", "kind"], name="avail_exception_mentor_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.during}"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def active(self) -> MeetingQuerySet:
        return self.filter(status__in=Meeting.ACTIVE_STATUSES)

    def held(self, *, now: dt.datetime) -> MeetingQuerySet:
        """Meetings that took place: still booked (not cancelled) and already over."""
        return self.active().filter(during__endswith__lte=now)

    def upcoming(self, *, now: dt.datetime) -> MeetingQuerySet:
        """Booked meetings that have not ended yet (one under way counts as upcoming)."""
        return self.active().filter(during__endswith__gt=now)

    def involving(self, user_id: int) -> MeetingQuerySet:
        return self.filter(Q(mentor_id=user_id) | Q(student_id=user_id))


class MeetingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


# The statuses that hold the mentor's (and mentee's) time; the exclusion constraints name
# them, so a cancelled meeting frees its slot for someone else. A meeting that took place
# is a booked one whose range is over (``Meeting.objects.held(now=...)``).
ACTIVE_MEETING_STATUSES = (MeetingStatus.BOOKED,)


class Meeting(models.Model):
    Status = MeetingStatus
    ACTIVE_STATUSES = ACTIVE_MEETING_STATUSES

    mentorship = models.ForeignKey(
        "matching.Mentorship", on_delete=models.CASCADE, related_name="meetings"
    )
    # Copied from the mentorship because the exclusion constraints need them on this row.
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings_as_mentor"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings_as_student"
    )
    during = DateTimeRangeField()
    purpose = models.CharField(max_length=MAX_PURPOSE)
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    # Markdown, editable by both people until the meeting starts.
    agenda = models.TextField(max_length=MAX_AGENDA, blank=True)
    agenda_updated_at = models.DateTimeField(null=True, blank=True)
    agenda_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # iCalendar: the UID never changes; SEQUENCE grows with every change sent out, so
    # calendar clients replace the event instead of adding a second one.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rescheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rescheduled_at = models.DateTimeField(null=True, blank=True)
    reschedule_reason = models.TextField(max_length=MAX_REASON, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(max_length=MAX_REASON, blank=True)
    # The check-in note written from this meeting, once there is one.
    checkin = models.OneToOneField(
        "milestones.CheckIn",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["during", "pk"]
        constraints = [
            # No double booking, enforced by PostgreSQL even when two requests race.
            ExclusionConstraint(
                name="meeting_mentor_no_overlap",
                expressions=[("mentor", RangeOperators.EQUAL), ("during", RangeOperators.OVERLAPS)],
                condition=Q(status__in=ACTIVE_MEETING_STATUSES),
            ),
            ExclusionConstraint(
                name="meeting_student_no_overlap",
                expressions=[
                    ("student", RangeOperators.EQUAL),
                    ("during", RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=ACTIVE_MEETING_STATUSES),
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("student")), name="meeting_not_with_oneself"
            ),
        ]
        indexes = [
            models.Index(fields=["mentorship", "status"], name="meeting_mentorship_status"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.start:%Y-%m-%d %H:%M} UTC)"

    @property
    def start(self) -> dt.datetime:
        return self.during.lower

    @property
    def end(self) -> dt.datetime:
        return self.during.upper

    @property
    def ical_uid(self) -> str:
        return f"meeting-{self.uid}@pacer"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    def involves(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in (self.mentor_id, self.student_id)


class Fit(models.TextChoices):
    GOOD = "good", "Good fit"
    DECIDING = "deciding", "Still deciding"
    NOT_GOOD = "not_good", "Not a good fit"


class MeetingFeedback(models.Model):
    """One person's answer after a meeting: how useful it was and whether the pairing
    fits, with an optional note that only the programme's coordinators read."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feedback"
    )
    useful = models.PositiveSmallIntegerField(
        "how useful was it", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    fit = models.CharField("is this a good fit", max_length=16, choices=Fit.choices)
    note_to_coordinator = models.TextField(
        "private note to the coordinator", max_length=MAX_FEEDBACK_NOTE, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="one_feedback_per_person"),
            models.CheckConstraint(
                condition=Q(useful__gte=1, useful__lte=5), name="feedback_useful_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback by {self.author_id} on meeting {self.meeting_id}"
