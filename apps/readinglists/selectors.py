"""Reads for reading lists and maths review. Each function runs a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from apps.matching.models import Mentorship
from apps.matching.selectors import (
    active_mentor_ids,
    active_mentorship,
    mentee_ids_sharing,
    mentor_can_view,
    mentorships_of,
    programme_peer_ids,
)
from apps.readinglists.models import (
    Assignment,
    Item,
    Progress,
    ReadingList,
    ReadingStatus,
    ReviewCard,
    ReviewLog,
    ReviewSettings,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

DONE_STATUSES = (ReadingStatus.READ, ReadingStatus.SUMMARISED)


def _shared_with_q(user: User) -> Q:
    """Lists others opened to ``user``: "my mentees" lists of their active mentors and
    "my programme" lists of people in one of their programmes."""
    return Q(
        visibility=ReadingList.Visibility.MENTEES, owner_id__in=active_mentor_ids(student=user)
    ) | Q(visibility=ReadingList.Visibility.PROGRAMME, owner_id__in=programme_peer_ids(user=user))


def can_read_list(*, user: User, reading_list: ReadingList) -> bool:
    """May ``user`` read this list and track their own progress on it?"""
    if reading_list.owner_id == user.pk:
        return True
    if reading_list.assignments.filter(mentee=user).exists():
        return True
    if reading_list.visibility == ReadingList.Visibility.MENTEES:
        return active_mentorship(mentor=reading_list.owner, student=user) is not None
    if reading_list.visibility == ReadingList.Visibility.PROGRAMME:
        return programme_peer_ids(user=user).filter(user_id=reading_list.owner_id).exists()
    return False


def can_copy_list(*, user: User, reading_list: ReadingList) -> bool:
    """May ``user`` keep a copy of this list? Only of their own, or of one its owner opened
    to them ("my mentees" while they are a mentee, "my programme" while they share a
    programme). A list seen through sharing or an assignment is read, never kept: the
    copy would outlive the sharing and the owner's account."""
    if reading_list.owner_id == user.pk:
        return True
    if reading_list.visibility == ReadingList.Visibility.MENTEES:
        return active_mentorship(mentor=reading_list.owner, student=user) is not None
    if reading_list.visibility == ReadingList.Visibility.PROGRAMME:
        return programme_peer_ids(user=user).filter(user_id=reading_list.owner_id).exists()
    return False


def copies_seen_only_through_sharing(
    *, owner: User, holder: User | None = None
) -> QuerySet[ReadingList]:
    """Copies other people keep of ``owner``'s lists that the owner never opened to them:
    the holder is or was the owner's mentor, and the list is private (or opened to the
    owner's mentees, which the holder never was) and not assigned to them, so they could
    only have read it through the owner's reading sharing. Copies of programme lists stay:
    the holder may have shared the programme when copying, and that is not recorded.

    ``holder`` narrows it to one person's copies.
    """
    began = (Mentorship.Status.ACTIVE, Mentorship.Status.ENDED)
    mentorships = mentorships_of(user=owner).filter(status__in=began)
    was_mentor = mentorships.filter(student_id=owner.pk, mentor_id=OuterRef("owner_id"))
    was_mentee = mentorships.filter(mentor_id=owner.pk, student_id=OuterRef("owner_id"))
    assigned = Assignment.objects.filter(
        reading_list_id=OuterRef("copied_from_id"), mentee_id=OuterRef("owner_id")
    )
    copies = ReadingList.objects.filter(copied_from__owner=owner).exclude(owner=owner)
    if holder is not None:
        copies = copies.filter(owner=holder)
    closed = Q(copied_from__visibility=ReadingList.Visibility.PRIVATE) | (
        Q(copied_from__visibility=ReadingList.Visibility.MENTEES) & ~Exists(was_mentee)
    )
    return copies.filter(Exists(was_mentor), closed).exclude(Exists(assigned))


def can_view_list(*, user: User, reading_list: ReadingList) -> bool:
    """Readers, plus mentors of the owner who share reading with them (read-only)."""
    return can_read_list(user=user, reading_list=reading_list) or mentor_can_view(
        viewer=user, owner=reading_list.owner_id, area="reading"
    )


