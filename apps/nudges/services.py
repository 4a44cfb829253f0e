"""The nudges app's writes, as other apps and the views call them.

The work is split by responsibility: ``sweep`` (due things become notifications and
outbox rows), ``delivery`` (claim, send, mark), ``preferences`` and ``snoozes``; this
module gathers their public functions and holds the notification centre's own writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from apps.nudges.delivery import (
    SendResult,
    failure_reason,
    is_transient,
    outbox_claim,
    outbox_send_batch,
    outbox_send_due,
    retry_delay,
)
from apps.nudges.models import Notification
from apps.nudges.preferences import preferences_unsubscribe, preferences_update
from apps.nudges.rules import all_rules, rules_clear
from apps.nudges.snoozes import SNOOZE_CHOICES, notification_snooze, snooze_set
from apps.nudges.sweep import SweepResult, nudges_rule_run, nudges_sweep, outbox_sends_needed

if TYPE_CHECKING:
    from apps.accounts.models import User

__all__ = [
    "SNOOZE_CHOICES",
    "SendResult",
    "SweepResult",
    "failure_reason",
    "is_transient",
    "notification_mark_read",
    "notification_snooze",
    "notifications_clear_stale",
    "notifications_mark_all_read",
    "nudges_rule_run",
    "nudges_sweep",
    "outbox_claim",
    "outbox_send_batch",
    "outbox_send_due",
    "outbox_sends_needed",
    "preferences_unsubscribe",
    "preferences_update",
    "retry_delay",
    "snooze_set",
]


def notifications_clear_stale(*, user: User) -> int:
    """Clear this person's unsent nudges that stopped being true (a reply logged, a
    milestone done), so the notification centre never lists them."""
    return rules_clear(rules=all_rules(), now=timezone.now(), user_ids=[user.pk])


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
