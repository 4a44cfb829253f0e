"""Reads for the three dashboards. Each page runs a fixed number of set-based queries,
whatever the number of mentees, milestones or items: aggregates are grouped by owner
(``.values("owner").annotate(...)``, or one SQL statement for the mentor table, the
hottest read of the product) or computed in correlated subqueries, never by calling a
per-mentee selector in a loop.

Sharing is enforced inside the SQL: every aggregate over a mentee's area filters its
owner with ``mentee_ids_sharing(mentor=..., area=...)``, so an unshared area never
leaves the database, and the row is marked "not shared" from the mentorship's flags.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from apps.matching.models import CohortMembership, MemberRole, Mentorship, Programme
from apps.matching.selectors import (
    coordinated_programme_ids,
    mentee_ids_sharing,
    programmes_for_coordinator,
)
from apps.milestones.models import CLOSED_STATUSES, Category, Milestone, MilestoneComment, Plan
from apps.milestones.models import Status as MilestoneStatus
from apps.milestones.selectors import percent
from apps.nudges.models import Kind, KindPreference, NudgeSettings, Snooze
from apps.readinglists.models import ReadingList, ReviewCard
from apps.readinglists.selectors import DONE_STATUSES, reading_progress
from apps.research.models import (
    ACTIVE_STAGES,
    PRE_SUBMISSION_STAGES,
    Contact,
    Purpose,
    Stage,
    deadline_name,
)
from apps.research.selectors import drafts_for_owner, followups_due

if TYPE_CHECKING:
    from apps.accounts.models import User

# --- Flag thresholds (amber, red) ------------------------------------------------------

INACTIVE_AMBER_DAYS, INACTIVE_RED_DAYS = 14, 28
OVERDUE_AMBER, OVERDUE_RED = 3, 6
DEADLINE_AMBER_DAYS, DEADLINE_RED_DAYS = 7, 2
# A draft in one of these stages a week before its deadline is at risk; once it is in
# internal review (or later) the text exists and the deadline is no longer alarming.
EARLY_STAGES = (Stage.IDEA, Stage.OUTLINE, Stage.DRAFTING)

AMBER, RED = 1, 2
SHARE_AREAS = ("plan", "reading", "papers", "outreach")

# Snoozing an action on the home page quiets the nudges about the same object too.
SNOOZE_KINDS: dict[str, tuple[str, ...]] = {
    "milestone": (Kind.MILESTONE_DUE, Kind.MILESTONE_OVERDUE),
    "draft": (Kind.DEADLINE_COUNTDOWN, Kind.DRAFT_STALLED),
    "followup": (Kind.FOLLOW_UP_DUE,),
    "cards": (Kind.CARDS_DUE,),
}


def _count_subquery(qs: QuerySet, group_field: str) -> Coalesce:
    """``COUNT(*)`` of a correlated queryset as an integer column (0 when empty)."""
    return Coalesce(
        Subquery(
            qs.order_by().values(group_field).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _max_subquery(qs: QuerySet, group_field: str, value_field: str) -> Subquery:
    return Subquery(
        qs.order_by().values(group_field).annotate(m=Max(value_field)).values("m")[:1],
        output_field=DateTimeField(),
    )


@functools.cache
def _url_pattern(name: str) -> str:
    marker = 2_147_483_647
    return reverse(name, args=[marker]).replace(str(marker), "{}")


def id_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for URLs taking one id, without resolving the pattern
    each time: the mentor table needs a hundred of them per page."""
    return _url_pattern(name).format(int(pk))


def _latest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


# --- Mentor dashboard --------------------------------------------------------------------


@dataclass
class Flag:
    level: int
    text: str

    @property
    def css(self) -> str:
        return "danger" if self.level == RED else "warning"

    @property
    def label(self) -> str:
        return "Red" if self.level == RED else "Amber"


@dataclass
class MenteeRow:
    mentorship_id: int
    student_id: int
    name: str
    shares: dict[str, bool]
    plan_total: int = 0
    plan_done: int = 0
    overdue: int = 0
    next_milestone: dt.date | None = None
    next_paper_deadline: dt.datetime | None = None
    early_draft_deadline: dt.datetime | None = None
    reading_total: int = 0
    reading_done: int = 0
    cards_due: int = 0
    last_activity: dt.datetime | None = None
    flags: list[Flag] = field(default_factory=list)

    @property
    def plan_pct(self) -> int:
        return percent(self.plan_done, self.plan_total)

    @property
    def reading_pct(self) -> int:
        return percent(self.reading_done, self.reading_total)

    @property
    def level(self) -> int:
        return max((f.level for f in self.flags), default=0)

    @property
    def level_label(self) -> str:
        return {RED: "red", AMBER: "amber"}.get(self.level, "ok")

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
        silence = self.last_activity.timestamp() if self.last_activity else 0.0
        return (-self.level, -len(self.flags), -self.overdue, silence, self.name.lower())