def _with_counts(qs: QuerySet[ReadingList], user: User | None) -> QuerySet[ReadingList]:
    """Annotate item and done counts; ``user=None`` counts each list owner's progress."""
    reader: Any = OuterRef("owner_id") if user is None else user.pk
    done = Progress.objects.filter(
        user_id=reader, item__reading_list=OuterRef("pk"), status__in=DONE_STATUSES
    )
    return qs.annotate(
        item_count=Coalesce(
            Subquery(
                Item.objects.filter(reading_list=OuterRef("pk"))
                .order_by()
                .values("reading_list")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        done_count=Coalesce(
            Subquery(
                done.order_by().values("user").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )


def lists_for_index(*, user: User) -> dict[str, list[Any]]:
    """The reading-list home: my lists, assigned to me, shared by my mentors, my mentees'."""
    due = Assignment.objects.filter(reading_list=OuterRef("pk"), mentee=user).values("due_date")
    base = ReadingList.objects.select_related("owner")
    mine = list(_with_counts(base.filter(owner=user), user))
    assigned = list(
        _with_counts(base.filter(assignments__mentee=user), user)
        .annotate(due_date=Subquery(due[:1]))
        .order_by("due_date", "title")
    )
    assigned_ids = {rl.pk for rl in assigned}
    shared = [
        rl
        for rl in _with_counts(
            base.filter(_shared_with_q(user)).exclude(owner=user),
            user,
        )
        if rl.pk not in assigned_ids
    ]
    mentees = list(
        _with_counts(
            base.filter(owner_id__in=mentee_ids_sharing(mentor=user, area="reading")), None
        ).order_by("owner__display_name", "title")
    )
    return {"mine": mine, "assigned": assigned, "shared": shared, "mentees": mentees}


def items_with_status(*, reading_list: ReadingList, user: User) -> QuerySet[Item]:
    """Items of a list with ``user``'s status and summary flag, in one query per page."""
    mine = Progress.objects.filter(item=OuterRef("pk"), user=user)
    return (
        reading_list.items.all()
        .annotate(
            my_status=Coalesce(Subquery(mine.values("status")[:1]), Value(ReadingStatus.TO_READ)),
            has_card=Exists(ReviewCard.objects.filter(reading_item=OuterRef("pk"), owner=user)),
        )
        .order_by("position", "pk")
    )


def reading_progress(*, user: User) -> dict[str, int]:
    """Counts of the user's items (own and assigned lists) per status, in one query."""
    list_ids = ReadingList.objects.filter(Q(owner=user) | Q(assignments__mentee=user)).values("pk")
    status = Subquery(Progress.objects.filter(item=OuterRef("pk"), user=user).values("status")[:1])
    counts = (
        Item.objects.filter(reading_list_id__in=list_ids)
        .annotate(s=Coalesce(status, Value(ReadingStatus.TO_READ)))
        .aggregate(
            total=Count("pk"),
            reading=Count("pk", filter=Q(s=ReadingStatus.READING)),
            read=Count("pk", filter=Q(s=ReadingStatus.READ)),
            summarised=Count("pk", filter=Q(s=ReadingStatus.SUMMARISED)),
        )
    )
    total = counts.pop("total")
    return {
        "to_read": total - counts["reading"] - counts["read"] - counts["summarised"],
        **counts,
        "total": total,
    }


def list_progress_by_mentee(*, reading_list: ReadingList, mentor: User) -> list[dict[str, Any]]:
    """Per assigned mentee who shares reading with ``mentor``: read/summarised counts."""
    sharing = mentee_ids_sharing(mentor=mentor, area="reading")
    assignments = list(
        Assignment.objects.filter(reading_list=reading_list, mentee_id__in=sharing)
        .select_related("mentee")
        .order_by("mentee__display_name")
    )
    rows = (
        Progress.objects.filter(
            item__reading_list=reading_list, user_id__in=[a.mentee_id for a in assignments]
        )
        .values("user_id")
        .annotate(
            reading=Count("pk", filter=Q(status=ReadingStatus.READING)),
            read=Count("pk", filter=Q(status__in=DONE_STATUSES)),
            summarised=Count("pk", filter=Q(status=ReadingStatus.SUMMARISED)),
        )
    )
    by_user = {r["user_id"]: r for r in rows}
    return [
        {
            "assignment": a,
            "mentee": a.mentee,
            **{
                k: by_user.get(a.mentee_id, {}).get(k, 0) for k in ("reading", "read", "summarised")
            },
        }
        for a in assignments
    ]


def mentee_reading_lists(*, mentee: User) -> list[ReadingList]:
    """A mentee's own and assigned lists with their done counts (caller checks access)."""
    return list(
        _with_counts(
            ReadingList.objects.filter(Q(owner=mentee) | Q(assignments__mentee=mentee))
            .distinct()
            .select_related("owner"),
            mentee,
        ).order_by("title")
    )


def search_items(*, user: User, query: str, limit: int = 50) -> list[Item]:
    """Full-text search over the user's items (own and assigned lists) and their notes."""
    query = query.strip()
    if not query:
        return []
    list_ids = ReadingList.objects.filter(Q(owner=user) | Q(assignments__mentee=user)).values("pk")
    mine = Progress.objects.filter(item=OuterRef("pk"), user=user)
    text: TextField = TextField()
    qs = (
        Item.objects.filter(reading_list_id__in=list_ids)
        .select_related("reading_list")
        .annotate(
            my_notes=Coalesce(Subquery(mine.values("notes")[:1]), Value(""), output_field=text),
            my_summary=Coalesce(Subquery(mine.values("summary")[:1]), Value(""), output_field=text),
            my_status=Coalesce(Subquery(mine.values("status")[:1]), Value(ReadingStatus.TO_READ)),
        )
    )
    weights = {"title": "A", "my_summary": "B", "my_notes": "B", "abstract": "C"}
    vectors = [SearchVector(f, weight=w, config="english") for f, w in weights.items()]
    vector: Any = vectors[0]
    for extra in [*vectors[1:], SearchVector("venue", weight="C", config="english")]:
        vector += extra
    search = SearchQuery(query, search_type="websearch", config="english")
    qs = (
        qs.annotate(document=vector, rank=SearchRank(vector, search))
        .filter(document=search)
        .order_by("-rank", "pk")
    )
    return list(qs[:limit])


# --- Maths review ----------------------------------------------------------------------


def card_due_q(now: datetime) -> Q:
    """The one definition of a card that is due, for every count, queue and figure:
    its due time has come, it is not suspended, and its owner is not on a review pause.
    The nudge rule's SQL (``nudges.py``) reads the same three conditions."""
    return Q(due__lte=now) & card_reviewable_q()


def card_reviewable_q() -> Q:
    """A card that is due once its due time comes: not suspended, owner not paused."""
    return Q(suspended=False, owner__review_settings__paused_since__isnull=True)


def cards_due_count(*, user: User, now: datetime | None = None) -> int:
    """Cards due now (see ``card_due_q``); one query."""
    now = now or timezone.now()
    return ReviewCard.objects.filter(card_due_q(now), owner=user).count()


def next_due_card(*, user: User, now: datetime | None = None) -> ReviewCard | None:
    now = now or timezone.now()
    return (
        ReviewCard.objects.filter(card_due_q(now), owner=user)
        .select_related("reading_item")
        .order_by("due", "pk")
        .first()
    )


def cards_of(
    *, user: User, query: str = "", topic: str = "", state: str = "all", now: datetime
) -> QuerySet[ReviewCard]:
    """One person's cards for the card list, filtered, each with ``is_due`` (by
    ``card_due_q``), in due order; one query per page."""
    cards = ReviewCard.objects.filter(owner=user).annotate(
        is_due=Case(When(card_due_q(now), then=Value(True)), default=Value(False))
    )
    if query:
        cards = cards.filter(Q(prompt__icontains=query) | Q(answer__icontains=query))
    if topic:
        cards = cards.filter(topic=topic)
    if state == "due":
        cards = cards.filter(card_due_q(now))
    elif state == "suspended":
        cards = cards.filter(suspended=True)
    return cards.order_by("due", "pk")


def retention_summary(*, user: User, days: int = 30, now: datetime | None = None) -> dict:
    """Aggregate review figures a mentor may see (never the cards): one query."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    logs = ReviewLog.objects.filter(user=user, reviewed_at__gte=since)
    recall = Q(state_before=ReviewCard.State.REVIEW)
    agg = logs.aggregate(
        reviews=Count("pk"),
        recall_reviews=Count("pk", filter=recall),
        recalled=Count("pk", filter=recall & Q(rating__gt=1)),
        days_active=Count(TruncDate("reviewed_at"), distinct=True),
    )
    retention = agg["recalled"] / agg["recall_reviews"] if agg["recall_reviews"] else None
    return {**agg, "retention": retention, "days": days}


def retention_by_week(*, user: User, weeks: int = 12, now: datetime | None = None) -> list[dict]:
    """Weekly retention (share of review-state cards recalled) for the chart; one query."""
    now = now or timezone.now()
    start = (now - timedelta(weeks=weeks)).date()
    rows = (
        ReviewLog.objects.filter(user=user, reviewed_at__date__gte=start)
        .annotate(week=TruncWeek("reviewed_at"))
        .values("week")
        .annotate(
            reviews=Count("pk"),
            recall_reviews=Count("pk", filter=Q(state_before=ReviewCard.State.REVIEW)),
            recalled=Count("pk", filter=Q(state_before=ReviewCard.State.REVIEW, rating__gt=1)),
        )
        .order_by("week")
    )
    out = []
    for row in rows:
        ratio = row["recalled"] / row["recall_reviews"] if row["recall_reviews"] else None
        out.append({**row, "retention": ratio})
    return out


def review_streak(*, user: User, now: datetime | None = None) -> int:
    """Consecutive days (in the user's time zone) with at least one review, ending today
    or yesterday so that a streak is not lost before today's session."""
    now = timezone.localtime(now or timezone.now())
    days = set(
        ReviewLog.objects.filter(user=user, reviewed_at__gte=now - timedelta(days=400))
        .annotate(day=TruncDate("reviewed_at", tzinfo=now.tzinfo))
        .values_list("day", flat=True)
        .distinct()
    )
    today = now.date()
    cursor = today if today in days else today - timedelta(days=1)
    streak = 0
    while cursor in days:
        streak += 1
        cursor -= timedelta(days=1)
    return streak


def deck_overview(*, user: User, now: datetime | None = None) -> list[dict]:
    """Per topic: card count and due count; one query."""
    now = now or timezone.now()
    rows = (
        ReviewCard.objects.filter(owner=user)
        .values("topic")
        .annotate(cards=Count("pk"), due=Count("pk", filter=card_due_q(now)))
        .order_by("topic")
    )
    return list(rows)


def review_settings_of(user: User) -> ReviewSettings | None:
    return ReviewSettings.objects.filter(user=user).first()


# --- Figures for the dashboards, in bulk for many people ---------------------------------


def reading_figures(*, readers: QuerySet | list[int], now: datetime) -> dict[int, dict]:
    """The ``reading`` figures of each of ``readers`` who has any, by reader id, counted
    as ``reading_progress`` counts them: items of the lists they own or are assigned
    (``total``), of which read or summarised (``done``) and in progress (``reading``);
    review cards due (``cards_due``, by ``card_due_q``), the latest progress and
    review times (``last_progress``, ``last_review``), and when the next card falls due,
    changing the figures by time alone (``changes_at``). Three grouped queries."""
    owned = (
        Item.objects.filter(reading_list__owner_id__in=readers)
        .order_by()
        .values(reader=F("reading_list__owner_id"))
        .annotate(n=Count("pk"))
    )
    # A list assigned to its own owner counts once, with the owned ones.
    assigned = (
        Assignment.objects.filter(mentee_id__in=readers)
        .exclude(reading_list__owner_id=F("mentee_id"))
        .order_by()
        .values(reader=F("mentee_id"))
        .annotate(n=Count("reading_list__items"))
    )
    # Progress counts on the items of the reader's own and assigned lists only.
    on_my_lists = Q(item__reading_list__owner_id=F("user_id")) | Exists(
        Assignment.objects.filter(
            reading_list_id=OuterRef("item__reading_list_id"), mentee_id=OuterRef("user_id")
        )
    )
    progress = (
        Progress.objects.filter(on_my_lists, user_id__in=readers)
        .order_by()
        .values(reader=F("user_id"))
        .annotate(
            done=Count("pk", filter=Q(status__in=DONE_STATUSES)),
            reading=Count("pk", filter=Q(status=ReadingStatus.READING)),
            last_progress=Max("updated_at"),
        )
    )
    cards = (
        ReviewCard.objects.filter(owner_id__in=readers)
        .order_by()
        .values(reader=F("owner_id"))
        .annotate(
            cards_due=Count("pk", filter=card_due_q(now)),
            last_review=Max("last_review"),
            changes_at=Min("due", filter=Q(due__gt=now) & card_reviewable_q()),
        )
    )
    empty = {
        "total": 0,
        "done": 0,
        "reading": 0,
        "cards_due": 0,
        "last_progress": None,
        "last_review": None,
        "changes_at": None,
    }
    out: dict[int, dict] = {}
    for row in owned.union(assigned, all=True):
        figures = out.setdefault(row["reader"], dict(empty))
        figures["total"] += row["n"]
    for rows in (progress, cards):
        for row in rows:
            out.setdefault(row.pop("reader"), dict(empty)).update(row)
    return out
