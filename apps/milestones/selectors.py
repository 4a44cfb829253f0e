"""Reads for plans and milestones. Each function runs a fixed number of queries,
whatever the number of milestones, so pages and dashboards stay fast as plans grow."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.matching.selectors import coordinated_programme_ids, mentee_ids_sharing
from apps.milestones.builtin_templates import builtin_templates
from apps.milestones.dates import add_months
from apps.milestones.models import (
    CLOSED_STATUSES,
    ActionItem,
    Category,
    CheckIn,
    Milestone,
    MilestoneComment,
    Plan,
    PlanTemplate,
    Status,
)
from apps.milestones.template_specs import TemplateSpec, template_parse

if TYPE_CHECKING:
    from apps.accounts.models import User

CATEGORY_ORDER = {value: i for i, value in enumerate(Category.values)}


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """The one definition of overdue: still open and its target date has passed."""
    return Q(**{f"{prefix}target_date__lt": today}) & ~Q(**{f"{prefix}status__in": CLOSED_STATUSES})


def progress_counts(*, today: datetime.date, prefix: str = "") -> dict[str, Any]:
    """The one definition of progress, as aggregates over milestones (``prefix`` reaches
    them from another model, e.g. ``"milestones__"`` from a plan): ``total`` leaves out
    skipped milestones, ``done`` counts the done ones, ``overdue`` the open ones past
    their date and ``oldest_overdue`` is the earliest such date."""
    pk = f"{prefix}pk" if prefix else "pk"
    late = overdue_q(today, prefix)
    return {
        "total": Count(pk, filter=~Q(**{f"{prefix}status": Status.SKIPPED})),
        "done": Count(pk, filter=Q(**{f"{prefix}status": Status.DONE})),
        "skipped": Count(pk, filter=Q(**{f"{prefix}status": Status.SKIPPED})),
        "overdue": Count(pk, filter=late),
        "oldest_overdue": Min(f"{prefix}target_date", filter=late),
    }


def _with_counts(qs: QuerySet[Plan]) -> QuerySet[Plan]:
    counts = progress_counts(today=timezone.localdate(), prefix="milestones__")
    return qs.annotate(
        milestone_total=counts["total"],
        milestone_done=counts["done"],
        milestone_overdue=counts["overdue"],
    )


def plans_for_owner(*, owner: User) -> QuerySet[Plan]:
    return _with_counts(Plan.objects.filter(owner=owner))


def plans_shared_with(*, viewer: User) -> QuerySet[Plan]:
    """Plans of the viewer's active mentees who share their plan."""
    qs = Plan.objects.filter(owner_id__in=mentee_ids_sharing(mentor=viewer, area="plan"))
    return _with_counts(qs.select_related("owner")).order_by("owner__display_name", "title")


def _plan_rows(plan: Plan) -> QuerySet[Milestone]:
    """Milestones as the plan page shows them: with their comment count and, as a plain
    list in ``depends_on``, their dependencies (a list, not a manager per row, because
    the page reads them for hundreds of rows)."""
    return (
        Milestone.objects.filter(plan=plan)
        .annotate(comment_count=Count("comments", distinct=True))
        .prefetch_related(
            Prefetch(
                "dependencies",
                queryset=Milestone.objects.only("pk", "title", "status", "plan_id"),
                to_attr="depends_on",
            )
        )
        .order_by("position", "pk")
    )


def plan_milestones(*, plan: Plan, status: str = "", category: str = "") -> list[Milestone]:
    """The plan's milestones in order, each with its dependencies and comment count
    (two queries in all)."""
    qs = _plan_rows(plan)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    milestones: list[Milestone] = list(qs)
    for m in milestones:
        m.plan = plan  # spare a query per row when templates reach for m.plan
    return milestones


def plan_milestone(*, milestone: Milestone) -> Milestone:
    """One milestone as ``plan_milestones`` gives it, for redrawing its row alone."""
    row = _plan_rows(milestone.plan).get(pk=milestone.pk)
    row.plan = milestone.plan
    return row


@dataclass
class MilestoneGroup:
    key: Any
    label: str
    milestones: list[Milestone] = field(default_factory=list)


