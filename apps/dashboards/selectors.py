"""Reads for the mentor dashboard and the mentee page. The figures come from
``figures.py`` (composed from the owning apps' selectors), each area limited to the
mentees who share it by matching's ``mentee_ids_sharing``, so an unshared area never
leaves the database. Each page runs a fixed number of queries, whatever the number of
mentees, milestones or items."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from apps.dashboards.figures import (
    AMBER,
    AREAS,
    INACTIVE_AMBER_DAYS,
    RED,
    Figures,
    Person,
    display_name,
    figures_by_person,
    figures_of,
)
from apps.matching.models import MentorNote, Mentorship
from apps.matching.selectors import mentee_ids_sharing, sharing_decisions
from apps.milestones.selectors import (
    checkins_of,
    open_milestones,
    percent,
    plans_with_progress,
    recent_comments_for,
    recent_completions,
)
from apps.research.models import ACTIVE_STAGES
from apps.research.selectors import drafts_for_owner, followups_due, outreach_by_status

if TYPE_CHECKING:
    from apps.accounts.models import User

__all__ = ["AMBER", "RED", "Figures"]


@functools.cache
def _url_pattern(name: str) -> str:
    marker = 2_147_483_647
    return reverse(name, args=[marker]).replace(str(marker), "{}")


def id_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for URLs taking one id, without resolving the pattern
    each time: the mentor table needs a hundred of them per page."""
    return _url_pattern(name).format(int(pk))


# --- Mentor dashboard --------------------------------------------------------------------

SORT_KEYS: dict[str, Any] = {
    "worry": lambda r: r.worry,
    "name": lambda r: r.name.lower(),
    "progress": lambda r: (r.shares["plan"], r.plan_pct),
    "overdue": lambda r: (r.shares["plan"], r.overdue),
    "deadline": lambda r: (r.next_deadline is None, r.next_deadline or dt.date.max),
    "reading": lambda r: (r.shares["reading"], r.reading_pct),
    "reviews": lambda r: (r.shares["reading"], r.cards_due),
    "activity": lambda r: r.last_activity or dt.datetime.min.replace(tzinfo=dt.UTC),
}
SORT_LABELS = {
    "worry": "Most worrying first",
    "name": "Name",
    "progress": "Plan progress",
    "overdue": "Overdue milestones",
    "deadline": "Next deadline",
    "reading": "Reading progress",
    "reviews": "Reviews due",
    "activity": "Last activity",
}
FILTERS = {
    "all": "All active mentees",
    "flagged": "Flagged (amber or red)",
    "red": "Red only",
    "overdue": "With overdue milestones",
    "inactive": f"Inactive {INACTIVE_AMBER_DAYS}+ days",
}
RECENT_LIMIT = 8


def _rows(mentor: User, *, statuses: Sequence[str], now: dt.datetime) -> list[Figures]:
    """The mentor's mentorships in ``statuses``, oldest first, the active ones with their
    mentee's figures (one query for the mentorships, then each area's grouped queries)."""
    mentorships: list[Any] = list(
        Mentorship.objects.filter(mentor=mentor, status__in=statuses)
        .order_by("created_at", "pk")
        .values(
            "pk",
            "status",
            "created_at",
            "student_id",
            "student__display_name",
            "student__email",
            "student__last_login",
            **sharing_decisions(areas=AREAS),
        )
    )
    # Who may be seen in each area, decided by matching on the rows just fetched.
    visible = {
        area: [m["student_id"] for m in mentorships if m[f"shares_{area}"]] for area in AREAS
    }
    found = figures_by_person(visible=visible, now=now)
    rows = []
    for m in mentorships:
        person = Person(
            student_id=m["student_id"],
            name=display_name(m["student__display_name"], m["student__email"]),
            last_login=m["student__last_login"],
            mentorship_id=m["pk"],
            shares={area: m[f"shares_{area}"] for area in AREAS},
        )
        row = figures_of(person, found.get(m["student_id"], {}), now=now)
        row.status, row.created_at = m["status"], m["created_at"]
        rows.append(row)
    return rows