def mentee_flags(row: MenteeRow, *, now: dt.datetime) -> list[Flag]:
    flags: list[Flag] = []
    idle_days = (now - row.last_activity).days if row.last_activity else None
    if idle_days is None or idle_days >= INACTIVE_AMBER_DAYS:
        level = RED if idle_days is None or idle_days >= INACTIVE_RED_DAYS else AMBER
        text = "No activity yet" if idle_days is None else f"Inactive for {idle_days} days"
        flags.append(Flag(level, text))
    if row.overdue >= OVERDUE_AMBER:
        flags.append(
            Flag(RED if row.overdue >= OVERDUE_RED else AMBER, f"{row.overdue} overdue milestones")
        )
    if row.early_draft_deadline is not None:
        left = row.early_draft_deadline - now
        if left <= dt.timedelta(days=DEADLINE_AMBER_DAYS):
            level = RED if left <= dt.timedelta(days=DEADLINE_RED_DAYS) else AMBER
            days = max(0, left.days)
            flags.append(Flag(level, f"Deadline in {days} days, draft not past drafting"))
    return flags


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


MENTORSHIP_FIELDS = (
    "pk",
    "status",
    "created_at",
    "student_id",
    "student__display_name",
    "student__email",
    "student__last_login",
    "share_plan",
    "share_reading",
    "share_papers",
    "share_outreach",
)


def mentor_mentorships(*, mentor: User) -> list[dict[str, Any]]:
    """The mentor's active and pending mentorships, oldest first (one query)."""
    return list(
        Mentorship.objects.filter(
            mentor=mentor, status__in=[Mentorship.Status.ACTIVE, Mentorship.Status.PENDING]
        )
        .order_by("created_at", "pk")
        .values(*MENTORSHIP_FIELDS)
    )


def mentee_rows(
    *,
    mentor: User,
    now: dt.datetime | None = None,
    mentorships: list[dict] | None = None,
    figures: dict[str, Any] | None = None,
) -> list[MenteeRow]:
    """One row per active mentee with the figures of the triage table: one statement
    with an aggregate per area grouped by owner (milestones, drafts, reading items,
    reading progress, review cards), plus the mentorships unless the caller has them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if mentorships is None:
        mentorships = mentor_mentorships(mentor=mentor)
    mentorships = [m for m in mentorships if m["status"] == Mentorship.Status.ACTIVE]
    if figures is None:
        figures = _table_figures(mentor=mentor, now=now, today=today)
    plan_rows, draft_rows, reading = figures["plan"], figures["papers"], figures["reading"]
    rows = []
    for m in mentorships:
        sid = m["student_id"]
        row = MenteeRow(
            mentorship_id=m["pk"],
            student_id=sid,
            name=m["student__display_name"] or m["student__email"].split("@")[0],
            shares={area: m[f"share_{area}"] for area in SHARE_AREAS},
        )
        plan = plan_rows.get(sid) if row.shares["plan"] else None
        if plan:
            row.plan_total, row.plan_done = plan["total"], plan["done"]
            row.overdue, row.next_milestone = plan["overdue"], plan["next_due"]
        drafts = draft_rows.get(sid) if row.shares["papers"] else None
        if drafts:
            row.next_paper_deadline = drafts["next_deadline"]
            row.early_draft_deadline = drafts["early_deadline"]
        read = reading.get(sid) if row.shares["reading"] else None
        if read:
            row.reading_total, row.reading_done = read["total"], read["done"]
            row.cards_due = read["cards_due"]
        row.last_activity = _latest(
            m["student__last_login"],
            plan and plan["last_change"],
            drafts and drafts["last_change"],
            read and read["last_progress"],
            read and read["last_review"],
        )
        row.flags = mentee_flags(row, now=now)
        rows.append(row)
    return rows


def _sharing_sql(mentor: User, area: str) -> tuple[str, tuple]:
    sql, params = mentee_ids_sharing(mentor=mentor, area=area).query.sql_with_params()
    return sql, tuple(params)


# One statement, one aggregate per area grouped by owner, each limited to the mentees
# who share that area (the IN subqueries are matching's own ``mentee_ids_sharing``).
# Written as SQL because this is the hottest query of the product: the ORM spent twice
# as long building and reading five querysets as PostgreSQL spent running them.
TABLE_FIGURES_SQL = """
WITH plan_ids AS MATERIALIZED ({plan}),
     papers_ids AS MATERIALIZED ({papers}),
     reading_ids AS MATERIALIZED ({reading})
