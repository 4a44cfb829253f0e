"""Reads for plans and milestones. Each function runs a fixed number of queries,
whatever the number of milestones, so pages and dashboards stay fast as plans grow."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
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


def _overdue_q(today: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}target_date__lt": today}) & ~Q(**{f"{prefix}status__in": CLOSED_STATUSES})


def _with_counts(qs: QuerySet[Plan]) -> QuerySet[Plan]:
    today = timezone.localdate()
    return qs.annotate(
        milestone_total=Count("milestones"),
        milestone_done=Count("milestones", filter=Q(milestones__status=Status.DONE)),
        milestone_overdue=Count("milestones", filter=_overdue_q(today, "milestones__")),
    )


def plans_for_owner(*, owner: User) -> QuerySet[Plan]:
    return _with_counts(Plan.objects.filter(owner=owner))


def plans_shared_with(*, viewer: User) -> QuerySet[Plan]:
    """Plans of the viewer's active mentees who share their plan."""
    qs = Plan.objects.filter(owner_id__in=mentee_ids_sharing(mentor=viewer, area="plan"))
    return _with_counts(qs.select_related("owner")).order_by("owner__display_name", "title")


def plan_milestones(*, plan: Plan, status: str = "", category: str = "") -> list[Milestone]:
    """The plan's milestones in order, each with its dependencies and comment count
    (three queries in all)."""
    qs = (
        Milestone.objects.filter(plan=plan)
        .annotate(comment_count=Count("comments", distinct=True))
        .prefetch_related(
            Prefetch(
                "dependencies",
                queryset=Milestone.objects.only("pk", "title", "status", "plan_id"),
            )
        )
        .order_by("position", "pk")
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    milestones: list[Milestone] = list(qs)
    for m in milestones:
        m.plan = plan  # spare a query per row when templates reach for m.plan
    return milestones


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
    aggregate queries. "On track" means done, or still open and not past its date;
    skipped milestones count for neither side."""
    today = timezone.localdate()
    counts = {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(status=Status.DONE)),
        "skipped": Count("pk", filter=Q(status=Status.SKIPPED)),
        "in_progress": Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        "blocked": Count("pk", filter=Q(status=Status.BLOCKED)),
        "overdue": Count("pk", filter=_overdue_q(today)),
    }
    milestones = Milestone.objects.filter(plan=plan)
    overall = milestones.aggregate(**counts)
    rows = milestones.order_by().values("category").annotate(**counts)
    labels = dict(Category.choices)
    by_category = sorted(
        (
            {
                "category": row["category"],
                "label": labels.get(row["category"], row["category"]),
                "total": row["total"],
                "done": row["done"],
                "overdue": row["overdue"],
                "done_pct": percent(row["done"], row["total"] - row["skipped"]),
            }
            for row in rows
        ),
        key=lambda r: CATEGORY_ORDER.get(r["category"], 99),
    )
    countable = overall["total"] - overall["skipped"]
    return {
        **overall,
        "open": countable - overall["done"],
        "done_pct": percent(overall["done"], countable),
        "on_track_pct": percent(countable - overall["overdue"], countable),
        "by_category": by_category,
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


def milestones_due(*, user: User, within_days: int) -> QuerySet[Milestone]:
    """Open milestones of the user's plans due within ``within_days`` days, overdue ones
    included, soonest first."""
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    return (
        Milestone.objects.filter(plan__owner=user, target_date__lte=horizon)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("plan")
        .order_by("target_date", "position")
    )


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
    edges = [
        {
            "x1": points[d.pk]["x"],
            "y1": points[d.pk]["y"],
            "x2": points[m.pk]["x"],
            "y2": points[m.pk]["y"],
        }
        for m in milestones
        for d in m.dependencies.all()
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
