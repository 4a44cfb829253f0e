from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.matching.fit import fit_percent

if TYPE_CHECKING:
    from apps.accounts.models import User


class ShareArea(models.TextChoices):
    """What a mentee can choose to show each mentor."""

    PLAN = "plan", "Plan and milestones"
    READING = "reading", "Reading and maths review"
    PAPERS = "papers", "Paper drafts"
    OUTREACH = "outreach", "Outreach log"


class Mentorship(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Requested"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_student"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(max_length=2000, blank=True)
    response_note = models.TextField(max_length=2000, blank=True)
    end_reason = models.TextField(max_length=2000, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The default shares the plan only; the mentee widens or narrows it per mentor.
    share_plan = models.BooleanField(default=True)
    share_reading = models.BooleanField(default=False)
    share_papers = models.BooleanField(default=False)
    share_outreach = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one open (pending or active) mentorship per pair.
            models.UniqueConstraint(
                fields=["student", "mentor"],
                condition=Q(status__in=["pending", "active"]),
                name="one_open_mentorship_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(student=models.F("mentor")), name="mentorship_not_with_oneself"
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"], name="mentorship_mentor_status"),
            models.Index(fields=["student", "status"], name="mentorship_student_status"),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.mentor} ({self.status})"

    def shares(self, area: str) -> bool:
        return bool(getattr(self, f"share_{ShareArea(area).value}"))


def split_list(value: str) -> list[str]:
    """Comma-separated free text ("RL, causal inference") as a clean list, order kept."""
    seen: dict[str, str] = {}
    for part in value.split(","):
        item = " ".join(part.split())
        if item and item.lower() not in seen:
            seen[item.lower()] = item
    return list(seen.values())


class Seniority(models.TextChoices):
    PHD_STUDENT = "phd_student", "PhD student"
    POSTDOC = "postdoc", "Postdoc"
    FACULTY = "faculty", "Faculty"
    INDUSTRY = "industry", "Industry researcher"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    AD_HOC = "ad_hoc", "When needed"


class Involvement(models.TextChoices):
    HANDS_ON = "hands_on", "Hands-on"
    BALANCED = "balanced", "Balanced"
    HANDS_OFF = "hands_off", "Hands-off"


class Channel(models.TextChoices):
    VIDEO = "video", "Video calls"
    IN_PERSON = "in_person", "In person"
    CHAT = "chat", "Chat"
    EMAIL = "email", "Email"


class MentorProfile(models.Model):
    """What a mentor offers. Its row is also the lock that serialises accepting mentees,
    so capacity checks and activations never interleave (see services.mentorship_accept)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    research_areas = models.TextField(max_length=2000, blank=True)
    topic_tags = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated, e.g. 'RL, robotics'."
    )
    method_tags = models.CharField(
        max_length=500,
        blank=True,
        help_text="Method families, comma-separated, e.g. 'policy-gradient methods'.",
    )
    seniority = models.CharField(
        max_length=16, choices=Seniority.choices, default=Seniority.POSTDOC
    )
    institution = models.CharField(max_length=200, blank=True)
    can_supervise_phd = models.BooleanField("can supervise PhD students", default=False)
    capacity = models.PositiveSmallIntegerField(
        default=2, help_text="The most mentees you will have active at once."
    )
    accepting = models.BooleanField("accepting new mentees", default=True)
    cadence = models.CharField(
        "meeting cadence", max_length=16, choices=Cadence.choices, default=Cadence.FORTNIGHTLY
    )
    involvement = models.CharField(
        max_length=16, choices=Involvement.choices, default=Involvement.BALANCED
    )
    channel = models.CharField(
        "communication channel", max_length=16, choices=Channel.choices, default=Channel.VIDEO
    )
    languages = models.CharField(max_length=200, default="English", help_text="Comma-separated.")
    offer = models.TextField("what I can offer", max_length=2000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(capacity__lte=50), name="mentor_capacity_sane")
        ]

    def __str__(self) -> str:
        return f"Mentor profile of {self.user}"

    @property
    def tags(self) -> list[str]:
        return split_list(self.topic_tags) + split_list(self.method_tags)

    @property
    def language_list(self) -> list[str]:
        return split_list(self.languages)


class StudentPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_preferences"
    )
    interests = models.TextField(max_length=2000, blank=True)
    tags = models.CharField(max_length=500, blank=True, help_text="Comma-separated.")
    goals = models.TextField(max_length=2000, blank=True)
    preferred_seniority = models.CharField(
        max_length=16, choices=Seniority.choices, blank=True, help_text="Leave empty for any."
    )
    preferred_cadence = models.CharField(max_length=16, choices=Cadence.choices, blank=True)
    preferred_involvement = models.CharField(max_length=16, choices=Involvement.choices, blank=True)
    preferred_channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    languages = models.CharField(max_length=200, default="English", help_text="Comma-separated.")
    timezone_tolerance_hours = models.PositiveSmallIntegerField(
        default=6, help_text="How many hours apart your mentor may be."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    @property
    def tag_list(self) -> list[str]:
        return split_list(self.tags)

    @property
    def language_list(self) -> list[str]:
        return split_list(self.languages)


class MentorNote(models.Model):
    """A mentor's private note about a mentee; never shown to the mentee or anyone else."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_notes_written"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["mentor", "student"], name="mentornote_mentor_student")]

    def __str__(self) -> str:
        return f"Note by {self.mentor_id} on {self.student_id}"


class Programme(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    # Who runs the programme: all coordinators have the same rights, and who counts as
    # one is answered by ``selectors.coordinated_programme_ids`` alone.
    coordinators: models.ManyToManyField[User, ProgrammeCoordinator] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ProgrammeCoordinator",
        through_fields=("programme", "user"),
        related_name="programmes_coordinated",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeCoordinator(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="coordinator_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="one_coordinator_link")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} coordinates {self.programme_id}"


class Invitation(models.Model):
    """An emailed offer that the person with that confirmed address accepts once."""

    email = models.EmailField()
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class CoordinatorInvitation(Invitation):
    """An offer to co-coordinate a programme, sent by one of its coordinators or staff.
    Accepting it is the only way besides staff to become a coordinator."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="coordinator_invitations"
    )

    class Meta(Invitation.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "email"], name="one_coordinator_invitation_per_email"
            )
        ]
        indexes = [
            # The daily cap counts one inviter's recent invitations.
            models.Index(fields=["invited_by", "created_at"], name="coordinvite_inviter_created")
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to coordinate {self.programme}"


class MemberRole(models.TextChoices):
    STUDENT = "student", "Student"
    MENTOR = "mentor", "Mentor"


class Cohort(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.programme} · {self.name}"


class CohortMembership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    role = models.CharField(max_length=16, choices=MemberRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user", "role"], name="one_membership_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort} as {self.role}"


class CohortInvitation(Invitation):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=MemberRole.choices)

    class Meta(Invitation.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "email", "role"], name="one_invitation_per_email_role"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.cohort}"


class MatchingRound(models.Model):
    # What a coordinator may change before the round runs (besides its name).
    SETTING_FIELDS = (
        "algorithm",
        "collect_choices",
        "weight_interest",
        "weight_tags",
        "weight_style",
        "weight_seniority",
        "weight_timezone",
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for choices"
        RUNNING = "running", "Matching…"
        DONE = "done", "Proposed"
        FAILED = "failed", "Failed"
        PUBLISHED = "published", "Published"

    class Algorithm(models.TextChoices):
        STABLE = "stable", "Stable (student-proposing deferred acceptance)"
        OPTIMAL = "optimal", "Optimal (maximum total fit)"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    algorithm = models.CharField(max_length=16, choices=Algorithm.choices, default=Algorithm.STABLE)
    collect_choices = models.BooleanField("collect ranked choices from students", default=True)
    weight_interest = models.FloatField(default=0.4)
    weight_tags = models.FloatField(default=0.25)
    weight_style = models.FloatField(default=0.15)
    weight_seniority = models.FloatField(default=0.1)
    weight_timezone = models.FloatField(default=0.1)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ran_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def collects_choices(self) -> bool:
        """Students may rank mentors in this round now."""
        return self.status == self.Status.OPEN and self.collect_choices

    @property
    def weights(self) -> dict[str, float]:
        return {
            "interest": self.weight_interest,
            "tags": self.weight_tags,
            "style": self.weight_style,
            "seniority": self.weight_seniority,
            "timezone": self.weight_timezone,
        }

    @property
    def is_busy(self) -> bool:
        return self.status == self.Status.RUNNING


class RoundChoice(models.Model):
    """A student's ranked choice of mentor within a round (rank 1 is the first choice)."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="choices")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "student", "rank"], name="one_choice_per_rank"
            ),
            models.UniqueConstraint(
                fields=["round", "student", "mentor"], name="one_rank_per_mentor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} ranks {self.mentor_id} #{self.rank}"


class ProposedPair(models.Model):
    """One student's outcome in a round: a proposed mentor, or none with the reason."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="pairs")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(default=0)
    components = models.JSONField(default=dict, blank=True)
    explanation = models.TextField(blank=True)
    # 1 = the student's first preference (their ranked choice, or best fit).
    rank_obtained = models.PositiveSmallIntegerField(null=True, blank=True)
    locked = models.BooleanField(default=False)
    unmatched_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["student__display_name", "student_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "student"], name="one_pair_per_student")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} → {self.mentor_id}"

    @property
    def percent(self) -> int:
        """The proposed pair's fit as people see it everywhere (``fit.fit_percent``)."""
        return fit_percent(self.score)