(SELECT 'recent', p.owner_id, m.id, 0, 0, NULL::date, NULL::timestamptz, NULL::timestamptz,
        m.completed_at, m.title
   FROM milestones_milestone m JOIN milestones_plan p ON p.id = m.plan_id
  WHERE p.owner_id IN (SELECT student_id FROM plan_ids)
    AND m.status = %(done)s AND m.completed_at IS NOT NULL
  ORDER BY m.completed_at DESC, m.id DESC
  LIMIT %(recent)s)
UNION ALL
SELECT 'plan', p.owner_id,
       count(*) FILTER (WHERE m.status <> %(skipped)s),
       count(*) FILTER (WHERE m.status = %(done)s),
       count(*) FILTER (WHERE m.status <> ALL(%(closed)s) AND m.target_date < %(today)s),
       min(m.target_date) FILTER (WHERE m.status <> ALL(%(closed)s)
                                  AND m.target_date >= %(today)s),
       NULL::timestamptz, NULL::timestamptz, max(m.updated_at), NULL
  FROM milestones_milestone m JOIN milestones_plan p ON p.id = m.plan_id
 WHERE p.owner_id IN (SELECT student_id FROM plan_ids)
 GROUP BY p.owner_id
UNION ALL
SELECT 'papers', d.owner_id, 0, 0, 0, NULL::date,
       min(vd.due_at) FILTER (WHERE d.stage = ANY(%(active)s)),
       min(vd.due_at) FILTER (WHERE d.stage = ANY(%(early)s)),
       max(d.updated_at), NULL
  FROM research_draft d
  LEFT JOIN research_venuedeadline vd ON vd.venue_id = d.target_venue_id AND vd.due_at >= %(now)s
 WHERE d.owner_id IN (SELECT student_id FROM papers_ids)
 GROUP BY d.owner_id
UNION ALL
SELECT 'items', l.owner_id, count(i.id), 0, 0, NULL::date, NULL, NULL, NULL, NULL
  FROM readinglists_item i JOIN readinglists_readinglist l ON l.id = i.reading_list_id
 WHERE l.owner_id IN (SELECT student_id FROM reading_ids)
 GROUP BY l.owner_id
UNION ALL
SELECT 'items', a.mentee_id, count(i.id), 0, 0, NULL::date, NULL, NULL, NULL, NULL
  FROM readinglists_assignment a
  JOIN readinglists_readinglist l ON l.id = a.reading_list_id AND l.owner_id <> a.mentee_id
  JOIN readinglists_item i ON i.reading_list_id = l.id
 WHERE a.mentee_id IN (SELECT student_id FROM reading_ids)
 GROUP BY a.mentee_id
UNION ALL
SELECT 'progress', pr.user_id, 0, count(*) FILTER (WHERE pr.status = ANY(%(read)s)), 0,
       NULL::date, NULL, NULL, max(pr.updated_at), NULL
  FROM readinglists_progress pr
 WHERE pr.user_id IN (SELECT student_id FROM reading_ids)
 GROUP BY pr.user_id
UNION ALL
SELECT 'cards', c.owner_id,
       CASE WHEN max(rs.paused_since) IS NULL
            THEN count(*) FILTER (WHERE c.due <= %(now)s) ELSE 0 END,
       0, 0, NULL::date, NULL, NULL, max(c.last_review), NULL
  FROM readinglists_reviewcard c
  LEFT JOIN readinglists_reviewsettings rs ON rs.user_id = c.owner_id
 WHERE c.owner_id IN (SELECT student_id FROM reading_ids)
 GROUP BY c.owner_id
