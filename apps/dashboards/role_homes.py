"""Reads for the mentor's and the coordinator's sections of the home page: what needs
them this week. Flags, progress and who may see what are not decided here: a mentee's
figures and flags are the mentor table's (``selectors.mentor_dashboard``), a student's
the programme overview's (``coordinator.student_figures``), and every read of a mentee's
plan goes through matching's ``mentee_ids_sharing``. A fixed number of queries for each
role, whatever the number of mentees, programmes or rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Window
from django.utils import timezone

from apps.dashboards.coordinator import student_figures
from apps.dashboards.figures import RED, Figures
from apps.dashboards.selectors import id_url, mentor_dashboard
from apps.matching.models import (
    Cadence,
    CohortInvitation,
    CohortMembership,
    CoordinatorInvitation,
    MatchingRound,
    MemberRole,
    MentorProfile,
    Mentorship,
    Programme,
)
from apps.matching.selectors import coordinated_programme_ids, mentee_ids_sharing
from apps.milestones.models import CLOSED_STATUSES, CheckIn, Milestone, MilestoneComment

if TYPE_CHECKING:
    from apps.accounts.models import User

WEEK_DAYS = 7
LIST_LIMIT = 10
# How often a mentor who meets at a cadence should hold a check-in; "when needed" sets
# no rhythm, so no check-in ever falls due.
CADENCE_DAYS: dict[str, int] = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14, Cadence.MONTHLY: 30}
# Rounds a coordinator has something to do in: collecting choices, or proposals to review.
ROUNDS_TO_WATCH = (MatchingRound.Status.OPEN, MatchingRound.Status.DONE)


@dataclass
class MenteeCheckIn:
    student_id: int
    name: str
    url: str
    shares_plan: bool
    last: dt.date | None
    due: dt.date | None
    overdue: bool = False


def _week(now: dt.datetime) -> tuple[dt.date, dt.date]:
    """Today and the last day of the seven days from today, in the viewer's time zone."""
    today = timezone.localdate(now)
    return today, today + dt.timedelta(days=WEEK_DAYS - 1)


def mentor_home(*, mentor: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """Pending requests with their expiry, flagged mentees with the reasons, mentees'
    milestones due this week, check-ins due, and mentees' comments awaiting a reply."""
    now = now or timezone.now()
    today, week_end = _week(now)
    board = mentor_dashboard(mentor=mentor, now=now)
    rows: list[Figures] = board["rows"]
    names = {r.student_id: r.name for r in rows}
    plan_shared = mentee_ids_sharing(mentor=mentor, area="plan")

    pending = [
        {**p, "days_left": (timezone.localdate(p["expires_at"]) - today).days}
        if p["expires_at"]
        else {**p, "days_left": None}
        for p in Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.PENDING)
        # A request past its expiry can no longer be accepted, even before the sweep.
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by(F("expires_at").asc(nulls_last=True), "created_at", "pk")
        .values(
            "pk",
            "message",
            "created_at",
            "expires_at",
            "student_id",
            "student__display_name",
            "student__email",
            # Counted over every request that can still be answered, before the limit.
            total=Window(Count("pk")),
        )[:LIST_LIMIT]
    ]
    due = [
        {
            **m,
            "name": names.get(m["student_id"], ""),
            "url": id_url("dashboards:mentee", m["student_id"]),
        }
        for m in Milestone.objects.filter(
            plan__owner_id__in=plan_shared, target_date__range=(today, week_end)
        )
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("target_date", "pk")
        .values("pk", "title", "target_date", student_id=F("plan__owner_id"))[:LIST_LIMIT]
    ]
    last_checkin = dict(
        # Only this mentor's check-ins: a mentee's meeting with another mentor is not one.
        CheckIn.objects.filter(plan__owner_id__in=plan_shared, mentor=mentor)
        .order_by()
        .values_list("plan__owner_id")
        .annotate(last=Max("date"))
    )
    cadence = MentorProfile.objects.filter(user=mentor).values_list("cadence", flat=True).first()
    every = CADENCE_DAYS.get(cadence) if cadence else None
    checkins = []
    for r in sorted(rows, key=lambda r: r.name.lower()):
        last = last_checkin.get(r.student_id)
        next_due = None
        if r.shares["plan"] and every:
            next_due = last + dt.timedelta(days=every) if last else today
        checkins.append(
            MenteeCheckIn(
                student_id=r.student_id,
                name=r.name,
                url=id_url("dashboards:mentee", r.student_id),
                shares_plan=r.shares["plan"],
                last=last,
                due=next_due,
                overdue=next_due is not None and next_due < today,
            )
        )
    # A mentee's own comment is waiting until the mentor has commented after it.
    answered = MilestoneComment.objects.filter(
        milestone_id=OuterRef("milestone_id"), author=mentor, created_at__gt=OuterRef("created_at")
    )
    waiting = [
        {
            **c,
            "name": names.get(c["student_id"], ""),
            "url": id_url("dashboards:mentee", c["student_id"]) + "#comments",
        }
        for c in MilestoneComment.objects.filter(
            milestone__plan__owner_id__in=plan_shared,
            author_id=F("milestone__plan__owner_id"),
        )
        .filter(~Exists(answered))
        .order_by("-created_at", "-pk")
        .values(
            "pk",
            "body",
            "created_at",
            milestone_title=F("milestone__title"),
            student_id=F("milestone__plan__owner_id"),
        )[:LIST_LIMIT]
    ]
    flagged = sorted((r for r in rows if r.level), key=lambda r: r.worry)
    return {
        "active": len(rows),
        "pending": pending,
        "pending_total": pending[0]["total"] if pending else 0,
        "flagged": [
            {"row": r, "url": id_url("dashboards:mentee", r.student_id), **_badge(r)}
            for r in flagged
        ],
        "red": board["red"],
        "amber": board["amber"],
        "due": due,
        "checkins": checkins,
        "checkins_due": sum(1 for c in checkins if c.due is not None and c.due <= week_end),
        "cadence_days": every,
        "waiting": waiting,
        "week_end": week_end,
    }


