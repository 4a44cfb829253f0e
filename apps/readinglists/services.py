"""Writes for reading lists, imports, reader progress, assignments and review cards."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import fsrs
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from apps.core.enqueue import enqueue_on_commit
from apps.core.person_versions import person_data_changed
from apps.matching.selectors import active_mentorship
from apps.readinglists import foundations, selectors
from apps.readinglists.dashboards import lists_changed
from apps.readinglists.identifiers import recognise, split_paste
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

ITEM_FIELDS = (
    "kind", "title", "authors", "year", "venue", "doi", "arxiv_id", "isbn", "url",
    "abstract", "tags", "importance", "bibtex_key", "bibtex_type", "venue_field", "extra_fields",
)  # fmt: skip
MAX_IDENTIFIERS_PER_PASTE = 200

# The task that fills an item's metadata (``apps.readinglists.tasks``), queued by name.
ENRICH_TASK = "readinglists.enrich_item"


class DuplicateItem(ValidationError):
    pass


# --- Lists ---------------------------------------------------------------------------


def clean_tags(raw: str | Iterable[str]) -> list[str]:
    values = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: dict[str, str] = {}
    for value in values:
        tag = re.sub(r"\s+", " ", str(value)).strip()[:60]
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return list(seen.values())[:20]


def list_create(
    *,
    owner: User,
    title: str,
    description: str = "",
    topic_tags: Iterable[str] = (),
    method_tags: Iterable[str] = (),
    visibility: str = ReadingList.Visibility.PRIVATE,
    is_ordered: bool = False,
) -> ReadingList:
    return ReadingList.objects.create(
        owner=owner,
        title=title.strip(),
        description=description,
        topic_tags=clean_tags(topic_tags),
        method_tags=clean_tags(method_tags),
        visibility=visibility,
        is_ordered=is_ordered,
    )


def list_update(*, reading_list: ReadingList, **changes: Any) -> ReadingList:
    for key in ("topic_tags", "method_tags"):
        if key in changes:
            changes[key] = clean_tags(changes[key])
    for key, value in changes.items():
        setattr(reading_list, key, value)
    reading_list.save(update_fields=[*changes.keys(), "updated_at"])
    return reading_list


def list_delete(*, reading_list: ReadingList) -> None:
    reading_list.delete()


def list_copy(*, reading_list: ReadingList, user: User) -> ReadingList:
    """Copy a list (items only, never anyone's progress) into ``user``'s lists."""
    with transaction.atomic():
        copy = ReadingList.objects.create(
            owner=user,
            title=f"{reading_list.title} (copy)"[:200],
            description=reading_list.description,
            topic_tags=reading_list.topic_tags,
            method_tags=reading_list.method_tags,
            is_ordered=reading_list.is_ordered,
            copied_from=reading_list,
        )
        Item.objects.bulk_create(
            [
                Item(
                    reading_list=copy,
                    position=item.position,
                    **{f: getattr(item, f) for f in ITEM_FIELDS},
                )
                for item in reading_list.items.all()
            ],
            batch_size=1000,
        )
        person_data_changed([user.pk])
    return copy


def shared_copies_remove(*, owner: User, holder: User | None = None) -> int:
    """Delete the copies others keep of ``owner``'s lists that they could read only as the
    owner's mentor (``holder``: only that person's); returns how many went. A copy is
    allowed only of a list its owner opened to the copier, so any such copy predates that
    rule; account deletion runs this before the owner's lists go."""
    with transaction.atomic():
        doomed = list(
            selectors.copies_seen_only_through_sharing(owner=owner, holder=holder).values_list(
                "pk", flat=True
            )
        )
        ReadingList.objects.filter(pk__in=doomed).delete()
    return len(doomed)


# --- Items ---------------------------------------------------------------------------


def _next_position(reading_list: ReadingList) -> int:
    top = reading_list.items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _duplicate_of(
    reading_list: ReadingList, *, doi: str, arxiv_id: str, isbn: str, kind: str
) -> Item | None:
    items = reading_list.items
    if doi and (found := items.filter(doi=doi).first()):
        return found
    if arxiv_id and (found := items.filter(arxiv_id=arxiv_id).first()):
        return found
    # An ISBN identifies a book, not the chapters and papers printed in it.
    if isbn and kind == Item.Kind.BOOK:
        return items.filter(isbn=isbn, kind=Item.Kind.BOOK).first()
    return None


