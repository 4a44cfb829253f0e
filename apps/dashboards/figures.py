"""A person's figures as every dashboard, page and export shows them, composed from the
selectors of the apps that own them, in bulk for many people.

Sharing is decided once, by the caller, as the ids of visible people per area (from
matching's sharing decisions on the mentorships, or the programme's students for the
coordinator): an area without them is not looked at, and a person outside them gets no
figures for it. Each area costs a fixed number of grouped queries, whatever the number
of people or rows, and only for people whose kept figures (``kept.py``) are missing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from apps.core.person_versions import VALUE_SECONDS, person_versions
from apps.core.registry import dashboard_figures
from apps.dashboards.kept import kept_entry, kept_key, still_true
from apps.milestones.selectors import percent

logger = logging.getLogger(__name__)

AREAS = ("plan", "reading", "papers", "outreach")
AMBER, RED = 1, 2

# --- Flag thresholds (amber, red) ------------------------------------------------------

INACTIVE_AMBER_DAYS, INACTIVE_RED_DAYS = 14, 28
# Any overdue milestone is amber; many of them, or one a month late, is red.
OVERDUE_RED, OVERDUE_RED_DAYS = 3, 28
DEADLINE_AMBER_DAYS, DEADLINE_RED_DAYS = 7, 2


@dataclass
class Flag:
    level: int
    text: str
    kind: str = ""  # inactive, overdue, deadline

    @property
    def css(self) -> str:
        return "danger" if self.level == RED else "warning"

    @property
    def label(self) -> str:
        return "Red" if self.level == RED else "Amber"


@dataclass
class Figures:
    """What one person's dashboards say about them; an area the viewer may not see
    keeps its zeros and ``shares[area]`` is False."""

    student_id: int
    name: str
    shares: dict[str, bool]
    last_login: dt.datetime | None = None
    plan_total: int = 0
    plan_done: int = 0
    plan_skipped: int = 0
    overdue: int = 0
    oldest_overdue: dt.date | None = None
    next_milestone: dt.date | None = None
    next_paper_deadline: dt.datetime | None = None
    early_draft_deadline: dt.datetime | None = None
    reading_total: int = 0
    reading_done: int = 0
    reading_in_progress: int = 0
    cards_due: int = 0
    changes: list[dt.datetime] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    overdue_days: int = 0
    mentorship_id: int = 0
    status: str = ""  # the mentorship's, on the mentor dashboard
    created_at: dt.datetime | None = None

    @property
    def plan_pct(self) -> int:
        return percent(self.plan_done, self.plan_total)

    @property
    def reading_pct(self) -> int:
        return percent(self.reading_done, self.reading_total)

    @property
    def last_activity(self) -> dt.datetime | None:
        """The latest of signing in and changing anything in an area the viewer sees."""
        present = [t for t in (self.last_login, *self.changes) if t is not None]
        return max(present) if present else None

    @property
    def level(self) -> int:
        return max((f.level for f in self.flags), default=0)

    @property
    def level_label(self) -> str:
        return {RED: "red", AMBER: "amber"}.get(self.level, "ok")

    @property
    def inactive(self) -> bool:
        return any(f.kind == "inactive" for f in self.flags)

    @property
    def flag_summary(self) -> str:
        return "; ".join(f.text for f in self.flags) or "On track"

    @property
    def next_deadline(self) -> dt.date | None:
        """The sooner of the next open milestone and the next venue deadline (local date)."""
        paper = (
            timezone.localtime(self.next_paper_deadline).date()
            if self.next_paper_deadline
            else None
        )
        dates = [d for d in (self.next_milestone, paper) if d is not None]
        return min(dates) if dates else None

    @property
    def next_deadline_kind(self) -> str:
        if self.next_deadline is None:
            return ""
        return "Milestone" if self.next_deadline == self.next_milestone else "Paper deadline"

    @property
    def worry(self) -> tuple:
        """Sort key, most worrying first: worst flag, number of flags, overdue count,
        longest silence."""
        last = self.last_activity
        silence = last.timestamp() if last else 0.0
        return (-self.level, -len(self.flags), -self.overdue, silence, self.name.lower())


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def overdue_text(count: int, days: int) -> str:
    """ "1 overdue by 3 days", "2 overdue, one by 30 days"."""
    if count == 1:
        return f"1 overdue by {_days(days)}"
    return f"{count} overdue, one by {_days(days)}"


def flags_for(f: Figures, *, now: dt.datetime) -> list[Flag]:
    """The one definition of the amber and red flags and of their reasons."""
    flags: list[Flag] = []
    last = f.last_activity
    idle_days = (now - last).days if last else None
    if idle_days is None or idle_days >= INACTIVE_AMBER_DAYS:
        level = RED if idle_days is None or idle_days >= INACTIVE_RED_DAYS else AMBER
        text = "No activity yet" if idle_days is None else f"Inactive for {idle_days} days"
        flags.append(Flag(level, text, "inactive"))
    if f.overdue:
        late = f.overdue >= OVERDUE_RED or f.overdue_days >= OVERDUE_RED_DAYS
        flags.append(
            Flag(RED if late else AMBER, overdue_text(f.overdue, f.overdue_days), "overdue")
        )
    if f.early_draft_deadline is not None:
        left = f.early_draft_deadline - now
        if left <= dt.timedelta(days=DEADLINE_AMBER_DAYS):
            level = RED if left <= dt.timedelta(days=DEADLINE_RED_DAYS) else AMBER
            days = max(0, left.days)
            flags.append(
                Flag(level, f"Deadline in {days} days, draft not past drafting", "deadline")
            )
    return flags


@dataclass
class Person:
    student_id: int
    name: str
    last_login: dt.datetime | None
    mentorship_id: int = 0
    shares: dict[str, bool] = field(default_factory=dict)


def display_name(display: str, email: str) -> str:
    return display or email.split("@")[0]


def figures_by_person(
    *, visible: Mapping[str, Collection[int]], now: dt.datetime
) -> dict[int, dict[str, dict[str, Any]]]:
    """Each person's figures, area by area: ``{person_id: {area: {key: value}}}``.
    ``visible[area]`` is the ids of who may be seen in that area (decided by matching's
    selector); an area absent from ``visible`` is not read, and a person outside it gets
    no figures for it.

    Figures are kept per person (``apps/dashboards/kept.py``): figures that change
    with time alone say when (``changes_at``: the next deadline or card falling due).
    Whoever is missing is read with the owning app's few grouped queries, whatever the
    number of people."""
    areas = dict(dashboard_figures.items())
    wanted = {area: list(ids) for area, ids in visible.items() if area in areas and ids}
    try:
        versions = person_versions({pk for ids in wanted.values() for pk in ids})
        keys = {pk: kept_key("figures", pk, version, now) for pk, version in versions.items()}
        found = cache.get_many(list(keys.values()))
    except Exception:
        logger.warning("Figures read without the cache", exc_info=True)
        return _merge({area: areas[area](people=ids, now=now) for area, ids in wanted.items()})
    # One entry per person, one kept entry per area in it.
    kept = {pk: found.get(key, {}) for pk, key in keys.items()}
    missing: dict[str, list[int]] = {}
    for area, ids in wanted.items():
        for pk in ids:
            entry = kept[pk].get(area)
            if entry is None or not still_true(entry, now):
                missing.setdefault(area, []).append(pk)
    changed: set[int] = set()
    for area, ids in missing.items():
        read = areas[area](people=ids, now=now)
        for pk in ids:
            figures = read.get(pk, {})
            entry = kept_entry(figures, now=now, changes_at=figures.get("changes_at"))
            kept[pk] = {**kept[pk], area: entry}
            changed.add(pk)
    if changed:
        try:
            cache.set_many({keys[pk]: kept[pk] for pk in changed}, timeout=VALUE_SECONDS)
        except Exception:
            logger.warning("Could not keep %d people's figures", len(changed), exc_info=True)
    return _merge(
        {area: {pk: kept[pk][area]["value"] for pk in ids} for area, ids in wanted.items()}
    )


def _merge(
    by_area: Mapping[str, Mapping[int, dict[str, Any]]],
) -> dict[int, dict[str, dict[str, Any]]]:
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for area, people in by_area.items():
        for pk, figures in people.items():
            if figures:
                out.setdefault(pk, {})[area] = figures
    return out


def figures_of(
    person: Person, areas: Mapping[str, Mapping[str, Any]], *, now: dt.datetime
) -> Figures:
    """A person's ``Figures`` from their entry in ``figures_by_person`` (an area they
    have no figures in keeps its zeros)."""
    f = Figures(
        student_id=person.student_id,
        name=person.name,
        shares=person.shares,
        last_login=person.last_login,
        mentorship_id=person.mentorship_id,
    )
    if plan := areas.get("plan"):
        f.plan_total, f.plan_done, f.plan_skipped = plan["total"], plan["done"], plan["skipped"]
        f.overdue, f.oldest_overdue = plan["overdue"], plan["oldest_overdue"]
        f.next_milestone = plan["next_due"]
        f.changes.append(plan["last_change"])
        if f.oldest_overdue is not None:
            f.overdue_days = (timezone.localdate(now) - f.oldest_overdue).days
    if papers := areas.get("papers"):
        f.next_paper_deadline = papers["next_deadline"]
        f.early_draft_deadline = papers["early_deadline"]
        f.changes.append(papers["last_change"])
    if reading := areas.get("reading"):
        f.reading_total, f.reading_done = reading["total"], reading["done"]
        f.reading_in_progress, f.cards_due = reading["reading"], reading["cards_due"]
        f.changes += [reading["last_progress"], reading["last_review"]]
    f.flags = flags_for(f, now=now)
    return f
