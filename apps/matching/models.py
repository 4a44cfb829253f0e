from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


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
