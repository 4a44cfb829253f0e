from typing import Any

from django.db.models import Q

from apps.core.registry import data_exporters, personal_data_erasers
from apps.nudges.models import (
    KindPreference,
    Notification,
    NudgeSettings,
    OutboxMessage,
    Snooze,
)
from apps.nudges.rules import all_rules


@data_exporters.register("nudges", order=90)
def export_nudges(user) -> dict[str, Any]:
    settings_row = NudgeSettings.objects.filter(user=user).first()
    return {
        "settings": None
        if settings_row is None
        else {
            "digest_hour": settings_row.digest_hour,
            "weekly_day": settings_row.weekly_day,
            "weekdays_only": settings_row.weekdays_only,
            "paused_until": settings_row.paused_until.isoformat()
            if settings_row.paused_until
            else None,
        },
        "preferences": dict(
            KindPreference.objects.filter(user=user).order_by("kind").values_list("kind", "mode")
        ),
        "notifications": [
            # The words as the person saw them, rendered from the kind's template.
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
                "emailed_at": n.emailed_at.isoformat() if n.emailed_at else None,
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "id")
        ],
        "snoozes": [
            {"kind": z.kind, "object_id": z.object_id, "until": z.until.isoformat()}
            for z in Snooze.objects.filter(user=user).order_by("until", "id")
        ],
        "emails": [
            {
                "kind": m.kind,
                "subject": m.subject,
                "status": m.status,
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in OutboxMessage.objects.to_people([user.pk]).order_by("created_at", "id")
        ],
    }


@personal_data_erasers.register("nudges")
def erase(user) -> None:
    """Remove other people's notifications (and their emails' records) that name the
    person being deleted, as each kind's rule recognises them (a request from them, a
    summary listing them); the person's own go with them by the foreign key."""
    naming = Q()
    for rule in all_rules():
        if rule.about_person is not None:
            naming |= Q(kind=rule.kind) & rule.about_person(user)
    if not naming:
        return
    # Their emails' records go with them (the outbox rows' foreign key cascades).
    Notification.objects.filter(naming).exclude(user=user).delete()
