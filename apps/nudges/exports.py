from typing import Any

from apps.core.registry import data_exporters
from apps.nudges.models import KindPreference, Notification, NudgeSettings, OutboxMessage


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
        "emails": [
            {
                "kind": m.kind,
                "subject": m.subject,
                "status": m.status,
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in OutboxMessage.objects.filter(user=user).order_by("created_at", "id")
        ],
    }