def coordinator_home(*, user: User, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per programme the person runs: rounds collecting choices (with how many students
    ranked) or awaiting review, students without a mentor, mentored students flagged,
    and invitations not yet accepted."""
    now = now or timezone.now()
    programmes = list(
        Programme.objects.filter(pk__in=coordinated_programme_ids(user=user))
        .order_by("name", "pk")
        .values("pk", "name")
    )
    if not programmes:
        return []
    ids = [p["pk"] for p in programmes]
    figures, programmes_of, people = student_figures(programme_ids=ids, now=now)
    cohort_students = (
        CohortMembership.objects.filter(cohort_id=OuterRef("cohort_id"), role=MemberRole.STUDENT)
        .order_by()
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rounds = list(
        MatchingRound.objects.filter(cohort__programme_id__in=ids, status__in=ROUNDS_TO_WATCH)
        .annotate(
            ranked=Count("choices__student", distinct=True),
            students=Subquery(cohort_students),
        )
        .order_by("created_at", "pk")
        .values(
            "pk",
            "name",
            "status",
            "ranked",
            "students",
            cohort_name=F("cohort__name"),
            programme_id=F("cohort__programme_id"),
        )
    )
    invited = _pending_invitations(ids)
    status_labels = dict(MatchingRound.Status.choices)
    out = []
    for p in programmes:
        pk = p["pk"]
        students = sorted(
            (f for sid, f in figures.items() if pk in programmes_of.get(sid, ())),
            key=lambda f: f.name.lower(),
        )
        unmatched = [f for f in students if not people[f.student_id]["mentors"]]
        flagged = sorted(
            (f for f in students if people[f.student_id]["mentors"] and f.level),
            key=lambda f: f.worry,
        )
        out.append(
            {
                "pk": pk,
                "name": p["name"],
                "students": len(students),
                "rounds": [
                    {
                        **r,
                        "status_label": status_labels[r["status"]],
                        "url": id_url("matching:round_detail", r["pk"]),
                        "students": r["students"] or 0,
                    }
                    for r in rounds
                    if r["programme_id"] == pk
                ],
                "unmatched": unmatched[:LIST_LIMIT],
                "unmatched_total": len(unmatched),
                "flagged": [{"row": f, **_badge(f)} for f in flagged[:LIST_LIMIT]],
                "flagged_total": len(flagged),
                "invitations": invited.get(pk, {"cohort": 0, "coordinator": 0}),
                "members_url": id_url("dashboards:programme", pk),
                "programme_url": id_url("matching:programme_detail", pk),
            }
        )
    return out


def _badge(f: Figures) -> dict[str, str]:
    """The badge of a person's worst flag."""
    return {"css": "danger" if f.level == RED else "warning", "label": f.level_label.capitalize()}


def _pending_invitations(programme_ids: list[int]) -> dict[int, dict[str, int]]:
    """Invitations not yet accepted, by programme: to cohorts and to co-coordinate."""
    out: dict[int, dict[str, int]] = {}
    for kind, rows in (
        (
            "cohort",
            CohortInvitation.objects.filter(
                cohort__programme_id__in=programme_ids, accepted_at__isnull=True
            ).values_list("cohort__programme_id"),
        ),
        (
            "coordinator",
            CoordinatorInvitation.objects.filter(
                programme_id__in=programme_ids, accepted_at__isnull=True
            ).values_list("programme_id"),
        ),
    ):
        for programme_id, n in rows.order_by().annotate(n=Count("pk")):
            out.setdefault(programme_id, {"cohort": 0, "coordinator": 0})[kind] = n
    return out