"""


RECENT_LIMIT = 8


def _table_figures(*, mentor: User, now: dt.datetime, today: dt.date) -> dict[str, dict]:
    """Per area, per mentee sharing it: the figures of the triage table (one query)."""
    # The sharing subqueries come with positional parameters and the statement uses
    # named ones, so the subqueries are composed (the driver quotes their values) first.
    sharing = {
        area: cast(Any, connection.ops).compose_sql(*_sharing_sql(mentor, area))
        for area in ("plan", "papers", "reading")
    }
    sql = TABLE_FIGURES_SQL.format(**sharing)
    values: dict[str, Any] = {
        "closed": list(CLOSED_STATUSES),
        "done": MilestoneStatus.DONE.value,
        "skipped": MilestoneStatus.SKIPPED.value,
        "active": list(ACTIVE_STAGES),
        "early": list(EARLY_STAGES),
        "read": list(DONE_STATUSES),
        "today": today,
        "now": now,
        "recent": RECENT_LIMIT,
    }
    out: dict[str, Any] = {"plan": {}, "papers": {}, "reading": {}, "recent": []}
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    for kind, owner, a, b, c, day, t1, t2, last, title in rows:
        if kind == "recent":
            out["recent"].append(
                {"pk": a, "title": title, "completed_at": last, "student_id": owner}
            )
        elif kind == "plan":
            out["plan"][owner] = {
                "total": a,
                "done": b,
                "overdue": c,
                "next_due": day,
                "last_change": last,
            }
        elif kind == "papers":
            out["papers"][owner] = {"next_deadline": t1, "early_deadline": t2, "last_change": last}
        else:
            e = out["reading"].setdefault(
                owner,
                {"total": 0, "done": 0, "cards_due": 0, "last_progress": None, "last_review": None},
            )
            if kind == "items":
                e["total"] += a
            elif kind == "progress":
                e["done"], e["last_progress"] = b, last
            else:
                e["cards_due"], e["last_review"] = a, last
    return out


def mentee_rows_sorted(
    rows: list[MenteeRow],
    *,
    sort: str = "worry",
    descending: bool = False,
    filter_by: str = "all",
    query: str = "",
) -> list[MenteeRow]:
    """Filter and order the table in Python: the rows are already aggregated, at most a
    mentor's capacity (≤ 50) of them."""
    if filter_by == "flagged":
        rows = [r for r in rows if r.level]
    elif filter_by == "red":
        rows = [r for r in rows if r.level == RED]
    elif filter_by == "overdue":
        rows = [r for r in rows if r.overdue]
    elif filter_by == "inactive":
        rows = [
            r for r in rows if any(f.text.startswith(("Inactive", "No activity")) for f in r.flags)
        ]
    query = query.strip().lower()
    if query:
        rows = [r for r in rows if query in r.name.lower()]
    key = SORT_KEYS.get(sort, SORT_KEYS["worry"])
    return sorted(rows, key=key, reverse=descending)


