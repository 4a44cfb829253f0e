"""Reads for the student home (the mentor's and coordinator's sections of the same page
are ``role_homes``).
The figures are the same ``figures_by_person`` as the mentor table's, over the
student's own areas; the rest are the owning apps' selectors. A fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, Q
from django.urls import reverse
from django.utils import timezone

from apps.dashboards.figures import Person, figures_by_person, figures_of
from apps.dashboards.kept import kept_read
from apps.matching.models import Mentorship
from apps.milestones.models import CLOSED_STATUSES, Milestone, Plan
from apps.milestones.selectors import category_progress, recent_comments_for
from apps.nudges.models import Kind, KindPreference, NudgeSettings
from apps.nudges.snoozes import snooze_active, snoozes_end
from apps.readinglists.models import ReadingList
from apps.research.models import ACTIVE_STAGES, PRE_SUBMISSION_STAGES, Purpose, Stage, deadline_name
from apps.research.selectors import drafts_for_owner, followups_due, user_local_date

if TYPE_CHECKING:
    from apps.accounts.models import User

Rows = Sequence[Mapping[str, Any]]

# Snoozing an action on the home page quiets the nudges about the same object too.
SNOOZE_KINDS: dict[str, tuple[str, ...]] = {
    "milestone": (Kind.MILESTONE_DUE, Kind.MILESTONE_OVERDUE),
    "draft": (Kind.DEADLINE_COUNTDOWN, Kind.DRAFT_STALLED),
    "followup": (Kind.FOLLOW_UP_DUE,),
    "cards": (Kind.CARDS_DUE,),
}


# The student sees every area of their own.
OWN_AREAS = ("plan", "papers", "reading")


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


def local_horizon(*, days: int, now: dt.datetime) -> dt.datetime:
    """The end of the viewer's local day ``days`` days from now (active time zone)."""
    local = timezone.localtime(now)
    return (local + dt.timedelta(days=days)).replace(hour=23, minute=59, second=59, microsecond=0)


def _facts(user: User, now: dt.datetime) -> Mapping[str, Any]:
    me = user.pk
    return (
        get_user_model()
        .objects.filter(pk=me)
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
            cards_snoozed=snooze_active(
                user_id=me, kinds=SNOOZE_KINDS["cards"], now=now, object_ref=0
            ),
        )
        .values()
        .get()
    )


def student_home(*, user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the student home shows. The onboarding facts are read on every view;
    the figures and the lists below them are kept between views (``kept.py``) until the
    student's data changes, the day ends, a listed deadline passes or a snooze ends."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    me = user.pk
    facts = _facts(user, now)
    person = Person(
        student_id=me,
        name=user.name,
        last_login=user.last_login,
        shares=dict.fromkeys(OWN_AREAS, True),
    )
    # The student's own figures, exactly as their mentor's table computes them.
    found = figures_by_person(visible={area: [me] for area in OWN_AREAS}, now=now)
    figures = figures_of(person, found.get(me, {}), now=now)
    lists = kept_read("home", person_id=me, now=now, read=lambda: _lists(user, now))
    cards = 0 if facts["cards_snoozed"] else figures.cards_due
    milestones, drafts = lists["milestones"], lists["drafts"]
    actions = _actions(milestones, drafts, lists["followups"], cards=cards, today=today)
    return {
        "figures": figures,
        "actions": actions[:5],
        "cards_due": figures.cards_due,
        "deadlines": _deadlines(milestones, drafts, today=today)[:12],
        "categories": lists["categories"],
        "comments": lists["comments"],
        "has_plan": facts["has_plan"],
        "has_mentor": facts["has_mentor"],
        "has_lists": facts["has_lists"],
        "has_nudge_prefs": facts["has_nudge_prefs"],
    }


def _lists(user: User, now: dt.datetime) -> tuple[dict[str, Any], dt.datetime | None]:
    """The home's lists (open milestones and drafts due within 30 days, follow-ups,
    comments, progress by category), and the next moment time alone changes them: a
    listed draft's deadline passing, a snooze ending, or the day ending where the
    student is (follow-ups are due by their calendar)."""
    today = timezone.localdate(now)
    horizon = local_horizon(days=30, now=now)
    me = user.pk

    def awake(kind: str) -> Any:
        return ~snooze_active(user_id=me, kinds=SNOOZE_KINDS[kind], now=now)

    milestones = list(
        Milestone.objects.filter(plan__owner_id=me, target_date__lte=horizon.date())
        .exclude(status__in=CLOSED_STATUSES)
        .annotate(awake=awake("milestone"))
        .order_by("target_date", "position", "pk")
        .values("pk", "title", "target_date", "awake", plan_title=F("plan__title"))[:40]
    )
    drafts = list(
        drafts_for_owner(owner=me, now=now)
        .filter(stage__in=ACTIVE_STAGES, next_deadline_at__isnull=False)  # type: ignore[misc]
        .filter(next_deadline_at__lte=horizon)
        .annotate(awake=awake("draft"))
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
        .filter(awake("followup"))
        .values("pk", "name", "affiliation", "purpose", "follow_up_on")[:5]
    )
    lists = {
        "milestones": milestones,
        "drafts": drafts,
        "followups": followups,
        # Only what the page shows: kept in the shared cache, so no whole rows of people.
        "comments": [
            {
                "author": c.author.name,
                "milestone_id": c.milestone_id,
                "milestone_title": c.milestone.title,
                "created_at": c.created_at,
                "body": c.body,
            }
            for c in recent_comments_for(owners=[me], limit=5, exclude_author=me)
        ],
        "categories": category_progress(
            milestones=Milestone.objects.filter(plan__owner_id=me), today=today
        ),
    }
    their_tomorrow = dt.datetime.combine(
        user_local_date(user=user, now=now) + dt.timedelta(days=1), dt.time(), tzinfo=user.zone
    )
    changes = [d["next_deadline_at"] for d in drafts]
    changes += [their_tomorrow, snoozes_end(user_id=me, now=now)]
    return lists, min(t for t in changes if t is not None)


def _actions(
    milestones: Rows, drafts: Rows, followups: Rows, *, cards: int, today: dt.date
) -> list[NextAction]:
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
    if cards:
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
    return actions


def _deadlines(milestones: Rows, drafts: Rows, *, today: dt.date) -> list[dict]:
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
    return deadlines
