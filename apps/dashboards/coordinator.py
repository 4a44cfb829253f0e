"""Reads for the coordinator's programme overview, members table and CSV export.
A student's figures are the same ``figures_by_person`` as on the mentor table, over their plan
(a coordinator sees a programme's progress, not its members' reading or papers)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.dashboards.figures import Figures, Person, display_name, figures_by_person, figures_of
from apps.matching.models import CohortMembership, MemberRole, Mentorship, Programme
from apps.matching.selectors import coordinated_programme_ids
from apps.milestones.selectors import completions_by_month, percent

if TYPE_CHECKING:
    from apps.accounts.models import User

CHART_MONTHS = 12


def _students(programme_ids: list[int]) -> Any:
    return CohortMembership.objects.filter(
        cohort__programme_id__in=programme_ids, role=MemberRole.STUDENT
    )


def _active_mentorships(user_ref: str, field: str) -> Coalesce:
    counted = (
        Mentorship.objects.filter(**{field: OuterRef(user_ref)}, status=Mentorship.Status.ACTIVE)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted), Value(0))


def student_figures(
    *, programme_ids: list[int], now: dt.datetime
) -> tuple[dict[int, Figures], dict[int, set[int]], dict[int, Any]]:
    """Figures of every student of the programmes, which programmes each is in, and
    their name, email and number of active mentors (three queries)."""
    memberships = list(_students(programme_ids).values_list("user_id", "cohort__programme_id"))
    programmes_of: dict[int, set[int]] = {}
    for user_id, programme_id in memberships:
        programmes_of.setdefault(user_id, set()).add(programme_id)
    ids = _students(programme_ids).values("user_id")
    # A coordinator sees their students' plan figures, not their reading or papers.
    people: dict[int, Any] = {
        u["pk"]: u
        for u in get_user_model()
        .objects.filter(pk__in=ids)
        .values(
            "pk",
            "display_name",
            "email",
            "last_login",
            mentors=_active_mentorships("pk", "student_id"),
        )
    }
    found = figures_by_person(visible={"plan": list(people)}, now=now)
    figures = [
        figures_of(
            Person(
                student_id=pk,
                name=display_name(u["display_name"], u["email"]),
                last_login=u["last_login"],
                shares={"plan": True},
            ),
            found.get(pk, {}),
            now=now,
        )
        for pk, u in people.items()
    ]
    return {f.student_id: f for f in figures}, programmes_of, people


def _mentor_rows(programme_ids: list[int]) -> list[dict[str, Any]]:
    """One row per mentor of the programmes: active mentees, capacity and the
    programmes they are in (two queries)."""
    members = CohortMembership.objects.filter(
        cohort__programme_id__in=programme_ids, role=MemberRole.MENTOR
    )
    programmes_of: dict[int, set[int]] = {}
    for user_id, programme_id in members.values_list("user_id", "cohort__programme_id"):
        programmes_of.setdefault(user_id, set()).add(programme_id)
    rows = list(
        get_user_model()
        .objects.filter(pk__in=members.values("user_id"))
        .annotate(
            active=_active_mentorships("pk", "mentor_id"),
            capacity=Coalesce(F("mentor_profile__capacity"), Value(0)),
        )
        .order_by("display_name", "email")
        .values("pk", "display_name", "email", "active", "capacity")
    )
    for m in rows:
        m["programme_ids"] = programmes_of.get(m["pk"], set())
        m["at_capacity"] = m["capacity"] > 0 and m["active"] >= m["capacity"]
        m["near_capacity"] = (
            not m["at_capacity"] and m["capacity"] > 0 and m["active"] >= m["capacity"] - 1
        )
    return rows


def coordinator_overview(*, user: User, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per programme the coordinator runs: members, matching, activity, capacity and a
    monthly completion series, in a fixed number of queries."""
    now = now or timezone.now()
    programmes = list(
        Programme.objects.filter(pk__in=coordinated_programme_ids(user=user))
        .order_by("name")
        .values("pk", "name")
    )
    ids = [p["pk"] for p in programmes]
    figures, programmes_of, people = student_figures(programme_ids=ids, now=now)
    mentors = _mentor_rows(ids)
    start = _months_back(timezone.localdate(now), CHART_MONTHS)[0]
    done = completions_by_month(owners=_students(ids).values("user_id"), since=start)
    out = []
    for p in programmes:
        pk = p["pk"]
        students = [f for sid, f in figures.items() if pk in programmes_of.get(sid, ())]
        matched = sum(1 for f in students if people[f.student_id]["mentors"])
        series: dict[dt.date, int] = {}
        for f in students:
            for month, n in done.get(f.student_id, {}).items():
                series[month] = series.get(month, 0) + n
        mine = [m for m in mentors if pk in m["programme_ids"]]
        out.append(
            {
                "pk": pk,
                "name": p["name"],
                "students": len(students),
                "mentors": len(mine),
                "matched": matched,
                "matched_pct": percent(matched, len(students)),
                "active_mentorships": sum(people[f.student_id]["mentors"] for f in students),
                "inactive_students": sum(1 for f in students if f.inactive),
                "mentors_at_capacity": sum(1 for m in mine if m["at_capacity"]),
                "mentors_near_capacity": sum(1 for m in mine if m["near_capacity"]),
                "chart": completion_chart(series, now=now),
            }
        )
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
    """The programme table: one row per student (their figures) and per mentor."""
    now = now or timezone.now()
    figures, _, people = student_figures(programme_ids=[programme.pk], now=now)
    students = sorted(
        ({"f": f, **people[f.student_id]} for f in figures.values()),
        key=lambda s: (s["display_name"], s["email"]),
    )
    return {"students": students, "mentors": _mentor_rows([programme.pk])}


CSV_HEADER = [
    "role",
    "name",
    "email",
    "active mentorships",
    "capacity",
    "milestones done",
    "milestones total",
    "milestones skipped",
    "overdue",
    "flag",
    "flag reasons",
    "last activity",
]


def programme_csv_rows(*, programme: Programme, now: dt.datetime | None = None) -> list[list[Any]]:
    members = programme_members(programme=programme, now=now)
    rows: list[list[Any]] = [CSV_HEADER]
    for s in members["students"]:
        f: Figures = s["f"]
        last = f.last_activity
        rows.append(
            [
                "student",
                s["display_name"],
                s["email"],
                s["mentors"],
                "",
                f.plan_done,
                f.plan_total,
                f.plan_skipped,
                f.overdue,
                f.level_label,
                f.flag_summary,
                last.isoformat() if last else "",
            ]
        )
    for m in members["mentors"]:
        rows.append(
            ["mentor", m["display_name"], m["email"], m["active"], m["capacity"]]
            + [""] * (len(CSV_HEADER) - 5)
        )
    return rows
