"""Reads of the research capability. Every function here runs a fixed number of
queries, whatever the number of rows: the nudges and dashboards build on them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery

from apps.research.models import (
    ACTIVE_STAGES,
    DEFAULT_FOLLOWUP_WEEKLY_CAP,
    Contact,
    ContactStatus,
    Draft,
    DraftStageChange,
    Interaction,
    Purpose,
    ResearchPreferences,
    Stage,
    VenueDeadline,
)

if TYPE_CHECKING:
    from apps.accounts.models import User


def user_local_date(*, user: User, now: dt.datetime) -> dt.date:
    """Today's date where the person is (a follow-up is due on their calendar day)."""
    return now.astimezone(user.zone).date()


# --- Drafts and deadlines --------------------------------------------------------------


def _with_next_deadline(qs: QuerySet[Draft], *, now: dt.datetime) -> QuerySet[Draft]:
    """Annotate each draft with its target venue's next deadline (instant, kind, label,
    year)."""
    upcoming = VenueDeadline.objects.filter(
        venue_id=OuterRef("target_venue_id"), due_at__gte=now
    ).order_by("due_at", "pk")
    return qs.annotate(
        next_deadline_at=Subquery(upcoming.values("due_at")[:1]),
        next_deadline_kind=Subquery(upcoming.values("kind")[:1]),
        next_deadline_label=Subquery(upcoming.values("label")[:1]),
        next_deadline_year=Subquery(upcoming.values("year")[:1]),
    )


def drafts_for_owner(*, owner: User | int, now: dt.datetime) -> QuerySet[Draft]:
    return _with_next_deadline(
        Draft.objects.filter(owner=owner).select_related("target_venue"), now=now
    ).order_by("-updated_at", "-pk")


def drafts_by_stage(*, owner: User | int, now: dt.datetime) -> list[tuple[Stage, list[Draft]]]:
    """The board: every stage in order, each with its drafts (possibly none)."""
    columns: dict[str, list[Draft]] = {stage.value: [] for stage in Stage}
    for draft in drafts_for_owner(owner=owner, now=now):
        columns[draft.stage].append(draft)
    return [(stage, columns[stage.value]) for stage in Stage]


def draft_stage_history(*, draft: Draft) -> QuerySet[DraftStageChange]:
    return draft.stage_changes.select_related("changed_by").order_by("changed_at", "pk")


def draft_deadlines(*, draft: Draft) -> QuerySet[VenueDeadline]:
    if draft.target_venue_id is None:
        return VenueDeadline.objects.none()
    return VenueDeadline.objects.filter(venue_id=draft.target_venue_id).order_by("due_at")


def drafts_with_upcoming_deadlines(
    *, user: User | int, now: dt.datetime, within_days: int
) -> QuerySet[Draft]:
    """The user's drafts still in play whose target venue has a deadline in the next
    ``within_days`` days, soonest first, annotated with ``next_deadline_at``,
    ``next_deadline_kind`` and ``next_deadline_year``. One query."""
    horizon = now + dt.timedelta(days=within_days)
    return (
        _with_next_deadline(
            Draft.objects.filter(owner=user, stage__in=ACTIVE_STAGES).select_related(
                "target_venue"
            ),
            now=now,
        )
        .filter(next_deadline_at__isnull=False, next_deadline_at__lte=horizon)  # type: ignore[misc]
        .order_by("next_deadline_at", "pk")
    )


def deadlines_for_calendar(*, user: User | int, since: dt.datetime) -> QuerySet[VenueDeadline]:
    """Deadlines (from ``since`` on) of venues the user's drafts target."""
    venue_ids = Draft.objects.filter(owner=user, target_venue__isnull=False).values(
        "target_venue_id"
    )
    return (
        VenueDeadline.objects.filter(venue_id__in=venue_ids, due_at__gte=since)
        .select_related("venue")
        .order_by("due_at")
    )


# --- Contacts and follow-ups --------------------------------------------------------


def contacts_for_owner(
    *,
    owner: User | int,
    status: str = "",
    purpose: str = "",
    search: str = "",
) -> QuerySet[Contact]:
    qs = Contact.objects.filter(owner=owner)
    if status:
        qs = qs.filter(status=status)
    if purpose:
        qs = qs.filter(purpose=purpose)
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(affiliation__icontains=search)
            | Q(notes__icontains=search)
        )
    return qs.annotate(interaction_count=Count("interactions")).order_by("name", "pk")


def followups_due(*, user: User, now: dt.datetime) -> QuerySet[Contact]:
    """Contacts emailed without reply whose follow-up date has come (in the user's own
    timezone), oldest first. One query."""
    today = user_local_date(user=user, now=now)
    return Contact.objects.filter(
        owner=user, status=ContactStatus.EMAILED, follow_up_on__lte=today
    ).order_by("follow_up_on", "pk")


