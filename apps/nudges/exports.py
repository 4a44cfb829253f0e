from typing import Any

from django.db.models import Q

from apps.core.registry import data_exporters, personal_data_erasers
from apps.matching.selectors import mentorships_of
from apps.nudges.models import (
    Kind,
    KindPreference,
    Notification,
    NudgeSettings,
    OutboxMessage,
    Snooze,
)


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
            for m in OutboxMessage.objects.filter(user=user).order_by("created_at", "id")
        ],
    }


# Other people's reminders that name a person: those about a mentorship with them (keyed
# by the mentorship) and a mentor's weekly summary, which lists mentees by name.
MENTORSHIP_KINDS = (
    Kind.MENTORSHIP_REQUEST,
    Kind.MENTORSHIP_ACCEPTED,
    Kind.MENTORSHIP_DECLINED,
    Kind.MENTORSHIP_MATCHED,
    Kind.MENTORSHIP_EXPIRING,
)


@personal_data_erasers.register("nudges")
def erase(user) -> None:
    """Remove other people's notifications (and their emails' records) that name the
    person being deleted; the person's own go with them by the foreign key."""
    mentorships = mentorships_of(user=user)
    partners = set(mentorships.values_list("student_id", flat=True)) | set(
        mentorships.values_list("mentor_id", flat=True)
    )
    partners.discard(user.pk)
    names = {user.email, user.display_name.strip()} - {""}
    naming = Q()
    for name in names:
        naming |= Q(title__contains=name) | Q(body__contains=name)
    about = Notification.objects.filter(user_id__in=partners).filter(
        Q(kind__in=MENTORSHIP_KINDS, object_id__in=mentorships.values("pk"))
        | (Q(kind=Kind.MENTOR_WEEKLY) & naming)
    )
    ids = list(about.values_list("pk", flat=True))
    OutboxMessage.objects.filter(notification_id__in=ids).delete()
    Notification.objects.filter(pk__in=ids).delete()