def item_create(*, reading_list: ReadingList, **fields: Any) -> Item:
    duplicate = _duplicate_of(
        reading_list,
        doi=fields.get("doi", ""),
        arxiv_id=fields.get("arxiv_id", ""),
        isbn=fields.get("isbn", ""),
        kind=fields.get("kind", Item.Kind.PAPER),
    )
    if duplicate:
        raise DuplicateItem(f"This list already has “{duplicate.title}” with the same identifier.")
    fields["tags"] = clean_tags(fields.get("tags", []))
    try:
        with transaction.atomic():
            item = Item.objects.create(
                reading_list=reading_list, position=_next_position(reading_list), **fields
            )
            ReadingList.objects.filter(pk=reading_list.pk).update(updated_at=timezone.now())
    except IntegrityError as exc:  # a concurrent add of the same identifier
        raise DuplicateItem("This list already has an item with the same identifier.") from exc
    return item


def item_update(*, item: Item, **changes: Any) -> Item:
    if "tags" in changes:
        changes["tags"] = clean_tags(changes["tags"])
    duplicate = _duplicate_of(
        item.reading_list,
        doi=changes.get("doi", ""),
        arxiv_id=changes.get("arxiv_id", ""),
        isbn=changes.get("isbn", ""),
        kind=changes.get("kind", item.kind),
    )
    if duplicate and duplicate.pk != item.pk:
        raise DuplicateItem(f"This list already has “{duplicate.title}” with the same identifier.")
    for key, value in changes.items():
        setattr(item, key, value)
    item.save(update_fields=list(changes.keys()))
    return item


def item_delete(*, item: Item) -> None:
    item.delete()


# --- Reader progress -----------------------------------------------------------------


def progress_set_status(
    *, user: User, item: Item, status: str, now: datetime | None = None
) -> Progress:
    """Set one reader's status on one item, stamping the dates the first time."""
    now = now or timezone.now()
    status = ReadingStatus(status).value
    progress, _ = Progress.objects.get_or_create(user=user, item=item)
    progress.status = status
    fields = ["status", "updated_at"]
    rank = list(ReadingStatus.values).index(status)
    if rank >= 1 and progress.started_at is None:
        progress.started_at = now
        fields.append("started_at")
    if rank >= 2 and progress.finished_at is None:
        progress.finished_at = now
        fields.append("finished_at")
    if rank >= 3 and progress.summarised_at is None:
        progress.summarised_at = now
        fields.append("summarised_at")
    progress.save(update_fields=fields)
    return progress


def progress_update(
    *, user: User, item: Item, notes: str, summary: str, rating: int | None
) -> Progress:
    progress, _ = Progress.objects.get_or_create(user=user, item=item)
    progress.notes = notes
    progress.summary = summary
    progress.rating = rating
    fields = ["notes", "summary", "rating", "updated_at"]
    if summary.strip() and progress.status != ReadingStatus.SUMMARISED:
        # Writing a summary is what "summarised" means; save the extra click.
        progress.save(update_fields=fields)
        return progress_set_status(user=user, item=item, status=ReadingStatus.SUMMARISED)
    progress.save(update_fields=fields)
    return progress


# --- Identifier paste ------------------------------------------------------------------


@dataclass
class PasteResult:
    created: list[Item] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


def item_enrichment_retry(*, item: Item) -> None:
    """Look an item's metadata up again after a failed lookup (the registry was down, or
    the identifier was mistyped and has since been corrected)."""
    if item.enrichment_status != Item.Enrichment.FAILED:
        raise ValidationError("Its metadata lookup has not failed: there is nothing to retry.")
    with transaction.atomic():
        item.enrichment_status = Item.Enrichment.PENDING
        item.enrichment_error = ""
        item.save(update_fields=["enrichment_status", "enrichment_error"])
        enqueue_on_commit(ENRICH_TASK, item.pk)


