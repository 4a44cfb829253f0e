"""Programme health for coordinators: per pair, how often they meet and how the two
people answer "is this a good fit?", with the private notes meant for coordinators.

A coordinator sees counts, dates, fit and usefulness answers and notes written to them;
never an agenda or a message. Every read here runs a fixed number of queries, whatever
the number of pairs or meetings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import Lag
from django.utils import timezone

from apps.matching.models import Mentorship
from apps.matching.selectors import programme_mentorships
from apps.meetings.models import ACTIVE_MEETING_STATUSES, Fit, MeetingFeedback

if TYPE_CHECKING:
    from apps.matching.models import Programme

QUIET_AFTER_DAYS = 30
# How many answers each pair's fit line shows, latest last.
FIT_HISTORY = 12


def fit_answers_in_order() -> QuerySet[MeetingFeedback]:
    """Every answer with the pair's two answers before it (``previous_fit``,
    ``fit_before_that``), the pair's answers ordered by meeting, then by when given."""
    pair = [F("meeting__mentorship_id")]
    order = [F("meeting__during").asc(), F("created_at").asc(), F("pk").asc()]
    return MeetingFeedback.objects.annotate(
        mentorship_id=F("meeting__mentorship_id"),
        previous_fit=Window(Lag("fit", 1), partition_by=pair, order_by=order),
        fit_before_that=Window(Lag("fit", 2), partition_by=pair, order_by=order),
    )


def fit_alerts() -> QuerySet[MeetingFeedback]:
    """The one definition of a fit alert: the answer that makes two "not a good fit"
    answers in a row for a pair (from either person). A third in a row is the same
    streak and raises no second alert; after any other answer, two more raise a new
    one. Annotated with ``mentorship_id``."""
    # The window runs over every answer first: a condition on the row itself placed in
    # the same query would be applied before the LAG and skip the other answers.
    streaks = fit_answers_in_order().filter(
        Q(previous_fit=Fit.NOT_GOOD)
        & (Q(fit_before_that__isnull=True) | ~Q(fit_before_that=Fit.NOT_GOOD))
    )
    return MeetingFeedback.objects.filter(pk__in=streaks.values("pk"), fit=Fit.NOT_GOOD).annotate(
        mentorship_id=F("meeting__mentorship_id")
    )


@dataclass
class PairHealth:
    mentorship_id: int
    student: str
    mentor: str
    student_id: int
    mentor_id: int
    held: int
    last_held: dt.datetime | None
    days_since: int | None
    answers: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    alert: bool = False

    @property
    def quiet(self) -> bool:
        return self.days_since is None or self.days_since > QUIET_AFTER_DAYS


def _days_between(earlier: dt.datetime | None, now: dt.datetime) -> int | None:
    """Calendar days, as the programme page's other dates count them."""
    if earlier is None:
        return None
    return (timezone.localdate(now) - timezone.localdate(earlier)).days


def programme_health(*, programme: Programme, now: dt.datetime | None = None) -> dict[str, Any]:
    """The programme's active pairs with meetings held, days since the last one, their
    fit answers over time and notes to the coordinator; which pairs have not met in 30
    days and which are in a fit alert. Three queries."""
    now = now or timezone.now()
    held = Q(meetings__status__in=ACTIVE_MEETING_STATUSES, meetings__during__fully_lt=(now, None))
    active = programme_mentorships(programme=programme).filter(status=Mentorship.Status.ACTIVE)
    pairs = list(
        active.annotate(
            held=Count("meetings", filter=held),
            last_held=Max("meetings__during__startswith", filter=held),
        )
        .select_related("student", "mentor")
        .order_by("student__display_name", "student__email", "pk")
    )
    # The pairs again as a subquery, not a list of ids: the page then runs the same
    # queries with no pair as with many.
    ids = active.values("pk")
    rows = {
        p.pk: PairHealth(
            mentorship_id=p.pk,
            student=p.student.name,
            mentor=p.mentor.name,
            student_id=p.student_id,
            mentor_id=p.mentor_id,
            held=p.held,
            last_held=p.last_held,
            days_since=_days_between(p.last_held, now),
        )
        for p in pairs
    }
    alert_ids = set(
        fit_alerts().filter(meeting__mentorship_id__in=ids).values_list("pk", flat=True)
    )
    answers = (
        MeetingFeedback.objects.filter(meeting__mentorship_id__in=ids)
        .annotate(mentorship_id=F("meeting__mentorship_id"), meeting_start=F("meeting__during"))
        .order_by("meeting__during", "created_at", "pk")
        .values(
            "pk",
            "mentorship_id",
            "meeting_start",
            "author_id",
            "fit",
            "useful",
            "note_to_coordinator",
            "created_at",
        )
    )
    labels = dict(Fit.choices)
    for answer in answers:
        row = rows[answer["mentorship_id"]]
        by = "mentor" if answer["author_id"] == row.mentor_id else "mentee"
        entry = {
            "fit": answer["fit"],
            "fit_label": labels[answer["fit"]],
            "useful": answer["useful"],
            "by": by,
            "on": answer["meeting_start"].lower,
            "alert": answer["pk"] in alert_ids,
        }
        row.answers.append(entry)
        if answer["note_to_coordinator"]:
            row.notes.append({"by": by, "on": entry["on"], "text": answer["note_to_coordinator"]})
    for row in rows.values():
        # In alert while the streak that raised it lasts: no other answer since.
        streak = []
        for entry in reversed(row.answers):
            if entry["fit"] != Fit.NOT_GOOD:
                break
            streak.append(entry)
        row.alert = any(entry["alert"] for entry in streak)
        row.answers = row.answers[-FIT_HISTORY:]
    listed = list(rows.values())
    return {
        "pairs": listed,
        "quiet": sum(1 for r in listed if r.quiet),
        "alerts": sum(1 for r in listed if r.alert),
        "quiet_after_days": QUIET_AFTER_DAYS,
    }
