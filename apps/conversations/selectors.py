"""Reads for message threads, and the one definition of a mentor who is slow to respond.

Slow to respond is defined here, not in matching: it reads pending requests (matching's)
and unanswered messages (this app's), and this app already depends on matching, never
the reverse. Matching's mentor pages receive it as a flag through
``apps.core.registry.mentor_flags`` (see ``mentors.py``), so matching imports nothing
of this app and the two never import each other in a circle.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from apps.conversations.models import Message, ReadMark
from apps.matching.models import Mentorship
from apps.matching.selectors import mentorships_of

if TYPE_CHECKING:
    from apps.accounts.models import User

# A thread exists once the mentorship has been active; an ended one stays readable.
THREAD_STATUSES = (Mentorship.Status.ACTIVE, Mentorship.Status.ENDED)
PAGE_SIZE = 30


def threads_of(*, user: User) -> QuerySet[Mentorship]:
    """The mentorships whose thread ``user`` may read: their own, active or ended."""
    return mentorships_of(user=user).filter(status__in=THREAD_STATUSES)


def _read_position(user: User | int, mentorship_ref: str = "mentorship") -> Subquery:
    """The id of the last message ``user`` has read in the outer row's thread."""
    user_id = user if isinstance(user, int) else user.pk
    return Subquery(
        ReadMark.objects.filter(mentorship=OuterRef(mentorship_ref), user_id=user_id).values(
            "last_read_id"
        )[:1]
    )


def unread_messages(*, user: User) -> QuerySet[Message]:
    """Messages to ``user`` (in their threads, by the other person) not read yet."""
    return (
        Message.objects.filter(mentorship__in=threads_of(user=user))
        .exclude(author_id=user.pk)
        .filter(id__gt=Coalesce(_read_position(user), Value(0)))
    )


def unread_count(*, user: User) -> int:
    """The navigation badge: one query, however many threads and messages."""
    return unread_messages(user=user).count()


def thread_index(*, user: User) -> list[Mentorship]:
    """One row per thread with the other person, the last message and the unread count,
    newest activity first, from one query."""
    last = Message.objects.filter(mentorship=OuterRef("pk")).order_by("-id")
    unread = (
        Message.objects.filter(mentorship=OuterRef("pk"))
        .exclude(author_id=user.pk)
        .filter(id__gt=Coalesce(_read_position(user, "mentorship"), Value(0)))
        .order_by()
        .values("mentorship")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        threads_of(user=user)
        .select_related("student", "mentor")
        .annotate(
            last_body=Subquery(last.values("body")[:1]),
            last_at=Subquery(last.values("created_at")[:1]),
            last_author_id=Subquery(last.values("author_id")[:1]),
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        )
        .order_by(F("last_at").desc(nulls_last=True), "-started_at", "-pk")
    )
    threads: list[Mentorship] = list(rows)
    for thread in threads:
        thread.other = thread.mentor if thread.student_id == user.pk else thread.student  # type: ignore[attr-defined]
    return threads


def thread_page(*, mentorship: Mentorship, before: int | None = None) -> tuple[list[Message], bool]:
    """The newest ``PAGE_SIZE`` messages (older than message ``before`` if given), oldest
    first, and whether older ones remain: two queries at any thread length."""
    messages = Message.objects.filter(mentorship=mentorship).select_related("author")
    if before is not None:
        messages = messages.filter(id__lt=before)
    page = list(messages.order_by("-id")[: PAGE_SIZE + 1])
    has_older = len(page) > PAGE_SIZE
    return page[:PAGE_SIZE][::-1], has_older


def read_position(*, mentorship: Mentorship, user: User | int) -> int:
    user_id = user if isinstance(user, int) else user.pk
    mark = ReadMark.objects.filter(mentorship=mentorship, user_id=user_id).first()
    return mark.last_read_id if mark else 0


def seen_message_id(*, messages: list[Message], viewer: User, other_read: int) -> int | None:
    """The viewer's last message (on this page) the other person has read: "Seen" goes
    under it."""
    mine = [m.pk for m in messages if m.author_id == viewer.pk and m.pk <= other_read]
    return max(mine) if mine else None


# --- Slow to respond ------------------------------------------------------------------


def slow_response_cutoff(now: datetime) -> datetime:
    """Waiting since this moment or earlier means waiting too long."""
    return now - timedelta(days=settings.PACER_SLOW_RESPONSE_DAYS)


def _requests_waiting(cutoff: datetime) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(status=Mentorship.Status.PENDING, created_at__lte=cutoff)


def _messages_waiting(cutoff: datetime) -> QuerySet[Message]:
    # A mentee's message with no message from the mentor after it in the same thread.
    replied_after = Message.objects.filter(
        mentorship=OuterRef("mentorship"),
        author_id=OuterRef("mentorship__mentor_id"),
        id__gt=OuterRef("id"),
    )
    return Message.objects.filter(
        mentorship__status=Mentorship.Status.ACTIVE,
        author_id=F("mentorship__student_id"),
        created_at__lte=cutoff,
    ).filter(~Exists(replied_after))


def slow_to_respond(*, now: datetime, mentor: str = "user_id") -> ExpressionWrapper:
    """True for the mentor (the outer row's ``mentor`` column) who has left a student
    waiting ``PACER_SLOW_RESPONSE_DAYS`` days or more: a mentorship request still
    pending, or a mentee's message in an active thread with no reply from the mentor
    after it. Two ``EXISTS`` probes per row, by index; usable on any queryset of
    mentors, so a list of them costs no extra query."""
    cutoff = slow_response_cutoff(now)
    requests = _requests_waiting(cutoff).filter(mentor_id=OuterRef(mentor))
    messages = _messages_waiting(cutoff).filter(mentorship__mentor_id=OuterRef(mentor))
    return ExpressionWrapper(Q(Exists(requests)) | Q(Exists(messages)), output_field=BooleanField())


def slow_mentors(*, now: datetime) -> Q:
    """The same decision as a filter on ``mentor_id`` (pending requests to expire),
    driven by what is waiting rather than by every mentor."""
    cutoff = slow_response_cutoff(now)
    return Q(mentor_id__in=_requests_waiting(cutoff).values("mentor_id")) | Q(
        mentor_id__in=_messages_waiting(cutoff).values("mentorship__mentor_id")
    )