def group_milestones(milestones: list[Milestone], *, by: str) -> list[MilestoneGroup]:
    groups: dict[Any, MilestoneGroup] = {}
    for m in milestones:
        key: Any
        if by == "category":
            key, label = m.category, m.get_category_display()
        else:
            key, label = m.target_date.year, str(m.target_date.year)
        groups.setdefault(key, MilestoneGroup(key=key, label=label)).milestones.append(m)
    if by == "category":
        return sorted(groups.values(), key=lambda g: CATEGORY_ORDER[g.key])
    return sorted(groups.values(), key=lambda g: g.key)


def plan_progress(*, plan: Plan) -> dict[str, Any]:
    """Done/total overall and per category, overdue count and on-track percentage, in two
    aggregate queries. The counts are ``progress_counts``: a skipped milestone leaves the
    total, so "6 of 15 done" reads the same here as on every dashboard. "On track" means
    done, or still open and not past its date."""
    today = timezone.localdate()
    milestones = Milestone.objects.filter(plan=plan)
    overall = milestones.aggregate(
        **progress_counts(today=today),
        in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        blocked=Count("pk", filter=Q(status=Status.BLOCKED)),
    )
    total = overall["total"]
    return {
        **overall,
        "open": total - overall["done"],
        "done_pct": percent(overall["done"], total),
        "on_track_pct": percent(total - overall["overdue"], total),
        "by_category": category_progress(milestones=milestones, today=today),
    }


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole > 0 else 0


