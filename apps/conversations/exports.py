"""The person's messages in their data download. Account deletion needs no eraser here:
messages go with their author (``Message.author``) and whole threads with the
mentorship (``Message.mentorship``), both by cascade; notifications quoting the person's
messages go through the rule's ``about_person`` (see ``nudges.py``)."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import User
from apps.conversations.models import Message, ReadMark
from apps.core.registry import data_exporters


@data_exporters.register("conversations", order=15)
def export(user: User) -> dict[str, Any]:
    """Messages the person wrote (what others wrote to them is theirs to export) and how
    far the person has read each thread."""
    written = Message.objects.filter(author=user).select_related(
        "mentorship__student", "mentorship__mentor"
    )
    return {
        "messages": [
            {
                "mentorship": m.mentorship_id,
                "to": (
                    m.mentorship.mentor.email
                    if m.mentorship.student_id == user.pk
                    else m.mentorship.student.email
                ),
                "body": m.body,
                "created_at": m.created_at.isoformat(),
                "edited_at": m.edited_at.isoformat() if m.edited_at else None,
            }
            for m in written.order_by("id")
        ],
        "read_positions": [
            {
                "mentorship": r.mentorship_id,
                "last_read_message": r.last_read_id,
                "read_at": r.read_at.isoformat(),
            }
            for r in ReadMark.objects.filter(user=user).order_by("mentorship_id")
        ],
    }
