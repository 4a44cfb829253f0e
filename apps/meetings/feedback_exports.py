"""The person's own answers after meetings, in their data download (registered from
``exports``, where the registry looks). Deletion needs no eraser: answers cascade from
their author and from the meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.core.registry import data_exporters
from apps.meetings.models import MeetingFeedback

if TYPE_CHECKING:
    from apps.accounts.models import User


@data_exporters.register("meeting_feedback", order=56)
def export_meeting_feedback(user: User) -> dict[str, Any]:
    """The person's own answers after meetings (never the other person's)."""
    answers = (
        MeetingFeedback.objects.filter(author=user)
        .select_related("meeting")
        .order_by("meeting__during", "pk")
    )
    return {
        "answers": [
            {
                "meeting_purpose": a.meeting.purpose,
                "meeting_start": a.meeting.start.isoformat(),
                "useful": a.useful,
                "fit": a.fit,
                "note_to_coordinator": a.note_to_coordinator,
                "given_at": a.created_at.isoformat(),
                "changed_at": a.updated_at.isoformat(),
            }
            for a in answers
        ]
    }
