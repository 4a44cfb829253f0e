"""Reads for the notification centre and the preferences page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from apps.nudges.models import Kind, KindPreference, Notification, NudgeSettings, OutboxMessage
from apps.nudges.rules import default_mode

if TYPE_CHECKING:
    from datetime import datetime

    from apps.accounts.models import User

MENTOR_KINDS = [Kind.MENTORSHIP_REQUEST, Kind.MENTORSHIP_EXPIRING, Kind.MENTOR_WEEKLY]
STUDENT_KINDS = [k for k in Kind.values if k not in MENTOR_KINDS]


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def kinds_for_user(*, user: User) -> list[str]:
    """The kinds worth offering: a student's and a mentor's differ; anyone else sees all."""
    if user.is_student and not user.is_mentor:
        return list(STUDENT_KINDS)
    if user.is_mentor and not user.is_student:
        return list(MENTOR_KINDS)
    return list(Kind.values)


def preferences_for_user(*, user: User) -> tuple[NudgeSettings, dict[str, str]]:
    """The person's settings (unsaved defaults when they never chose) and their
    effective mode for each kind offered to them."""
    settings_row = NudgeSettings.objects.filter(user=user).first() or NudgeSettings(user=user)
    chosen = dict(KindPreference.objects.filter(user=user).values_list("kind", "mode"))
    modes = {kind: chosen.get(kind) or default_mode(kind) for kind in kinds_for_user(user=user)}
    return settings_row, modes


def outbox_due(*, now: datetime) -> QuerySet[OutboxMessage]:
    """Outbox rows a claim at ``now`` would take: pending, due, and not leased by a
    worker (a lease that has run out means that worker died)."""
    return OutboxMessage.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lte=now),
        status=OutboxMessage.Status.PENDING,
        next_attempt_at__lte=now,
    )


def delivery_log_for_coordinator(
    *, coordinator: User, status: str = "", kind: str = ""
) -> QuerySet[OutboxMessage]:
    """Emails to members of the programmes this person coordinates (no one else's)."""
    # Membership is the programmes' business: reached through the person's relations,
    # as the people model exposes them, not through the programmes' tables. Any of a
    # programme's coordinators sees it, while they hold the coordinator role (as the
    # programmes' own access checks require).
    if not coordinator.is_coordinator:
        return OutboxMessage.objects.none()
    members = (
        get_user_model()
        .objects.filter(cohort_memberships__cohort__programme__coordinators=coordinator)
        .values("pk")
    )
    rows = OutboxMessage.objects.to_people(members)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("user", "notification__user").order_by("-created_at", "-id")
