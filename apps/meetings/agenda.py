"""The first draft of a meeting's agenda, written when the meeting is booked."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apps.meetings.models import Meeting


def draft_agenda(*, meeting: Meeting) -> str:
    return f"- {meeting.purpose}\n"
