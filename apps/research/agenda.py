"""What a meeting's agenda says about research activity: paper drafts within 30 days of
their venue's deadline (when papers are shared) and outreach follow-ups due by the
meeting (when outreach is shared)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.core.agenda_items import AgendaItem
from apps.core.registry import agenda_sources
from apps.matching.models import ShareArea
from apps.matching.selectors import mentee_ids_sharing
from apps.research.models import deadline_name
from apps.research.selectors import (
    drafts_with_upcoming_deadlines,
    followups_due,
    user_local_date,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

DEADLINE_WINDOW_DAYS = 30
PER_SECTION = 8

DRAFTS = "Paper drafts near a deadline"
FOLLOW_UPS = "Outreach follow-ups due"


@agenda_sources.register(ShareArea.PAPERS.value, order=20)
def papers_agenda(
    *, student: User, mentor: User, since: dt.datetime, until: dt.datetime
) -> list[AgendaItem]:
    # Within 30 days of a deadline on the meeting's day, or already now: a deadline that
    # falls before the meeting still deserves a word when the booking is made.
    now = timezone.now()
    lead_days = max(0, (until - now).days)
    drafts = drafts_with_upcoming_deadlines(
        user=student, now=now, within_days=DEADLINE_WINDOW_DAYS + lead_days
    ).filter(owner_id__in=mentee_ids_sharing(mentor=mentor, area=ShareArea.PAPERS))
    items = []
    for draft in drafts[:PER_SECTION]:
        due_at = draft.next_deadline_at  # type: ignore[attr-defined]
        kind = deadline_name(draft.next_deadline_kind, draft.next_deadline_label or "")  # type: ignore[attr-defined]
        venue = draft.target_venue.title if draft.target_venue else ""
        # On the student's calendar, as their deadline nudges count the days.
        day = user_local_date(user=student, now=due_at)
        items.append(
            AgendaItem(
                DRAFTS,
                f"{draft.title}: {venue} {kind.lower()} on {day.day} {day:%b %Y} "
                f"({draft.get_stage_display().lower()})",
                order=40,
            )
        )
    return items


@agenda_sources.register(ShareArea.OUTREACH.value, order=30)
def outreach_agenda(
    *, student: User, mentor: User, since: dt.datetime, until: dt.datetime
) -> list[AgendaItem]:
    # Due on the student's calendar day of the meeting, as the follow-up nudge counts.
    contacts = followups_due(user=student, now=until).filter(
        owner_id__in=mentee_ids_sharing(mentor=mentor, area=ShareArea.OUTREACH)
    )
    items = []
    for contact in contacts[:PER_SECTION]:
        where = f", {contact.affiliation}" if contact.affiliation else ""
        assert contact.follow_up_on is not None
        day = contact.follow_up_on
        items.append(
            AgendaItem(
                FOLLOW_UPS,
                f"Follow up with {contact.name}{where} (due {day.day} {day:%b %Y})",
                order=50,
            )
        )
    return items
