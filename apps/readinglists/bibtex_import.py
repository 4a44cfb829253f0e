"""BibTeX import: a preview stored as one row per entry, then a confirm in batches.

The preview parses an upload a batch at a time and stores each valid entry as an
``ImportCandidate`` with what it resembles (an item of the list or an earlier entry of
the file: same DOI, arXiv id, book ISBN, or normalised title and year). The owner
chooses per likely duplicate: import anyway, skip, or merge its identifiers into the
existing item. The confirm inserts in batches inside one transaction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from apps.readinglists import bibtex
from apps.readinglists.dashboards import lists_changed
from apps.readinglists.models import ImportCandidate, ImportDraft, Item, ReadingList

if TYPE_CHECKING:
    from collections.abc import Iterable

    from apps.accounts.models import User

ITEM_COLUMNS = (
    "kind", "title", "authors", "year", "venue", "venue_field", "doi", "arxiv_id", "isbn",
    "url", "abstract", "tags", "bibtex_key", "bibtex_type", "extra_fields",
)  # fmt: skip
MAX_STORED_PROBLEMS = 1000  # failures and notes kept for the preview; counts are exact
MERGED_FIELDS = ("doi", "arxiv_id", "isbn", "url")

Match = ImportCandidate.Match
Decision = ImportCandidate.Decision


def normalised_title(title: str) -> str:
    """Case, accents, punctuation and spacing do not make a different title."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def identity_keys(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """What makes two entries likely the same work, strongest first."""
    keys = []
    if fields.get("doi"):
        keys.append((Match.DOI.value, fields["doi"]))
    if fields.get("arxiv_id"):
        keys.append((Match.ARXIV.value, fields["arxiv_id"]))
    # An ISBN identifies a book; the papers of one proceedings volume all carry it.
    if fields.get("isbn") and fields.get("kind") == Item.Kind.BOOK:
        keys.append((Match.ISBN.value, fields["isbn"]))
    title = normalised_title(fields.get("title", ""))
    if title:
        keys.append((Match.TITLE.value, f"{title}|{fields.get('year') or ''}"))
    return keys


def _list_keys(reading_list: ReadingList) -> dict[tuple[str, str], int]:
    seen: dict[tuple[str, str], int] = {}
    rows = reading_list.items.values_list("pk", "kind", "doi", "arxiv_id", "isbn", "title", "year")
    for pk, kind, doi, arxiv_id, isbn, title, year in rows.iterator(chunk_size=2000):
        fields = {"kind": kind, "doi": doi, "arxiv_id": arxiv_id, "isbn": isbn}
        for key in identity_keys({**fields, "title": title, "year": year}):
            seen.setdefault(key, pk)
    return seen


def _cap(stored: list[dict[str, Any]], more: Iterable[dict[str, Any]]) -> None:
    for row in more:
        if len(stored) >= MAX_STORED_PROBLEMS:
            return
        stored.append(row)


def import_preview(
    *, reading_list: ReadingList, user: User, text: str, filename: str = ""
) -> ImportDraft:
    """Parse BibTeX into a draft the owner reviews; raises ValidationError when unusable.

    Entries are parsed, compared and stored a batch at a time, so memory holds the raw
    file and one batch, never every decoded entry.
    """
    in_list = _list_keys(reading_list)
    in_file: dict[tuple[str, str], str] = {}
    with transaction.atomic():
        # Drafts are short-lived; an owner keeps at most one pending draft per list.
        ImportDraft.objects.filter(
            reading_list=reading_list, created_by=user, confirmed_at__isnull=True
        ).delete()
        draft = ImportDraft.objects.create(
            reading_list=reading_list, created_by=user, filename=filename[:255]
        )
        failures: list[dict[str, Any]] = []
        notes: list[dict[str, Any]] = []
        failure_count = position = 0
        try:
            for batch in bibtex.parse_bibtex_batches(text):
                failure_count += len(batch.failures)
                _cap(failures, batch.failures)
                _cap(notes, batch.notes)
                rows = []
                for candidate in batch.candidates:
                    rows.append(_candidate_row(draft, position, candidate, in_list, in_file))
                    position += 1
                ImportCandidate.objects.bulk_create(rows)
        except bibtex.BibtexUnusable as exc:
            transaction.set_rollback(True)
            raise ValidationError(str(exc)) from exc
        if position == 0:
            transaction.set_rollback(True)
            raise ValidationError(
                "No entry in this BibTeX could be imported: "
                + "; ".join(
                    f"{f['key'] or 'entry'} (line {f['line']}) {f['message']}" for f in failures[:5]
                )
            )
        failures.sort(key=lambda f: f["line"])
        draft.failures, draft.failure_count, draft.notes = failures, failure_count, notes
        draft.save(update_fields=["failures", "failure_count", "notes"])
    return draft


def _candidate_row(
    draft: ImportDraft,
    position: int,
    candidate: dict[str, Any],
    in_list: dict[tuple[str, str], int],
    in_file: dict[tuple[str, str], str],
) -> ImportCandidate:
    data = {k: candidate[k] for k in (*ITEM_COLUMNS, "line") if k in candidate}
    row = ImportCandidate(draft=draft, position=position, data=data)
    keys = identity_keys(candidate)
    for key in keys:
        if key in in_list:
            row.match, row.match_item_id = key[0], in_list[key]
            break
    else:
        for key in keys:
            if key in in_file:
                row.match, row.match_entry = key[0], in_file[key]
                break
    for key in keys:
        in_file.setdefault(key, candidate["bibtex_key"])
    # A likely duplicate is skipped unless the owner says otherwise in the preview.
    row.decision = Decision.SKIP if row.match else Decision.IMPORT
    return row


DUPLICATES_PER_PAGE = 200
NEW_SHOWN = 200


@dataclass
class ImportSummary:
    new_count: int
    duplicate_count: int
    new: list[ImportCandidate]  # the first NEW_SHOWN
    duplicates: list[ImportCandidate]  # the likely duplicates of this page
    page: int
    page_count: int
    first_shown: int  # 1-based number of the page's first likely duplicate
    per_page: int = DUPLICATES_PER_PAGE


def import_summary(draft: ImportDraft, *, page: int = 1) -> ImportSummary:
    """Counts, the first new entries and one page of likely duplicates, for the preview."""
    grouped = draft.entries.order_by().values("match").annotate(n=Count("pk"))
    counts = {row["match"]: row["n"] for row in grouped}
    new_count = counts.pop(Match.NONE.value, 0)
    duplicate_count = sum(counts.values())
    page_count = max(1, -(-duplicate_count // DUPLICATES_PER_PAGE))
    page = min(max(page, 1), page_count)
    start = (page - 1) * DUPLICATES_PER_PAGE
    entries = draft.entries.select_related("match_item")
    return ImportSummary(
        new_count=new_count,
        duplicate_count=duplicate_count,
        new=list(entries.filter(match="")[:NEW_SHOWN]),
        duplicates=list(entries.exclude(match="")[start : start + DUPLICATES_PER_PAGE]),
        page=page,
        page_count=page_count,
        first_shown=start + 1,
    )


@dataclass
class ImportOutcome:
    created: int = 0
    merged: int = 0
    skipped: int = 0


def _apply_decisions(draft: ImportDraft, decisions: dict[int, str]) -> None:
    if not decisions:
        return
    rows = {c.pk: c for c in draft.entries.filter(pk__in=list(decisions))}
    changed = []
    for pk, decision in decisions.items():
        row = rows.get(pk)
        if row is None or decision not in row.choices:
            raise ValidationError("One of the choices does not apply to its entry; reload.")
        row.decision = decision
        changed.append(row)
    ImportCandidate.objects.bulk_update(changed, ["decision"], batch_size=1000)


def _apply_to_all(draft: ImportDraft, decision: str) -> None:
    """One choice for every likely duplicate, on pages seen or not, where it applies
    (``ImportCandidate.choices``); the others keep their own choice."""
    duplicates = draft.entries.exclude(match=Match.NONE)
    if decision == Decision.SKIP:
        duplicates.update(decision=Decision.SKIP)
    elif decision == Decision.IMPORT:
        duplicates.filter(match=Match.TITLE).update(decision=Decision.IMPORT)
    elif decision == Decision.MERGE:
        duplicates.filter(match_item__isnull=False).update(decision=Decision.MERGE)
    elif decision:
        raise ValidationError("That choice for every likely duplicate does not exist; reload.")


def _lock_pending(draft: ImportDraft, user: User) -> ImportDraft:
    # Locked so that a double-submitted form cannot import twice.
    locked = ImportDraft.objects.select_for_update().select_related("reading_list").get(pk=draft.pk)
    if locked.confirmed_at is not None or locked.created_by_id != user.pk:
        raise ValidationError("This import was already confirmed.")
    return locked


def import_choices_save(
    *, draft: ImportDraft, user: User, decisions: dict[int, str], apply_to_all: str = ""
) -> None:
    """Keep the owner's choices (one page's, then one for all) without importing yet."""
    with transaction.atomic():
        locked = _lock_pending(draft, user)
        _apply_decisions(locked, decisions)
        _apply_to_all(locked, apply_to_all)


def import_confirm(
    *,
    draft: ImportDraft,
    user: User,
    decisions: dict[int, str] | None = None,
    apply_to_all: str = "",
) -> ImportOutcome:
    """Insert the draft's entries as chosen, in batches inside one transaction.

    ``decisions`` (entry id → choice) come first, then ``apply_to_all`` overrides them
    for every likely duplicate it applies to.
    """
    outcome = ImportOutcome()
    with transaction.atomic():
        locked = _lock_pending(draft, user)
        reading_list = ReadingList.objects.select_for_update().get(pk=locked.reading_list_id)
        _apply_decisions(locked, decisions or {})
        _apply_to_all(locked, apply_to_all)
        items = reading_list.items
        # The list's unique identifiers, so no choice can break a constraint.
        taken = {
            "doi": set(items.exclude(doi="").values_list("doi", flat=True)),
            "arxiv_id": set(items.exclude(arxiv_id="").values_list("arxiv_id", flat=True)),
            "isbn": set(
                items.filter(kind=Item.Kind.BOOK).exclude(isbn="").values_list("isbn", flat=True)
            ),
        }
        top = items.aggregate(top=Max("position"))["top"]
        position = 0 if top is None else top + 1
        pending: list[Item] = []
        entries = locked.entries.order_by("position")
        for row in entries.iterator(chunk_size=bibtex.BATCH_SIZE):
            if row.decision == Decision.MERGE and row.match_item_id:
                outcome.merged += _merge(row, taken)
            elif row.decision == Decision.IMPORT and _claim(row.data, taken):
                fields = {k: row.data[k] for k in ITEM_COLUMNS if k in row.data}
                pending.append(Item(reading_list=reading_list, position=position, **fields))
                position += 1
                if len(pending) >= bibtex.BATCH_SIZE:
                    Item.objects.bulk_create(pending)
                    outcome.created += len(pending)
                    pending = []
            else:
                outcome.skipped += 1
        Item.objects.bulk_create(pending)
        outcome.created += len(pending)
        locked.entries.all().delete()  # the rows now hold the data; keep drafts small
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
        ReadingList.objects.filter(pk=reading_list.pk).update(updated_at=timezone.now())
        lists_changed([reading_list.pk])
    return outcome


def _claim(data: dict[str, Any], taken: dict[str, set[str]]) -> bool:
    """Reserve the entry's unique identifiers; False when another item holds one."""
    wanted = {k: data.get(k, "") for k in ("doi", "arxiv_id")}
    if data.get("kind") == Item.Kind.BOOK:
        wanted["isbn"] = data.get("isbn", "")
    if any(value and value in taken[key] for key, value in wanted.items()):
        return False
    for key, value in wanted.items():
        if value:
            taken[key].add(value)
    return True


def _merge(row: ImportCandidate, taken: dict[str, set[str]]) -> int:
    """Fill the existing item's missing identifiers from the entry; 1 if it changed."""
    item = Item.objects.select_for_update().get(pk=row.match_item_id or 0)
    changed = []
    for name in MERGED_FIELDS:
        value = row.data.get(name, "")
        if not value or getattr(item, name):
            continue
        unique = name in taken and (name != "isbn" or item.kind == Item.Kind.BOOK)
        if unique and value in taken[name]:
            continue  # another item of the list already holds it
        if unique:
            taken[name].add(value)
        setattr(item, name, value)
        changed.append(name)
    if changed:
        item.save(update_fields=changed)
    return 1 if changed else 0
