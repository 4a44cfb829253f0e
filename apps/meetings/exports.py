"""A person's meetings and availability in their data download. Deletion needs no
eraser: meetings cascade from either of their two people, availability from its mentor,
and the reminders about a meeting go with the nudge rule's ``about_person``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.core.registry import data_exporters
from apps.meetings.models import AvailabilityException, AvailabilitySettings, WeeklySlot
from apps.meetings.selectors import meetings_for

if TYPE_CHECKING:
    from apps.accounts.models import User


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


@data_exporters.register("meetings", order=45)
def export(user: User) -> dict[str, Any]:
    settings = AvailabilitySettings.objects.filter(mentor=user).first()
    return {
        "availability": {
            "settings": None
            if settings is None
            else {
                "timezone": settings.timezone,
                "meeting_minutes": settings.meeting_minutes,
                "buffer_minutes": settings.buffer_minutes,
                "horizon_days": settings.horizon_days,
                "min_notice_hours": settings.min_notice_hours,
                "weekly_cap": settings.weekly_cap,
                "location": settings.location,
            },
            "weekly": [
                {"weekday": s.weekday, "start": _iso(s.start_time), "end": _iso(s.end_time)}
                for s in WeeklySlot.objects.filter(mentor=user)
            ],
            "exceptions": [
                {
                    "kind": e.kind,
                    "start": _iso(e.during.lower),
                    "end": _iso(e.during.upper),
                    "note": e.note,
                }
                for e in AvailabilityException.objects.filter(mentor=user)
            ],
        },
        "meetings": [
            {
                "role": "mentor" if m.mentor_id == user.pk else "mentee",
                "with": (m.student if m.mentor_id == user.pk else m.mentor).name,
                "start": _iso(m.start),
                "end": _iso(m.end),
                "status": m.status,
                "purpose": m.purpose,
                "location": m.location,
                "agenda": m.agenda,
                "reschedule_reason": m.reschedule_reason,
                "cancel_reason": m.cancel_reason,
                "booked_at": _iso(m.created_at),
            }
            for m in meetings_for(user=user).order_by("during")
        ],
    }
