from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone

from apps.milestones.dates import add_months

MAX_DESCRIPTION = 5000
MAX_NOTE = 10_000


class Category(models.TextChoices):
    RESEARCH = "research", "Research experience"
    DEGREE = "degree", "Coursework & degree"
    PUBLICATION = "publication", "Publication"
    APPLICATION = "application", "Application"
    SUPERVISOR = "supervisor", "Supervisor choice"
    SPECIALISATION = "specialisation", "Specialisation"
    SKILLS = "skills", "Skills & maths"
    NETWORKING = "networking", "Networking & outreach"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"
    BLOCKED = "blocked", "Blocked"


# Statuses in which a milestone no longer needs doing, so it can never be overdue.
CLOSED_STATUSES = (Status.DONE, Status.SKIPPED)
OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.BLOCKED)


class Plan(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    title = models.CharField(max_length=200)
    target_role = models.CharField(
        max_length=200,
        help_text="e.g. 'Research scientist in RL at an industry lab'.",
    )
    focus_areas = models.CharField(
        max_length=500,
        blank=True,
        help_text="The fields you are narrowing down to, separated by commas.",
    )
    start_date = models.DateField()
    horizon_years = models.PositiveSmallIntegerField(default=5)
    is_primary = models.BooleanField(default=False)
    template_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_primary", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(is_primary=True), name="one_primary_plan_per_owner"
            ),
            models.CheckConstraint(
                condition=Q(horizon_years__gte=1, horizon_years__lte=15),
                name="plan_horizon_1_to_15_years",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def focus_area_list(self) -> list[str]:
        return [part.strip() for part in self.focus_areas.split(",") if part.strip()]

    @property
    def end_date(self) -> datetime.date:
        return add_months(self.start_date, 12 * self.horizon_years)


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    title = models.CharField(max_length=200)
    description = models.TextField(
        max_length=MAX_DESCRIPTION, blank=True, help_text="Markdown is allowed."
    )
    success_criterion = models.CharField(
        max_length=500,
        help_text="How you will know it is done, e.g. 'paper accepted at a peer-reviewed venue'.",
    )
    target_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set from the template: marking done then needs a link or a note as evidence.
    requires_evidence = models.BooleanField(default=False)
    evidence_url = models.URLField("evidence link", max_length=500, blank=True)
    evidence_note = models.TextField(max_length=2000, blank=True)
    position = models.PositiveIntegerField(default=0)
    dependencies = models.ManyToManyField(
        "self", symmetrical=False, related_name="dependents", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["plan", "position"], name="milestone_plan_position"),
            # The "due soon / overdue" selectors filter on open milestones by date.
            models.Index(fields=["target_date", "status"], name="milestone_due"),
            # The nudges sweep reads open milestones in a window of dates through this
            # expression (NULL once done). Not a partial index on purpose: PostgreSQL
            # keeps statistics for an expression index, so the planner knows that few
            # past milestones are still open and looks them up row by row instead of
            # reading every plan and person.
            models.Index(
                Case(When(status__in=OPEN_STATUSES, then=F("target_date"))),
                name="milestone_open_target_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.target_date < timezone.localdate()

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_url or self.evidence_note.strip())


class MilestoneComment(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="milestone_comments"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.milestone}"


class CheckIn(models.Model):
    """A dated meeting note between the plan's owner and a mentor."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins_written"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins_as_mentor",
    )
    date = models.DateField()
    agenda = models.TextField(max_length=MAX_NOTE, blank=True)
    notes = models.TextField(max_length=MAX_NOTE, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"Check-in {self.date} on {self.plan}"


class ActionItem(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    # Filled once the item has been turned into a milestone, so it cannot happen twice.
    milestone = models.OneToOneField(
        Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_item"
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanTemplate(models.Model):
    """A template written by a coordinator. Built-in templates live in code
    (``builtin_templates.py``) so they ship and change with the release.

    With a programme, only that programme's members (and its coordinator) see it;
    without one, every student may start a plan from it."""

    name = models.CharField(max_length=200)
    description = models.TextField(max_length=2000, blank=True)
    target_role = models.CharField(max_length=200, blank=True)
    horizon_years = models.PositiveSmallIntegerField(default=2)
    # The YAML the coordinator wrote, kept so the template can be shown and edited as written.
    source = models.TextField(max_length=50_000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="plan_templates",
    )
    programme = models.ForeignKey(
        "matching.Programme",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_templates",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret behind a person's calendar URL. Regenerating replaces the token, so
    the old URL stops working at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