def identifiers_add(*, reading_list: ReadingList, text: str) -> PasteResult:
    """Add one placeholder item per recognised identifier and fetch metadata later.

    Any unrecognised token rejects the whole paste, so nothing half-imports.
    """
    tokens = split_paste(text)
    if not tokens:
        raise ValidationError("Paste at least one DOI, arXiv id or ISBN.")
    if len(tokens) > MAX_IDENTIFIERS_PER_PASTE:
        raise ValidationError(f"Paste at most {MAX_IDENTIFIERS_PER_PASTE} identifiers at a time.")
    recognised, bad = [], []
    for token in tokens:
        ident = recognise(token)
        (recognised.append(ident) if ident else bad.append(token))
    if bad:
        shown = ", ".join(f"“{t[:60]}”" for t in bad[:5])
        raise ValidationError(
            f"Not a DOI, arXiv id or ISBN: {shown}. Fix or remove them; nothing was added."
        )
    result = PasteResult()
    field_for = {"doi": "doi", "arxiv": "arxiv_id", "isbn": "isbn"}
    with transaction.atomic():
        existing = set(reading_list.items.exclude(doi="").values_list("doi", flat=True)) | set(
            reading_list.items.exclude(arxiv_id="").values_list("arxiv_id", flat=True)
        )
        existing |= set(
            reading_list.items.filter(kind=Item.Kind.BOOK)
            .exclude(isbn="")
            .values_list("isbn", flat=True)
        )
        position = _next_position(reading_list)
        to_create: list[Item] = []
        for ident in recognised:
            if ident.value in existing:
                result.duplicates.append(ident.value)
                continue
            existing.add(ident.value)
            to_create.append(
                Item(
                    reading_list=reading_list,
                    position=position + len(to_create),
                    kind=Item.Kind.BOOK if ident.kind == "isbn" else Item.Kind.PAPER,
                    title=f"{ident.kind.upper() if ident.kind != 'arxiv' else 'arXiv'} "
                    f"{ident.value}",
                    enrichment_status=Item.Enrichment.PENDING,
                    **{field_for[ident.kind]: ident.value},
                )
            )
        result.created = Item.objects.bulk_create(to_create)
        lists_changed([reading_list.pk])
        for item in result.created:
            enqueue_on_commit(ENRICH_TASK, item.pk)
    return result


# --- Assignments -----------------------------------------------------------------------


def assignment_create(
    *, reading_list: ReadingList, mentor: User, mentee: User, due_date: date | None = None
) -> Assignment:
    if reading_list.owner_id != mentor.pk:
        raise PermissionDenied("Only the list's owner can assign it.")
    if active_mentorship(mentor=mentor, student=mentee) is None:
        raise ValidationError("You can assign reading only to your active mentees.")
    assignment, _ = Assignment.objects.update_or_create(
        reading_list=reading_list,
        mentee=mentee,
        defaults={"assigned_by": mentor, "due_date": due_date},
    )
    return assignment


def assignment_delete(*, assignment: Assignment) -> None:
    assignment.delete()


# --- Maths review ----------------------------------------------------------------------


def review_settings_for(user: User) -> ReviewSettings:
    settings_row, _ = ReviewSettings.objects.get_or_create(user=user)
    return settings_row


def deck_add_starter(*, user: User, now: datetime | None = None) -> int:
    """Copy the built-in foundation cards into the user's deck (idempotent)."""
    now = now or timezone.now()
    existing = set(
        ReviewCard.objects.filter(owner=user)
        .exclude(starter_key="")
        .values_list("starter_key", flat=True)
    )
    cards = [
        ReviewCard(
            owner=user,
            topic=card.topic,
            kind=card.kind,
            prompt=card.prompt,
            answer=card.answer,
            starter_key=card.key,
            due=now,
        )
        for card in foundations.STARTER_CARDS
        if card.key not in existing
    ]
    ReviewCard.objects.bulk_create(cards, ignore_conflicts=True)
    person_data_changed([user.pk])
    return len(cards)


def card_create(
    *,
    user: User,
    prompt: str,
    answer: str = "",
    topic: str = "other",
    kind: str = ReviewCard.Kind.QA,
    reading_item: Item | None = None,
    now: datetime | None = None,
) -> ReviewCard:
    return ReviewCard.objects.create(
        owner=user,
        prompt=prompt.strip(),
        answer=answer.strip(),
        topic=topic,
        kind=kind,
        reading_item=reading_item,
        due=now or timezone.now(),
    )