def mentor_dashboard(*, mentor: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """The mentor dashboard's data in two queries: the mentorships (active and pending)
    and the table figures with the recent activity.

    Not cached: a key that changes on every write (counts and latest change times of
    each shared area) cost PostgreSQL as much as the figures themselves, and a key bumped
    by signals would miss the other apps' bulk writes and ``.update()`` calls."""
    now = now or timezone.now()
    mentorships = mentor_mentorships(mentor=mentor)
    active = [m for m in mentorships if m["status"] == Mentorship.Status.ACTIVE]
    pending = [m for m in mentorships if m["status"] == Mentorship.Status.PENDING]
    figures = _table_figures(mentor=mentor, now=now, today=timezone.localdate(now))
    rows = mentee_rows(mentor=mentor, now=now, mentorships=active, figures=figures)
    names = {r.student_id: r.name for r in rows}
    recent = sorted(
        (
            {
                **r,
                "name": names.get(r["student_id"], ""),
                "mentee_url": id_url("dashboards:mentee", r["student_id"]),
                "url": id_url("milestones:milestone_detail", r["pk"]),
            }
            for r in figures["recent"]
        ),
        key=lambda r: (r["completed_at"], r["pk"]),
        reverse=True,
    )
    return {
        "rows": rows,
        "recent": recent,
        "pending": pending[:10],
        "pending_total": len(pending),
    }


# --- Drill-down to one mentee ---------------------------------------------------------------


def mentee_detail(*, mentorship: Mentorship, now: dt.datetime | None = None) -> dict[str, Any]:
    """What one mentee shares with their mentor, area by area; an unshared area is
    ``None`` (the template says "not shared") and its query never runs."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    mentor, student = mentorship.mentor, mentorship.student
    detail: dict[str, Any] = {"plan": None, "reading": None, "papers": None, "outreach": None}
    if mentorship.share_plan:
        owned = Q(plan__owner_id__in=mentee_ids_sharing(mentor=mentor, area="plan")) & Q(
            plan__owner_id=student.pk
        )
        plans = list(
            Plan.objects.filter(
                owner=student, owner_id__in=mentee_ids_sharing(mentor=mentor, area="plan")
            )
            .annotate(
                total=Count("milestones", filter=~Q(milestones__status=MilestoneStatus.SKIPPED)),
                done=Count("milestones", filter=Q(milestones__status=MilestoneStatus.DONE)),
                overdue=Count(
                    "milestones",
                    filter=Q(milestones__target_date__lt=today)
                    & ~Q(milestones__status__in=CLOSED_STATUSES),
                ),
            )
            .order_by("-is_primary", "title")
        )
        for p in plans:
            p.pct = percent(p.done, p.total)  # type: ignore[attr-defined]
        milestones = list(
            Milestone.objects.filter(owned)
            .exclude(status__in=CLOSED_STATUSES)
            .select_related("plan")
            .order_by("target_date", "pk")[:12]
        )
        comments = list(
            MilestoneComment.objects.filter(
                milestone__in=Milestone.objects.filter(owned).values("pk")
            )
            .select_related("author", "milestone")
            .order_by("-created_at", "-pk")[:10]
        )
        from apps.milestones.models import CheckIn

        checkins = list(
            CheckIn.objects.filter(
                plan__owner_id=student.pk,
                plan__owner_id__in=mentee_ids_sharing(mentor=mentor, area="plan"),
            )
            .select_related("plan", "author")
            .order_by("-date", "-pk")[:5]
        )
        detail["plan"] = {
            "plans": plans,
            "open_milestones": milestones,
            "comments": comments,
            "checkins": checkins,
        }
    if mentorship.share_reading:
        counts = reading_progress(user=student)
        cards = ReviewCard.objects.filter(owner=student, due__lte=now).count()
        detail["reading"] = {
            **counts,
            "done": counts["read"] + counts["summarised"],
            "pct": percent(counts["read"] + counts["summarised"], counts["total"]),
            "cards_due": cards,
        }
    if mentorship.share_papers:
        detail["papers"] = list(
            drafts_for_owner(owner=student, now=now).filter(stage__in=ACTIVE_STAGES)[:10]
        )
    if mentorship.share_outreach:
        detail["outreach"] = {
            "by_status": list(
                Contact.objects.filter(owner=student)
                .order_by()
                .values("status")
                .annotate(n=Count("pk"))
                .order_by("status")
            ),
            "followups": list(followups_due(user=student, now=now)[:5]),
        }
    from apps.matching.models import MentorNote

    detail["notes"] = list(
        MentorNote.objects.filter(mentor=mentor, student=student).order_by("-created_at")[:5]
    )
    return detail


# --- Student home --------------------------------------------------------------------------


@dataclass
class NextAction:
    kind: str  # milestone, draft, followup, cards
    object_id: int
    title: str
    detail: str
    due: dt.date
    url: str
    overdue: bool = False
    can_complete: bool = False


def _not_snoozed(user: User, kind: str, now: dt.datetime, ref: str = "pk") -> Any:
    return ~Exists(
        Snooze.objects.filter(
            user_id=user.pk, kind__in=SNOOZE_KINDS[kind], object_id=OuterRef(ref), until__gt=now
        )
    )


def local_horizon(*, days: int, now: dt.datetime) -> dt.datetime:
    """The end of the viewer's local day ``days`` days from now (active time zone)."""
    local = timezone.localtime(now)
    return (local + dt.timedelta(days=days)).replace(hour=23, minute=59, second=59, microsecond=0)


def student_home(*, user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the student home shows, in seven queries."""
    from django.urls import reverse

    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = local_horizon(days=30, now=now)
    me = user.pk
    User = get_user_model()
    facts = (
        User.objects.filter(pk=me)
        .annotate(
            has_plan=Exists(Plan.objects.filter(owner_id=me)),
            has_mentor=Exists(
                Mentorship.objects.filter(
                    student_id=me, status__in=[Mentorship.Status.ACTIVE, Mentorship.Status.PENDING]
                )
            ),
            has_lists=Exists(
                ReadingList.objects.filter(Q(owner_id=me) | Q(assignments__mentee_id=me))
            ),
            has_nudge_prefs=Exists(NudgeSettings.objects.filter(user_id=me))
            | Exists(KindPreference.objects.filter(user_id=me)),
            cards_due=_count_subquery(
                ReviewCard.objects.filter(owner_id=OuterRef("pk"), due__lte=now).exclude(
                    owner__review_settings__paused_since__isnull=False
                ),
                "owner_id",
            ),
            cards_snoozed=Exists(
                Snooze.objects.filter(user_id=me, kind=Kind.CARDS_DUE, object_id=0, until__gt=now)
            ),
        )
        .values(
            "has_plan", "has_mentor", "has_lists", "has_nudge_prefs", "cards_due", "cards_snoozed"
        )
        .get()
    )
    milestones = list(
        Milestone.objects.filter(plan__owner_id=me, target_date__lte=horizon.date())
        .exclude(status__in=CLOSED_STATUSES)
        .annotate(awake=_not_snoozed(user, "milestone", now))
        .order_by("target_date", "position", "pk")
        .values("pk", "title", "target_date", "awake", plan_title=F("plan__title"))[:40]
    )
    drafts = list(
        drafts_for_owner(owner=me, now=now)
        .filter(stage__in=ACTIVE_STAGES, next_deadline_at__isnull=False)  # type: ignore[misc]
        .filter(next_deadline_at__lte=horizon)
        .annotate(awake=_not_snoozed(user, "draft", now))
        .order_by("next_deadline_at", "pk")
        .values(
            "pk",
            "title",
            "stage",
            "awake",
            "next_deadline_at",
            "next_deadline_kind",
            "next_deadline_label",
            "next_deadline_year",
            venue=F("target_venue__title"),
        )[:20]
    )
    followups = list(
        followups_due(user=user, now=now)
        .filter(_not_snoozed(user, "followup", now))
        .values("pk", "name", "affiliation", "purpose", "follow_up_on")[:5]
    )
    actions: list[NextAction] = []
    for m in milestones:
        if not m["awake"]:
            continue
        late = m["target_date"] < today
        actions.append(
            NextAction(
                kind="milestone",
                object_id=m["pk"],
                title=m["title"],
                detail=f"{'Overdue' if late else 'Due'} · {m['plan_title']}",
                due=m["target_date"],
                url=reverse("milestones:milestone_detail", args=[m["pk"]]),
                overdue=late,
                can_complete=True,
            )
        )
    stages, purposes = dict(Stage.choices), dict(Purpose.choices)
    for d in drafts:
        if not d["awake"] or d["stage"] not in PRE_SUBMISSION_STAGES:
            continue
        actions.append(
            NextAction(
                kind="draft",
                object_id=d["pk"],
                title=d["title"],
                detail=f"{d['venue']} deadline · {stages.get(d['stage'], d['stage'])}",
                due=timezone.localtime(d["next_deadline_at"]).date(),
                url=reverse("research:draft_detail", args=[d["pk"]]),
            )
        )
    for c in followups:
        if c["follow_up_on"] is None:
            continue
        actions.append(
            NextAction(
                kind="followup",
                object_id=c["pk"],
                title=f"Follow up with {c['name']}",
                detail=c["affiliation"] or purposes.get(c["purpose"], ""),
                due=c["follow_up_on"],
                url=reverse("research:contact_detail", args=[c["pk"]]),
                overdue=c["follow_up_on"] < today,
            )
        )
    cards = facts["cards_due"]
    if cards and not facts["cards_snoozed"]:
        actions.append(
            NextAction(
                kind="cards",
                object_id=0,
                title=f"Review {cards} maths card{'s' if cards != 1 else ''}",
                detail="Spaced repetition keeps the foundations sharp",
                due=today,
                url=reverse("readinglists:review_session"),
            )
        )
    # Most urgent first; on a tie, the kind that costs least to clear comes first.
    order = {"cards": 0, "followup": 1, "milestone": 2, "draft": 3}
    actions.sort(key=lambda a: (a.due, order[a.kind]))
    deadlines = [
        {
            "date": m["target_date"],
            "title": m["title"],
            "kind": "Milestone",
            "url": reverse("milestones:milestone_detail", args=[m["pk"]]),
        }
        for m in milestones
        if m["target_date"] >= today
    ] + [
        {
            "date": timezone.localtime(d["next_deadline_at"]).date(),
            "at": d["next_deadline_at"],
            "title": f"{d['venue']} {d['next_deadline_year']} "
            f"({deadline_name(d['next_deadline_kind'], d['next_deadline_label'])})",
            "kind": "Paper: " + d["title"],
            "url": reverse("research:draft_detail", args=[d["pk"]]),
        }
        for d in drafts
    ]
    deadlines.sort(key=lambda x: x["date"])
    categories = category_progress(user=user, today=today)
    comments = list(
        MilestoneComment.objects.filter(milestone__plan__owner_id=me)
        .exclude(author_id=me)
        .order_by("-created_at", "-pk")
        .values(
            "body",
            "created_at",
            "milestone_id",
            milestone_title=F("milestone__title"),
            author_name=F("author__display_name"),
            author_email=F("author__email"),
        )[:5]
    )
    return {
        "actions": actions[:5],
        "cards_due": facts["cards_due"],
        "deadlines": deadlines[:12],
        "categories": categories,
        "reading": reading_progress(user=user),
        "comments": comments,
        "has_plan": facts["has_plan"],
        "has_mentor": facts["has_mentor"],
        "has_lists": facts["has_lists"],
        "has_nudge_prefs": facts["has_nudge_prefs"],
    }


def category_progress(*, user: User, today: dt.date) -> list[dict[str, Any]]:
    """Done/total per milestone category across the user's plans (one query)."""
    labels = dict(Category.choices)
    order = {value: i for i, value in enumerate(Category.values)}
    rows = (
        Milestone.objects.filter(plan__owner_id=user.pk)
        .exclude(status=MilestoneStatus.SKIPPED)
        .order_by()
        .values("category")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=MilestoneStatus.DONE)),
            overdue=Count("pk", filter=Q(target_date__lt=today) & ~Q(status__in=CLOSED_STATUSES)),
        )
    )
    return sorted(
        (
            {
                **r,
                "label": labels.get(r["category"], r["category"]),
                "pct": percent(r["done"], r["total"]),
            }
            for r in rows
        ),
        key=lambda r: order.get(r["category"], 99),
    )


