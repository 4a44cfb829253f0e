"""Nudges: in-app notifications and the email outbox that delivers them.

A rule writes a ``Notification`` (the in-app item) keyed by (person, kind, object, period)
so a rule re-run, or two sweeps at once, can never create it twice. Emails are rows in
``OutboxMessage``: one row per immediate notification (unique by notification), one row
per person and digest slot (a local date, or an ISO week) for digests (unique by person,
digest kind and slot). A row names its person once: a digest's by its own ``user``, a
notification's email through the notification (``recipient``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from apps.nudges.kinds import (
    DEFAULT_DIGEST_HOUR,
    DEFAULT_WEEKLY_DAY,
    DIGEST_DAILY,
    DIGEST_WEEKLY,
    UNSUBSCRIBE_ALL,
    Delivery,
    Kind,
    Mode,
    NudgeText,
)

__all__ = [
    "DIGEST_DAILY",
    "DIGEST_WEEKLY",
    "UNSUBSCRIBE_ALL",
    "Delivery",
    "Kind",
    "KindPreference",
    "Mode",
    "Notification",
    "NudgeSettings",
    "NudgeText",
    "OutboxMessage",
    "Snooze",
]


class NudgeSettings(models.Model):
    """A person's schedule for digests and their holiday pause. No row = the defaults."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, "Monday"
        TUESDAY = 2, "Tuesday"
        WEDNESDAY = 3, "Wednesday"
        THURSDAY = 4, "Thursday"
        FRIDAY = 5, "Friday"
        SATURDAY = 6, "Saturday"
        SUNDAY = 7, "Sunday"

    DEFAULT_HOUR = DEFAULT_DIGEST_HOUR
    DEFAULT_WEEKDAY = DEFAULT_WEEKLY_DAY

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudge_settings"
    )
    digest_hour = models.PositiveSmallIntegerField(
        default=DEFAULT_HOUR,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        help_text="Digests arrive at this hour in your own time zone.",
    )
    weekly_day = models.PositiveSmallIntegerField(
        default=DEFAULT_WEEKDAY, choices=Weekday.choices, help_text="Day of the weekly digest."
    )
    weekdays_only = models.BooleanField(
        default=True, help_text="Skip the daily digest on Saturdays and Sundays."
    )
    paused_until = models.DateField(
        null=True, blank=True, help_text="No emails up to and including this date (a holiday)."
    )

    class Meta:
        verbose_name_plural = "nudge settings"

    def __str__(self) -> str:
        return f"Nudge settings of {self.user}"


class KindPreference(models.Model):
    """A person's choice for one kind; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudge_preferences"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    mode = models.CharField(max_length=16, choices=Mode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="nudges_one_pref_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.mode}"


class Snooze(models.Model):
    """Silences one item (e.g. one milestone) of one kind until a moment."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    object_id = models.BigIntegerField()
    until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_id"], name="nudges_one_snooze_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} #{self.object_id} until {self.until:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """One nudge, as the notification centre lists it. The facts it is about (a
    milestone's title and date, counts) and its link are a snapshot taken by the rule,
    so the list and the emails need no per-row lookups; its words come from the rule's
    template (:mod:`apps.nudges.rendering`), rendered when it is shown."""

    # The dedup constraint starts with the user: it serves the per-person lists (and the
    # foreign key's checks when a person is deleted) too.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # What makes a repeat a new nudge: "" (once ever), a local date, an ISO week, "d7"...
    period = models.CharField(max_length=32, blank=True)
    # What the rule's template is rendered with. Nudges written before templates keep
    # their stored words as {"stored": {"title": ..., "body": ...}}.
    context = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500)
    delivery = models.CharField(max_length=16, choices=Delivery.choices)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when an outbox row (own email or digest slot) has taken this notification.
    queued_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_id", "period"], name="nudges_notification_dedup"
            )
        ]
        indexes = [
            # The sweep's queueing step reads only notifications no email has taken yet.
            models.Index(
                fields=["delivery", "user"],
                name="nudges_notif_unqueued",
                condition=Q(queued_at__isnull=True) & ~Q(delivery="none"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @cached_property
    def text(self) -> NudgeText:
        """Title and body, rendered once per instance from the kind's template."""
        from apps.nudges.rendering import notification_text

        return notification_text(kind=self.kind, context=self.context)

    @property
    def title(self) -> str:
        return self.text.title

    @property
    def body(self) -> str:
        return self.text.body


class OutboxQuerySet(models.QuerySet):
    def to_people(self, people) -> OutboxQuerySet:
        """Rows addressed to these people (a list of ids, or a query of them): their
        digests, and the emails of their notifications."""
        return self.filter(Q(user__in=people) | Q(notification__user__in=people))

    def recipient_ids(self) -> models.QuerySet:
        """The id of each row's person, as a flat values query."""
        return self.values_list(Coalesce("user_id", "notification__user_id"), flat=True)


class OutboxMessage(models.Model):
    """One email to send. Claiming sets ``leased_until`` one lease ahead, so a worker
    that dies mid-batch leaves rows that simply fall due again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    # Few indexes on purpose: a worst-case sweep writes one row per due nudge and every
    # claim rewrites the rows it takes, so each index shows. A nudge's row is keyed by its
    # notification (ids only grow: a cheap, right-hand index insert); digests by
    # (person, kind, 0, day or week).
    #
    # A row names its person once, so that each written row costs the database one
    # foreign-key check, not two: a digest by ``user``, a notification's own email by
    # ``notification`` (whose person is the notification's), never both
    # (``nudges_outbox_one_recipient``). Deleting a person deletes their digests by the
    # first key, and their notifications' emails along with the notifications.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="nudge_outbox",
        db_index=False,
    )
    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    period = models.CharField(max_length=32, blank=True)
    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The claim's lease, kept apart from ``next_attempt_at`` and out of every index so
    # that claiming a row is a HOT update (no new index entries); with the table's
    # lower fillfactor (migration 0002) the new row version fits on the same page.
    leased_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbox message"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, notification__isnull=True)
                | Q(user__isnull=True, notification__isnull=False),
                name="nudges_outbox_one_recipient",
                violation_error_message=(
                    "An email goes with its notification or, for a digest, to a person: "
                    "name one of the two."
                ),
            ),
            # A nudge's own email: at most one row per notification, whose key
            # (person, kind, object, period) is unique in its own table.
            models.UniqueConstraint(
                fields=["notification"],
                condition=Q(notification__isnull=False),
                name="nudges_outbox_one_per_notification",
            ),
            # A digest: one row per person, digest kind and local day or week.
            models.UniqueConstraint(
                fields=["user", "kind", "object_id", "period"],
                condition=Q(notification__isnull=True),
                name="nudges_outbox_digest_dedup",
            ),
        ]
        indexes = [
            # The claim query: "pending AND next_attempt_at <= now ORDER BY next_attempt_at"
            # (leased rows are then filtered on the heap). Sent rows (nearly all of
            # them, in time) stay out of the index.
            models.Index(
                fields=["next_attempt_at"],
                name="nudges_outbox_due",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id} ({self.status})"

    @property
    def recipient(self):
        """The person the email goes to: a digest's own, or its notification's."""
        return self.user if self.notification is None else self.notification.user

    @property
    def recipient_id(self) -> int:
        person = self.user_id if self.notification is None else self.notification.user_id
        if person is None:  # refused by nudges_outbox_one_recipient
            raise ValueError(f"Outbox row {self.pk} names no one.")
        return person

    @property
    def is_digest(self) -> bool:
        return self.kind in (DIGEST_DAILY, DIGEST_WEEKLY)
