"""The first draft of a meeting's agenda, written when the meeting is booked.

It gathers what changed since the pair's last meeting from every capability's agenda
source (``apps.core.registry.agenda_sources``): each returns only what the mentee shares
with this mentor, so the agenda never shows the mentor more than their pages do."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.core.agenda_items import AgendaItem
from apps.core.registry import agenda_sources

if TYPE_CHECKING:
    from apps.meetings.models import Meeting

# With no earlier meeting of the pair, the agenda looks this far back.
FIRST_LOOKBACK = dt.timedelta(days=30)
NOTHING_NEW = "Nothing new in what is shared since the last meeting."


def agenda_since(*, meeting: Meeting, now: dt.datetime | None = None) -> dt.datetime:
    """The end of the pair's last meeting held before this one, or 30 days back."""
    from apps.meetings.models import Meeting

    now = now or timezone.now()
    previous = (
        Meeting.objects.held(now=now)
        .filter(mentor_id=meeting.mentor_id, student_id=meeting.student_id)
        .filter(during__fully_lt=(meeting.start, None))
        .exclude(pk=meeting.pk)
        .order_by("-during")
        .values_list("during", flat=True)
        .first()
    )
    if previous is not None:
        return previous.upper
    return min(now, meeting.start) - FIRST_LOOKBACK


def agenda_items(*, student, mentor, since: dt.datetime, until: dt.datetime) -> list[AgendaItem]:
    items: list[AgendaItem] = []
    for _area, source in agenda_sources.items():
        items.extend(source(student=student, mentor=mentor, since=since, until=until))
    return items


def compose_agenda(*, purpose: str, items: list[AgendaItem]) -> str:
    """Markdown: the purpose, then one section per heading in the sources' order."""
    sections: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda i: i.order):
        sections.setdefault(item.section, []).append(item.text)
    parts = [f"## Purpose\n\n{purpose.strip()}"] if purpose.strip() else []
    for heading, lines in sections.items():
        parts.append(f"## {heading}\n\n" + "\n".join(f"- {line}" for line in lines))
    if not sections:
        parts.append(NOTHING_NEW)
    return "\n\n".join(parts) + "\n"


def draft_agenda(*, meeting: Meeting) -> str:
    since = agenda_since(meeting=meeting)
    items = agenda_items(
        student=meeting.student, mentor=meeting.mentor, since=since, until=meeting.start
    )
    return compose_agenda(purpose=meeting.purpose, items=items)