def mentor_summary(*, mentor: User) -> dict[str, int]:
    """Counts for the mentor panel of the home page (one query)."""
    return Mentorship.objects.filter(mentor=mentor).aggregate(
        active=Count("pk", filter=Q(status=Mentorship.Status.ACTIVE)),
        pending=Count("pk", filter=Q(status=Mentorship.Status.PENDING)),
    )


def coordinator_summary(*, user: User) -> list[Programme]:
    return list(programmes_for_coordinator(user=user))


# --- Coordinator -----------------------------------------------------------------------------


def _inactive_q(now: dt.datetime, user_ref: str) -> Q:
    """No sign-in and no milestone change for the inactivity period."""
    since = now - dt.timedelta(days=INACTIVE_AMBER_DAYS)
    recent_work = Exists(
        Milestone.objects.filter(plan__owner_id=OuterRef(user_ref), updated_at__gte=since)
    )
    return ~Q(recent_work) & (Q(user__last_login__isnull=True) | Q(user__last_login__lt=since))


def _active_count(user_ref: str) -> Coalesce:
    return _count_subquery(
        Mentorship.objects.filter(mentor_id=OuterRef(user_ref), status=Mentorship.Status.ACTIVE),
        "mentor_id",
    )


def coordinator_overview(*, user: User, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per programme the coordinator runs: members, matching, activity, capacity and a
    monthly completion series. Six queries, whatever the number of programmes."""
    now = now or timezone.now()
    programmes = list(
        Programme.objects.filter(pk__in=coordinated_programme_ids(user=user))
        .order_by("name")
        .values("pk", "name")
    )
    ids = [p["pk"] for p in programmes]
    members = CohortMembership.objects.filter(cohort__programme_id__in=ids).order_by()
    has_mentor = Exists(
        Mentorship.objects.filter(student_id=OuterRef("user_id"), status=Mentorship.Status.ACTIVE)
    )
    students = {
        r["cohort__programme_id"]: r
        for r in members.filter(role=MemberRole.STUDENT)
        .annotate(matched=has_mentor)
        .values("cohort__programme_id")
        .annotate(
            students=Count("user_id", distinct=True),
            matched_students=Count("user_id", distinct=True, filter=Q(matched=True)),
            inactive_students=Count("user_id", distinct=True, filter=_inactive_q(now, "user_id")),
        )
    }
    mentors = {
        r["cohort__programme_id"]: r
        for r in members.filter(role=MemberRole.MENTOR)
        .annotate(
            active=_active_count("user_id"),
            capacity=Coalesce(F("user__mentor_profile__capacity"), Value(0)),
        )
        .values("cohort__programme_id")
        .annotate(
            mentors=Count("user_id", distinct=True),
            at_capacity=Count(
                "user_id", distinct=True, filter=Q(capacity__gt=0, active__gte=F("capacity"))
            ),
            near_capacity=Count(
                "user_id",
                distinct=True,
                filter=Q(capacity__gt=0, active__lt=F("capacity"), active__gte=F("capacity") - 1),
            ),
        )
    }
    programme_of_student = "student__cohort_memberships__cohort__programme_id"
    active = {
        r[programme_of_student]: r["n"]
        for r in Mentorship.objects.filter(
            status=Mentorship.Status.ACTIVE,
            student__cohort_memberships__cohort__programme_id__in=ids,
            student__cohort_memberships__role=MemberRole.STUDENT,
        )
        .order_by()
        .values(programme_of_student)
        .annotate(n=Count("pk", distinct=True))
    }
    series = completion_series(programme_ids=ids, now=now)
    out = []
    for p in programmes:
        s = students.get(p["pk"], {})
        m = mentors.get(p["pk"], {})
        n_students = s.get("students", 0)
        matched = s.get("matched_students", 0)
        out.append(
            {
                "pk": p["pk"],
                "name": p["name"],
                "students": n_students,
                "mentors": m.get("mentors", 0),
                "matched": matched,
                "matched_pct": percent(matched, n_students),
                "active_mentorships": active.get(p["pk"], 0),
                "inactive_students": s.get("inactive_students", 0),
                "mentors_at_capacity": m.get("at_capacity", 0),
                "mentors_near_capacity": m.get("near_capacity", 0),
                "chart": completion_chart(series.get(p["pk"], {}), now=now),
            }
        )
    return out


CHART_MONTHS = 12


def completion_series(
    *, programme_ids: list[int], now: dt.datetime
) -> dict[int, dict[dt.date, int]]:
    """Milestones completed per month (the last 12) by each programme's students; one
    query grouped by programme and month."""
    start = (
        timezone.localdate(now).replace(day=1) - dt.timedelta(days=31 * (CHART_MONTHS - 1))
    ).replace(day=1)
    key = "plan__owner__cohort_memberships__cohort__programme_id"
    rows = (
        Milestone.objects.filter(
            status=MilestoneStatus.DONE,
            completed_at__date__gte=start,
            plan__owner__cohort_memberships__cohort__programme_id__in=programme_ids,
            plan__owner__cohort_memberships__role=MemberRole.STUDENT,
        )
        .annotate(month=TruncMonth("completed_at"))
        .order_by()
        .values(key, "month")
        .annotate(n=Count("pk", distinct=True))
    )
    out: dict[int, dict[dt.date, int]] = {}
    for r in rows:
        month = r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]
        out.setdefault(r[key], {})[month] = r["n"]
    return out


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    months = []
    year, month = today.year, today.month
    for _ in range(n):
        months.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def completion_chart(per_month: dict[dt.date, int], *, now: dt.datetime) -> dict[str, Any]:
    """Bar geometry for a server-rendered SVG (no inline styles), plus the same figures
    as rows for the text alternative."""
    width, height, left, bottom, top = 600, 180, 34, 30, 12
    months = _months_back(timezone.localdate(now), CHART_MONTHS)
    values = [per_month.get(m, 0) for m in months]
    peak = max(values) or 1
    slot = (width - left - 8) / len(months)
    plot_h = height - bottom - top
    bars = []
    for i, (month, n) in enumerate(zip(months, values, strict=True)):
        h = round(plot_h * n / peak, 1)
        x = round(left + i * slot + slot * 0.15, 1)
        bars.append(
            {
                "x": x,
                "y": round(height - bottom - h, 1),
                "w": round(slot * 0.7, 1),
                "h": h,
                "n": n,
                "label": month.strftime("%b"),
                "full": month.strftime("%B %Y"),
                "label_x": round(x + slot * 0.35, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "peak": max(values),
        "total": sum(values),
        "axis_y": height - bottom,
        "top": top,
        "left": left,
        "right": width - 8,
        "label_y": height - bottom + 16,
    }


def programme_members(*, programme: Programme, now: dt.datetime | None = None) -> dict[str, Any]:
    """The programme table: one row per student and per mentor (two queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    User = get_user_model()
    ms = Milestone.objects.filter(plan__owner_id=OuterRef("pk"))
    in_programme = CohortMembership.objects.filter(
        cohort__programme=programme, user_id=OuterRef("pk")
    )
    students = list(
        User.objects.filter(Exists(in_programme.filter(role=MemberRole.STUDENT)))
        .annotate(
            mentors=_count_subquery(
                Mentorship.objects.filter(
                    student_id=OuterRef("pk"), status=Mentorship.Status.ACTIVE
                ),
                "student_id",
            ),
            milestones_total=_count_subquery(
                ms.exclude(status=MilestoneStatus.SKIPPED), "plan__owner_id"
            ),
            milestones_done=_count_subquery(
                ms.filter(status=MilestoneStatus.DONE), "plan__owner_id"
            ),
            overdue=_count_subquery(
                ms.filter(target_date__lt=today).exclude(status__in=CLOSED_STATUSES),
                "plan__owner_id",
            ),
            last_change=_max_subquery(ms, "plan__owner_id", "updated_at"),
        )
        .order_by("display_name", "email")
        .values(
            "pk",
            "display_name",
            "email",
            "last_login",
            "mentors",
            "milestones_total",
            "milestones_done",
            "overdue",
            "last_change",
        )
    )
    for s in students:
        s["last_activity"] = _latest(s["last_login"], s["last_change"])
        s["pct"] = percent(s["milestones_done"], s["milestones_total"])
        idle = s["last_activity"] is None or (now - s["last_activity"]).days >= INACTIVE_AMBER_DAYS
        s["inactive"] = idle
    mentors = list(
        User.objects.filter(Exists(in_programme.filter(role=MemberRole.MENTOR)))
        .annotate(
            active=_active_count("pk"),
            capacity=Coalesce(F("mentor_profile__capacity"), Value(0)),
        )
        .order_by("display_name", "email")
        .values("pk", "display_name", "email", "active", "capacity")
    )
    for m in mentors:
        m["at_capacity"] = m["capacity"] > 0 and m["active"] >= m["capacity"]
        m["near_capacity"] = (
            not m["at_capacity"] and m["capacity"] > 0 and m["active"] >= m["capacity"] - 1
        )
    return {"students": students, "mentors": mentors}


def programme_csv_rows(*, programme: Programme, now: dt.datetime | None = None) -> list[list[Any]]:
    members = programme_members(programme=programme, now=now)
    rows: list[list[Any]] = [
        [
            "role",
            "name",
            "email",
            "active mentorships",
            "capacity",
            "milestones done",
            "milestones total",
            "overdue",
            "last activity",
        ]
    ]
    for s in members["students"]:
        last = s["last_activity"]
        rows.append(
            [
                "student",
                s["display_name"],
                s["email"],
                s["mentors"],
                "",
                s["milestones_done"],
                s["milestones_total"],
                s["overdue"],
                last.isoformat() if last else "",
            ]
        )
    for m in members["mentors"]:
        rows.append(
            ["mentor", m["display_name"], m["email"], m["active"], m["capacity"], "", "", "", ""]
        )
    return rows