def card_update(*, card: ReviewCard, prompt: str, answer: str, topic: str) -> ReviewCard:
    """Change what a card says; its memory state and schedule stay."""
    card.prompt, card.answer, card.topic = prompt.strip(), answer.strip(), topic
    card.save(update_fields=["prompt", "answer", "topic"])
    return card


def card_set_suspended(*, card: ReviewCard, suspended: bool) -> ReviewCard:
    """Suspend a card (never due, kept with its history) or bring it back. A card comes
    back with the due date it had: if that has passed, it is due at once."""
    card.suspended = suspended
    card.save(update_fields=["suspended"])
    return card


def card_delete(*, card: ReviewCard) -> None:
    card.delete()


def _to_fsrs(card: ReviewCard) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def scheduler_for(desired_retention: float) -> fsrs.Scheduler:
    # No interval fuzz: the interval a grade button shows is then exactly the one that
    # grading with it schedules.
    return fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def _desired_retention_of(user_id: int) -> float:
    return (
        ReviewSettings.objects.filter(user_id=user_id)
        .values_list("desired_retention", flat=True)
        .first()
    ) or 0.9


def _scheduled(
    card: ReviewCard,
    rating: fsrs.Rating,
    *,
    retention: float,
    now: datetime,
    duration_ms: int | None = None,
) -> fsrs.Card:
    return scheduler_for(retention).review_card(
        _to_fsrs(card), rating, review_datetime=now, review_duration=duration_ms
    )[0]


def card_next_intervals(*, card: ReviewCard, now: datetime | None = None) -> dict[int, timedelta]:
    """How long until the card is due again after each rating (1 Again .. 4 Easy), as
    grading it now with ``card_review`` would schedule it. Writes nothing."""
    now = (now or timezone.now()).astimezone(UTC)
    retention = _desired_retention_of(card.owner_id)
    return {
        int(rating): _scheduled(card, rating, retention=retention, now=now).due - now
        for rating in fsrs.Rating
    }


def card_review(
    *,
    card: ReviewCard,
    rating: int,
    now: datetime | None = None,
    duration_ms: int | None = None,
) -> ReviewCard:
    """Grade a card with FSRS and store its new state and a review log row."""
    now = (now or timezone.now()).astimezone(UTC)
    rating_enum = fsrs.Rating(rating)
    with transaction.atomic():
        locked = ReviewCard.objects.select_for_update().get(pk=card.pk)
        new_state = _scheduled(
            locked,
            rating_enum,
            retention=_desired_retention_of(locked.owner_id),
            now=now,
            duration_ms=duration_ms,
        )
        ReviewLog.objects.create(
            card=locked,
            user_id=locked.owner_id,
            rating=int(rating_enum),
            state_before=locked.state,
            reviewed_at=now,
            review_duration_ms=duration_ms,
        )
        locked.state = int(new_state.state)
        locked.step = new_state.step
        locked.stability = new_state.stability
        locked.difficulty = new_state.difficulty
        locked.due = new_state.due
        locked.last_review = new_state.last_review
        locked.save(
            update_fields=["state", "step", "stability", "difficulty", "due", "last_review"]
        )
    return locked


def review_settings_update(*, user: User, desired_retention: float) -> ReviewSettings:
    row = review_settings_for(user)
    row.desired_retention = desired_retention
    row.save(update_fields=["desired_retention"])
    return row


def review_pause(*, user: User, now: datetime | None = None) -> ReviewSettings:
    row = review_settings_for(user)
    if row.paused_since is None:
        row.paused_since = now or timezone.now()
        row.save(update_fields=["paused_since"])
    return row


def review_resume(*, user: User, now: datetime | None = None) -> ReviewSettings:
    """End a vacation: push every card's due date back by the length of the pause, so
    the break does not turn into a pile of overdue cards."""
    now = now or timezone.now()
    with transaction.atomic():
        row = ReviewSettings.objects.select_for_update().get_or_create(user=user)[0]
        if row.paused_since is not None:
            gap = max(now - row.paused_since, timedelta(0))
            ReviewCard.objects.filter(owner=user).update(due=F("due") + gap)
            person_data_changed([user.pk])
            row.paused_since = None
            row.save(update_fields=["paused_since"])
    return row