def followup_weekly_cap(*, user: User) -> int:
    prefs = ResearchPreferences.objects.filter(user=user).first()
    return prefs.followup_weekly_cap if prefs else DEFAULT_FOLLOWUP_WEEKLY_CAP


def contact_interactions(*, contact: Contact) -> QuerySet[Interaction]:
    return contact.interactions.order_by("-occurred_on", "-pk")


_GREETINGS = {
    Purpose.ADVICE: (
        "Advice on {topic}",
        "I am {sender}, and I am working toward a research career in {topic}. "
        "I have been reading your work and would be grateful for your advice on "
        "how to move forward.",
    ),
    Purpose.PHD_POSITION: (
        "Prospective PhD student: {topic}",
        "I am {sender}, and I am applying for PhD positions in {topic}. "
        "Your group's research directions fit mine closely, and I would like to ask "
        "whether you expect to take on students.",
    ),
    Purpose.INTERNSHIP: (
        "Research internship enquiry",
        "I am {sender}, and I am looking for a research internship in {topic}. "
        "I would be glad to know whether your group hosts interns.",
    ),
    Purpose.COLLABORATION: (
        "Possible collaboration on {topic}",
        "I am {sender}. I am working on {topic} and think our interests overlap; "
        "would you be open to a short conversation about working together?",
    ),
    Purpose.DRAFT_FEEDBACK: (
        "Feedback on a draft",
        "I am {sender}. I have written a draft on {topic} and would value your "
        "feedback, however brief.",
    ),
}


def contact_mailto_url(*, contact: Contact, sender: User) -> str:
    """A ``mailto:`` link that opens the student's own mail client with a prepared
    subject and body; Pacer never emails researchers itself. Everything is
    percent-encoded (spaces as %20, as RFC 6068 requires, not '+')."""
    topic = (sender.research_interests or "my research").split(",")[0].strip() or "my research"
    subject, body = _GREETINGS.get(Purpose(contact.purpose), _GREETINGS[Purpose.ADVICE])
    subject = subject.format(topic=topic)
    body = body.format(sender=sender.name, topic=topic)
    if contact.status == ContactStatus.EMAILED and contact.last_emailed_on:
        subject = f"Following up: {subject}"
        body = (
            f"I am writing to follow up on my email of {contact.last_emailed_on:%d %B %Y}. " + body
        )
    greeting = f"Dear {contact.name},"
    text = f"{greeting}\n\n{body}\n\nBest wishes,\n{sender.name}"
    address = quote(contact.email, safe="@")
    return f"mailto:{address}?subject={quote(subject, safe='')}&body={quote(text, safe='')}"


def contacts_for_export(*, owner: User) -> QuerySet[Contact]:
    return Contact.objects.filter(owner=owner).prefetch_related(
        Prefetch("interactions", queryset=Interaction.objects.order_by("occurred_on", "pk"))
    )


def drafts_for_export(*, owner: User) -> QuerySet[Draft]:
    return (
        Draft.objects.filter(owner=owner)
        .select_related("target_venue")
        .prefetch_related(
            "coauthor_users",
            Prefetch("stage_changes", queryset=DraftStageChange.objects.order_by("changed_at")),
        )
        .order_by("created_at", "pk")
    )


# --- Figures for the dashboards, in bulk for many people ---------------------------------

# A draft in one of these stages a week before its deadline is at risk; once it is in
# internal review (or later) the text exists and the deadline is no longer alarming.
EARLY_STAGES = (Stage.IDEA, Stage.OUTLINE, Stage.DRAFTING)


def draft_figures(*, owners: QuerySet | list[int], now: dt.datetime) -> dict[int, dict]:
    """The ``papers`` figures of each of ``owners`` who has drafts, by owner id: the next
    venue deadline of an active draft (``next_deadline``), the next one of a draft still
    in an early stage (``early_deadline``), the latest change to a draft
    (``last_change``), and when the first of those deadlines passes, changing the
    figures by time alone (``changes_at``). One grouped query."""
    upcoming = Q(target_venue__deadlines__due_at__gte=now)
    rows = (
        Draft.objects.filter(owner_id__in=owners)
        .order_by()
        .values("owner_id")
        .annotate(
            next_deadline=Min(
                "target_venue__deadlines__due_at", filter=upcoming & Q(stage__in=ACTIVE_STAGES)
            ),
            early_deadline=Min(
                "target_venue__deadlines__due_at", filter=upcoming & Q(stage__in=EARLY_STAGES)
            ),
            last_change=Max("updated_at"),
        )
    )
    return {
        r.pop("owner_id"): {
            **r,
            "changes_at": min(
                (d for d in (r["next_deadline"], r["early_deadline"]) if d is not None),
                default=None,
            ),
        }
        for r in rows
    }


def outreach_by_status(*, owners: QuerySet | list[int]) -> list[dict]:
    """Contacts of ``owners`` counted per status (one query)."""
    return list(
        Contact.objects.filter(owner_id__in=owners)
        .order_by("status")
        .values("status")
        .annotate(n=Count("pk"))
    )
