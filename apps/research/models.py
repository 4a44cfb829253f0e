from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.research.validators import validate_orcid


class Venue(models.Model):
    """A conference or journal series (NeurIPS, ACL, ...); its deadlines are per year."""

    # Workshop and symposium names run long ("International Workshop on ... at ...").
    title = models.CharField(max_length=200, unique=True)
    full_name = models.CharField(max_length=500, blank=True)
    link = models.URLField(max_length=500, blank=True)
    tags = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class DeadlineKind(models.TextChoices):
    REGISTRATION = "registration", "Paper registration"
    ABSTRACT = "abstract", "Abstract"
    PAPER = "paper", "Full paper"
    SUPPLEMENTARY = "supplementary", "Supplementary material"
    REVIEW_RELEASE = "review_release", "Reviews released"
    REBUTTAL_START = "rebuttal_start", "Rebuttal opens"
    REBUTTAL_END = "rebuttal_end", "Rebuttal closes"
    COMMITMENT = "commitment", "ARR commitment"
    NOTIFICATION = "notification", "Notification"
    CAMERA_READY = "camera_ready", "Camera-ready"


def deadline_name(kind: str, label: str = "") -> str:
    try:
        kind_label = str(DeadlineKind(kind).label)
    except ValueError:
        kind_label = kind.replace("_", " ")
    if not label or label.casefold() == kind_label.casefold():
        return kind_label
    return f"{kind_label} ({label})"


class VenueDeadline(models.Model):
    """One dated deadline. The local date, time and zone are kept as published;
    ``due_at`` is the same instant in UTC, computed once on import so that reminders,
    countdowns and calendar feeds compare plain timestamps in SQL."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="deadlines")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32, choices=DeadlineKind.choices)
    # "Round 1" / "Round 2", "Preliminary" / "Final": venues publish several deadlines of
    # one kind in a year, told apart by the label, so it is part of the identity.
    label = models.CharField(max_length=200, blank=True, default="")
    local_date = models.DateField()
    local_time = models.TimeField()
    timezone_name = models.CharField(max_length=64, help_text="As published: AoE, UTC±N or IANA.")
    due_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "year", "kind", "label"],
                name="one_deadline_per_venue_year_kind_label",
            )
        ]
        # The "next deadline of this venue" subquery filters by venue and due_at.
        indexes = [models.Index(fields=["venue", "due_at"], name="deadline_venue_due")]

    def __str__(self) -> str:
        return f"{self.venue} {self.year} {self.name}"

    @property
    def name(self) -> str:
        """What the deadline is called wherever it is shown: its kind, and its label
        when the venue gave one ("Full paper (Round 2)")."""
        return deadline_name(self.kind, self.label)

    @property
    def local_label(self) -> str:
        return f"{self.local_date:%Y-%m-%d} {self.local_time:%H:%M} {self.timezone_name}"


class Stage(models.TextChoices):
    IDEA = "idea", "Idea"
    OUTLINE = "outline", "Outline"
    DRAFTING = "drafting", "Drafting"
    INTERNAL_REVIEW = "internal_review", "Internal review"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    CAMERA_READY = "camera_ready", "Camera-ready"
    PUBLISHED = "published", "Published"


# Stages in which the author still works toward a deadline; nudges about drafting and
# deadline countdowns only concern these.
ACTIVE_STAGES = (
    Stage.IDEA,
    Stage.OUTLINE,
    Stage.DRAFTING,
    Stage.INTERNAL_REVIEW,
    Stage.SUBMITTED,
    Stage.UNDER_REVIEW,
    Stage.ACCEPTED,
    Stage.CAMERA_READY,
)
PRE_SUBMISSION_STAGES = (Stage.IDEA, Stage.OUTLINE, Stage.DRAFTING, Stage.INTERNAL_REVIEW)


class Draft(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_drafts"
    )
    title = models.CharField(max_length=300)
    abstract = models.TextField(max_length=5000, blank=True)
    coauthors = models.TextField(
        "co-authors", max_length=1000, blank=True, help_text="Names of co-authors, one per line."
    )
    coauthor_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coauthored_drafts"
    )
    target_venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts"
    )
    manuscript_url = models.URLField("manuscript link", max_length=500, blank=True)
    code_url = models.URLField("code link", max_length=500, blank=True)
    preprint_url = models.URLField("preprint link", max_length=500, blank=True)
    next_action = models.CharField(max_length=300, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDEA)
    stage_changed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["owner", "stage"], name="draft_owner_stage"),
            # Nudges look for drafts stuck in a stage: stage_changed_at older than N days.
            models.Index(fields=["stage", "stage_changed_at"], name="draft_stage_changed"),
        ]

    def __str__(self) -> str:
        return self.title


class DraftStageChange(models.Model):
    """The history of a draft: one row per stage change, the first with from_stage ''."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.draft_id}: {self.from_stage or '—'} → {self.to_stage}"


class Purpose(models.TextChoices):
    ADVICE = "advice", "Advice"
    PHD_POSITION = "phd_position", "PhD position"
    INTERNSHIP = "internship", "Internship"
    COLLABORATION = "collaboration", "Collaboration"
    DRAFT_FEEDBACK = "draft_feedback", "Feedback on a draft"


class ContactStatus(models.TextChoices):
    TO_WRITE = "to_write", "To write"
    EMAILED = "emailed", "Emailed"
    REPLIED = "replied", "Replied"
    MEETING_SCHEDULED = "meeting_scheduled", "Meeting scheduled"
    NO_REPLY_CLOSED = "no_reply_closed", "No reply — closed"
    CLOSED = "closed", "Closed"


CLOSED_STATUSES = (ContactStatus.NO_REPLY_CLOSED, ContactStatus.CLOSED)
DEFAULT_FOLLOW_UP_DAYS = 10


class Contact(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="research_contacts"
    )
    name = models.CharField("researcher's name", max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    homepage = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    orcid = models.CharField(
        "ORCID iD",
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text="16 characters, e.g. 0000-0002-1825-0097.",
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.ADVICE)
    status = models.CharField(
        max_length=20, choices=ContactStatus.choices, default=ContactStatus.TO_WRITE
    )
    notes = models.TextField(max_length=5000, blank=True)
    follow_up_days = models.PositiveSmallIntegerField(
        "follow up after (days)",
        default=DEFAULT_FOLLOW_UP_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    last_emailed_on = models.DateField(null=True, blank=True)
    # Set from the last email sent, cleared by a reply, a meeting or closing the contact.
    follow_up_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["owner", "status"], name="contact_owner_status"),
            models.Index(
                fields=["follow_up_on"],
                condition=Q(follow_up_on__isnull=False),
                name="contact_follow_up_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InteractionKind(models.TextChoices):
    EMAIL_SENT = "email_sent", "Email sent"
    REPLY_RECEIVED = "reply_received", "Reply received"
    MEETING = "meeting", "Meeting"


class Interaction(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(max_length=20, choices=InteractionKind.choices)
    occurred_on = models.DateField()
    summary = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class ResearchPreferences(models.Model):
    """Per-person settings of this capability (one row, created on first save)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="research_preferences"
    )
    followup_weekly_cap = models.PositiveSmallIntegerField(
        "follow-up reminders per week",
        default=3,  # DEFAULT_FOLLOWUP_WEEKLY_CAP
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text="At most this many follow-up reminders in any seven days (0 turns them off).",
    )

    def __str__(self) -> str:
        return f"Research preferences of {self.user_id}"


DEFAULT_FOLLOWUP_WEEKLY_CAP = 3
