from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.forms.models import model_to_dict

from apps.accounts.models import User
from apps.core.registry import data_exporters
from apps.matching.models import (
    MentorNote,
    MentorProfile,
    Mentorship,
    RoundChoice,
    StudentPreferences,
)


def _plain(obj: Model | None, exclude: tuple[str, ...] = ("id", "user")) -> dict | None:
    if obj is None:
        return None
    return {k: v for k, v in model_to_dict(obj).items() if k not in exclude}


@data_exporters.register("matching", order=10)
def export(user: User) -> dict[str, Any]:
    """The person's profiles, preferences, mentorships and the private notes they wrote
    (notes others wrote about them stay private to their authors)."""
    mentorships = Mentorship.objects.filter(student=user) | Mentorship.objects.filter(mentor=user)
    return {
        "mentor_profile": _plain(MentorProfile.objects.filter(user=user).first()),
        "student_preferences": _plain(StudentPreferences.objects.filter(user=user).first()),
        "mentorships": [
            {
                "student": m.student.email,
                "mentor": m.mentor.email,
                "status": m.status,
                "message": m.message,
                "response_note": m.response_note,
                "end_reason": m.end_reason,
                "sharing": {a: m.shares(a) for a in ("plan", "reading", "papers", "outreach")},
                "created_at": m.created_at.isoformat(),
                "started_at": m.started_at.isoformat() if m.started_at else None,
                "ended_at": m.ended_at.isoformat() if m.ended_at else None,
            }
            for m in mentorships.select_related("student", "mentor").order_by("created_at")
        ],
        "round_choices": [
            {"round": c.round.name, "mentor": c.mentor.email, "rank": c.rank}
            for c in RoundChoice.objects.filter(student=user).select_related("round", "mentor")
        ],
        "mentor_notes_written": [
            {"about": n.student.email, "body": n.body, "created_at": n.created_at.isoformat()}
            for n in MentorNote.objects.filter(mentor=user).select_related("student")
        ],
    }