def mentee_rows_sorted(
    rows: list[Figures],
    *,
    sort: str = "worry",
    descending: bool = False,
    filter_by: str = "all",
    query: str = "",
) -> list[Figures]:
    """Filter and order the table in Python: the rows are already aggregated, at most a
    mentor's capacity of them."""
    if filter_by == "flagged":
        rows = [r for r in rows if r.level]
    elif filter_by == "red":
        rows = [r for r in rows if r.level == RED]
    elif filter_by == "overdue":
        rows = [r for r in rows if r.overdue]
    elif filter_by == "inactive":
        rows = [r for r in rows if r.inactive]
    query = query.strip().lower()
    if query:
        rows = [r for r in rows if query in r.name.lower()]
    key = SORT_KEYS.get(sort, SORT_KEYS["worry"])
    return sorted(rows, key=key, reverse=descending)


def mentor_dashboard(*, mentor: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """The mentor dashboard's data: the mentorships with the table's figures (kept
    per mentee between views, see ``kept.py``), and the recent completions, in a fixed
    number of queries."""
    now = now or timezone.now()
    statuses = [Mentorship.Status.ACTIVE, Mentorship.Status.PENDING]
    everyone = _rows(mentor, statuses=statuses, now=now)
    rows = [r for r in everyone if r.status == Mentorship.Status.ACTIVE]
    pending = [r for r in everyone if r.status == Mentorship.Status.PENDING]
    names = {r.student_id: r.name for r in rows}
    recent = [
        {
            **r,
            "name": names.get(r["student_id"], ""),
            "mentee_url": id_url("dashboards:mentee", r["student_id"]),
            "url": id_url("milestones:milestone_detail", r["pk"]),
        }
        for r in recent_completions(
            owners=mentee_ids_sharing(mentor=mentor, area="plan"), limit=RECENT_LIMIT
        )
    ]
    return {
        "rows": rows,
        "recent": recent,
        "pending": pending[:10],
        "pending_total": len(pending),
        "red": sum(1 for r in rows if r.level == RED),
        "amber": sum(1 for r in rows if r.level == AMBER),
    }


# --- Drill-down to one mentee ---------------------------------------------------------------


def mentee_detail(*, mentorship: Mentorship, now: dt.datetime | None = None) -> dict[str, Any]:
    """What one mentee shares with their mentor, area by area; an unshared area is
    ``None`` (the template says "not shared") and its queries never run. Every read is
    limited by the same sharing subquery as the mentor table, narrowed to this mentee."""
    now = now or timezone.now()
    mentor, student = mentorship.mentor, mentorship.student
    shared = {
        area: mentee_ids_sharing(mentor=mentor, area=area).filter(student_id=student.pk)
        for area in AREAS
        if getattr(mentorship, f"share_{area}")
    }
    person = Person(
        student_id=student.pk,
        name=student.name,
        last_login=student.last_login,
        mentorship_id=mentorship.pk,
        shares={area: area in shared for area in AREAS},
    )
    # The figures are kept per person: ask the same selector which areas it lets through.
    decisions = (
        dict(
            Mentorship.objects.filter(pk=mentorship.pk)
            .values(**sharing_decisions(areas=list(shared)))
            .get()
        )
        if shared
        else {}
    )
    visible = {area: [student.pk] for area in shared if decisions[f"shares_{area}"]}
    found = figures_by_person(visible=visible, now=now)
    figures = figures_of(person, found.get(student.pk, {}), now=now)
    detail: dict[str, Any] = {
        "figures": figures,
        "plan": None,
        "reading": None,
        "papers": None,
        "outreach": None,
    }
    if "plan" in shared:
        owners = shared["plan"]
        plans = list(plans_with_progress(owners=owners).order_by("-is_primary", "title"))
        for p in plans:
            p.pct = percent(p.done, p.total)  # type: ignore[attr-defined]
        detail["plan"] = {
            "plans": plans,
            "open_milestones": open_milestones(owners=owners, limit=12),
            "comments": list(recent_comments_for(owners=owners, limit=10)),
            "checkins": checkins_of(owners=owners, limit=5),
        }
    if "reading" in shared:
        detail["reading"] = True
    if "papers" in shared:
        detail["papers"] = list(
            drafts_for_owner(owner=student, now=now).filter(
                owner_id__in=shared["papers"], stage__in=ACTIVE_STAGES
            )[:10]
        )
    if "outreach" in shared:
        detail["outreach"] = {
            "by_status": outreach_by_status(owners=shared["outreach"]),
            "followups": list(
                followups_due(user=student, now=now).filter(owner_id__in=shared["outreach"])[:5]
            ),
        }
    detail["notes"] = list(
        MentorNote.objects.filter(mentor=mentor, student=student).order_by("-created_at")[:5]
    )
    return detail