def plan_completion_series(*, plan: Plan) -> list[tuple[datetime.date, int]]:
    """Cumulative number of milestones done at the end of each month since the plan
    started (one query)."""
    rows = (
        Milestone.objects.filter(plan=plan, status=Status.DONE, completed_at__isnull=False)
        .annotate(month=TruncMonth("completed_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    )
    per_month = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"]
        for row in rows
    }
    today = timezone.localdate()
    first = min([plan.start_date.replace(day=1), *per_month]) if per_month else None
    if first is None:
        return []
    series, running, month = [], 0, first
    while month <= today.replace(day=1):
        running += per_month.get(month, 0)
        series.append((month, running))
        month = add_months(month, 1)
    return series


def milestone_comments(*, milestone: Milestone) -> QuerySet[MilestoneComment]:
    return milestone.comments.select_related("author")


def checkins_for_plan(*, plan: Plan) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(plan=plan)
        .select_related("author", "mentor")
        .prefetch_related(
            Prefetch("action_items", queryset=ActionItem.objects.select_related("milestone"))
        )
    )


# --- Templates -------------------------------------------------------------------------


def template_spec_from_model(template: PlanTemplate) -> TemplateSpec:
    return TemplateSpec(
        slug=f"custom-{template.pk}",
        name=template.name,
        description=template.description,
        target_role=template.target_role,
        horizon_years=template.horizon_years,
        milestones=template_parse(template.source),
    )


def templates_visible_to(*, user: User) -> QuerySet[PlanTemplate]:
    """Coordinators' templates the user may use: those without a programme, and those of
    programmes the user coordinates or belongs to (through a cohort)."""
    return (
        PlanTemplate.objects.filter(
            Q(programme__isnull=True)
            | Q(created_by=user)
            | Q(programme_id__in=coordinated_programme_ids(user=user))
            | Q(programme__cohorts__memberships__user=user)
        )
        .distinct()
        .select_related("created_by", "programme")
    )


def template_choices(*, user: User) -> list[tuple[str, str, str]]:
    """(slug, name, description) for every template the user may start a plan from:
    the built-in ones first, then coordinators' templates."""
    choices = [(s.slug, s.name, s.description) for s in builtin_templates().values()]
    for t in templates_visible_to(user=user):
        by = t.programme.name if t.programme else (t.created_by.name if t.created_by else "")
        choices.append((f"custom-{t.pk}", f"{t.name} ({by})" if by else t.name, t.description))
    return choices


def template_get(*, slug: str, user: User) -> TemplateSpec | None:
    if slug in builtin_templates():
        return builtin_templates()[slug]
    if slug.startswith("custom-") and slug[7:].isdigit():
        template = templates_visible_to(user=user).filter(pk=int(slug[7:])).first()
        return template_spec_from_model(template) if template else None
    return None


# --- Timeline -----------------------------------------------------------------------------

TIMELINE_LEFT = 150
TIMELINE_YEAR_WIDTH = 110
TIMELINE_ROW = 44
TIMELINE_TOP = 34


def timeline_layout(*, plan: Plan, milestones: list[Milestone]) -> dict[str, Any]:
    """Coordinates for the SVG timeline: years across, categories down, a today line and
    a line per dependency. Pure computation over the already-loaded milestones."""
    start = plan.start_date.replace(month=1, day=1)
    last_date = max([plan.end_date, *(m.target_date for m in milestones)])
    years = list(range(start.year, last_date.year + 1))
    # Short plans get wider years so they fill the card; long ones scroll sideways on phones.
    year_width = max(TIMELINE_YEAR_WIDTH, min(300, 900 // len(years)))
    width = TIMELINE_LEFT + year_width * len(years) + 20
    categories = [c for c in Category.values if any(m.category == c for m in milestones)]
    labels = dict(Category.choices)
    rows = {c: i for i, c in enumerate(categories)}

    def x_of(day: datetime.date) -> float:
        offset = (day - start).days / 365.25
        return round(TIMELINE_LEFT + offset * year_width, 1)

    def y_of(category: str) -> float:
        return TIMELINE_TOP + rows[category] * TIMELINE_ROW + TIMELINE_ROW / 2

    points: dict[int, dict[str, Any]] = {}
    for m in milestones:
        points[m.pk] = {
            "milestone": m,
            "x": x_of(m.target_date),
            "y": y_of(m.category),
            "overdue": m.is_overdue,
        }

    def depends_on(m: Milestone) -> list[Milestone]:
        loaded = getattr(m, "depends_on", None)  # as plan_milestones gives them
        return list(m.dependencies.all()) if loaded is None else loaded

    edges = [
        {
            "x1": points[d.pk]["x"],
            "y1": points[d.pk]["y"],
            "x2": points[m.pk]["x"],
            "y2": points[m.pk]["y"],
        }
        for m in milestones
        for d in depends_on(m)
        if d.pk in points
    ]
    height = TIMELINE_TOP + TIMELINE_ROW * max(1, len(categories)) + 10
    today = timezone.localdate()
    return {
        "width": width,
        "height": height,
        "years": [
            {"year": y, "x": x_of(datetime.date(y, 1, 1)), "label_x": x_of(datetime.date(y, 7, 1))}
            for y in years
        ],
        "rows": [
            {"label": labels[c], "y": y_of(c), "top": y_of(c) - TIMELINE_ROW / 2}
            for c in categories
        ],
        "points": list(points.values()),
        "edges": edges,
        "today_x": x_of(today) if start <= today <= datetime.date(years[-1], 12, 31) else None,
        "left": TIMELINE_LEFT,
        "right": width - 20,
        "bottom": height - 10,
    }


def completion_chart(series: list[tuple[datetime.date, int]], *, total: int) -> dict[str, Any]:
    """A small line chart (SVG coordinates) of cumulative completions per month."""
    width, height, pad = 600, 160, 30
    if not series or total <= 0:
        return {"points": "", "width": width, "height": height, "labels": []}
    n = len(series)
    step = (width - 2 * pad) / max(1, n - 1)
    coords = [
        (round(pad + i * step, 1), round(height - pad - (done / total) * (height - 2 * pad), 1))
        for i, (_month, done) in enumerate(series)
    ]
    every = max(1, n // 6)
    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{x},{y}" for x, y in coords),
        "labels": [
            {"x": coords[i][0], "text": series[i][0].strftime("%b %Y")} for i in range(0, n, every)
        ],
        "last": coords[-1],
        "baseline": height - pad,
        "top": pad,
        "pad": pad,
        "right": width - pad,
        "total": total,
        "done": series[-1][1],
    }


# --- Figures for the dashboards, in bulk for many people ---------------------------------


def category_progress(*, milestones: QuerySet[Milestone], today: datetime.date) -> list[dict]:
    """``progress_counts`` per category of ``milestones``, in category order (one query);
    a category whose milestones were all skipped has nothing left to count and is left out."""
    labels = dict(Category.choices)
    rows = milestones.order_by().values("category").annotate(**progress_counts(today=today))
    return sorted(
        (
            {
                **row,
                "label": labels.get(row["category"], row["category"]),
                "done_pct": percent(row["done"], row["total"]),
            }
            for row in rows
            if row["total"]
        ),
        key=lambda r: CATEGORY_ORDER.get(r["category"], 99),
    )


def plans_with_progress(*, owners: QuerySet | list[int]) -> QuerySet[Plan]:
    """The plans of ``owners`` (ids, or a subquery such as matching's
    ``mentee_ids_sharing``), each annotated with ``progress_counts``."""
    today = timezone.localdate()
    return Plan.objects.filter(owner_id__in=owners).annotate(
        **progress_counts(today=today, prefix="milestones__")
    )


def milestone_figures(*, owners: QuerySet | list[int], today: datetime.date) -> dict[int, dict]:
    """The ``plan`` figures of each of ``owners`` who has milestones, by owner id:
    ``progress_counts`` across their plans, the next open target date (``next_due``) and
    the latest change to a milestone (``last_change``). One grouped query."""
    upcoming = Q(target_date__gte=today) & ~Q(status__in=CLOSED_STATUSES)
    rows = (
        Milestone.objects.filter(plan__owner_id__in=owners)
        .order_by()
        .values(owner=F("plan__owner_id"))
        .annotate(
            **progress_counts(today=today),
            next_due=Min("target_date", filter=upcoming),
            last_change=Max("updated_at"),
        )
    )
    return {r.pop("owner"): r for r in rows}


def recent_completions(*, owners: QuerySet | list[int], limit: int) -> list[dict[str, Any]]:
    """The latest milestones done by ``owners``, newest first (one query)."""
    rows = (
        Milestone.objects.filter(
            plan__owner_id__in=owners, status=Status.DONE, completed_at__isnull=False
        )
        .order_by("-completed_at", "-pk")
        .values("pk", "title", "completed_at", student_id=F("plan__owner_id"))[:limit]
    )
    return [dict(r) for r in rows]


def completions_by_month(
    *, owners: QuerySet | list[int], since: datetime.date
) -> dict[int, dict[datetime.date, int]]:
    """Milestones done per owner and month since ``since`` (one query)."""
    rows = (
        Milestone.objects.filter(
            plan__owner_id__in=owners, status=Status.DONE, completed_at__date__gte=since
        )
        .annotate(month=TruncMonth("completed_at"))
        .order_by()
        .values("month", person=F("plan__owner_id"))
        .annotate(n=Count("pk"))
    )
    out: dict[int, dict[datetime.date, int]] = {}
    for r in rows:
        month = r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]
        out.setdefault(r["person"], {})[month] = r["n"]
    return out


def open_milestones(*, owners: QuerySet | list[int], limit: int) -> list[Milestone]:
    """Open milestones of ``owners``, soonest first, with their plan (one query)."""
    return list(
        Milestone.objects.filter(plan__owner_id__in=owners)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("plan")
        .order_by("target_date", "pk")[:limit]
    )


def recent_comments_for(
    *, owners: QuerySet | list[int], limit: int, exclude_author: int | None = None
) -> QuerySet[MilestoneComment]:
    """The latest comments on milestones of ``owners``, newest first."""
    qs = MilestoneComment.objects.filter(milestone__plan__owner_id__in=owners)
    if exclude_author is not None:
        qs = qs.exclude(author_id=exclude_author)
    return qs.select_related("author", "milestone").order_by("-created_at", "-pk")[:limit]


def checkins_of(*, owners: QuerySet | list[int], limit: int) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(plan__owner_id__in=owners)
        .select_related("plan", "author")
        .order_by("-date", "-pk")[:limit]
    )
