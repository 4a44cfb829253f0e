"""Review cards from a CSV or TSV file: parse into a preview, then create on confirm.

A file has up to three columns, front, back and topic, with an optional header row. The
delimiter is a tab for ``.tsv`` files and is sniffed otherwise (comma, semicolon or tab).
The text is UTF-8, with or without a byte-order mark; a row with bytes that are not UTF-8
is refused on its own rather than failing the whole file. Nothing is written until the
owner confirms the preview, and then every valid row is created in one transaction.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.person_versions import person_data_changed
from apps.readinglists.models import CardImport, ReviewCard, Topic

if TYPE_CHECKING:
    from apps.accounts.models import User

MAX_BYTES = 1_000_000
MAX_ROWS = 2_000
FRONT_MAX = 4_000  # ReviewCard.prompt
BACK_MAX = 8_000  # ReviewCard.answer
HEADER_WORDS = {"front", "question", "prompt"}
# Topics by value and by label, compared case-insensitively ("Linear algebra", "calculus").
TOPICS = {key.casefold(): value for value, label in Topic.choices for key in (value, label)}
# Unconfirmed previews older than this are dropped when the person starts another.
PREVIEW_KEPT = timedelta(days=1)


class CardFileError(ValueError):
    """The file as a whole cannot be read: nothing is previewed."""


def card_key(front: str) -> str:
    """What makes two fronts the same card: case and runs of spaces do not count."""
    return " ".join(front.split()).casefold()


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CardFileError(f"The file is larger than {MAX_BYTES // 1_000_000} MB.")
    if b"\x00" in data:
        raise CardFileError("This is not a text file: save it as CSV or TSV (UTF-8).")
    # Bytes that are not UTF-8 survive as lone surrogates, so the rows holding them can be
    # refused one by one while the rest of the file imports.
    return data.decode("utf-8-sig", errors="surrogateescape")


def _delimiter(text: str, filename: str) -> str:
    name = filename.lower()
    if name.endswith((".tsv", ".tab")):
        return "\t"
    sample = text[:8_192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first_line = sample.split("\n", 1)[0]
        return "\t" if "\t" in first_line else ","


def _readable(value: str) -> str:
    """The text of a cell for the preview, with undecodable bytes shown as '�'."""
    return value.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def _is_utf8(value: str) -> bool:
    return not any("\udc80" <= char <= "\udcff" for char in value)


def _refusal(cells: list[str], existing: set[str], seen: dict[str, int]) -> str:
    """Why a row cannot become a card, or "" when it can."""
    if not all(_is_utf8(cell) for cell in cells):
        return "Not valid UTF-8 text: save the file with the UTF-8 encoding."
    if len(cells) > 3:
        return (
            f"{len(cells)} columns; a card has three: front, back, topic "
            "(put a field that contains the delimiter in double quotes)."
        )
    front, back, topic = [*cells, "", ""][:3]
    if not front.strip():
        return "Empty front."
    if len(front.strip()) > FRONT_MAX:
        return f"Front longer than {FRONT_MAX:,} characters."
    if len(back.strip()) > BACK_MAX:
        return f"Back longer than {BACK_MAX:,} characters."
    if topic.strip() and topic.strip().casefold() not in TOPICS:
        known = ", ".join(label for _value, label in Topic.choices)
        return f"Unknown topic “{topic.strip()}” (one of: {known})."
    key = card_key(front)
    if key in existing:
        return "Duplicate of a card you already have."
    if key in seen:
        return f"Duplicate of line {seen[key]} of this file."
    return ""


def parse_cards(data: bytes, *, filename: str, existing: set[str]) -> tuple[list[dict], list[dict]]:
    """The rows that will become cards and the rows refused, each with its line number.
    ``existing`` holds the ``card_key`` of every card the person has."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, filename))
    rows: list[dict] = []
    refused: list[dict] = []
    seen: dict[str, int] = {}
    line, first = 1, True
    try:
        for raw in reader:
            start, line = line, reader.line_num + 1
            cells = list(raw)
            while cells and not cells[-1].strip():
                cells.pop()
            if not cells:
                continue
            if first and cells[0].strip().casefold() in HEADER_WORDS:
                first = False
                continue
            first = False
            if len(rows) + len(refused) >= MAX_ROWS:
                raise CardFileError(f"More than {MAX_ROWS:,} cards: split the file.")
            reason = _refusal(cells, existing, seen)
            front = cells[0].strip()
            if reason:
                refused.append({"line": start, "front": _readable(front)[:200], "reason": reason})
                continue
            back, topic = [*cells[1:], "", ""][:2]
            seen[card_key(front)] = start
            rows.append(
                {
                    "line": start,
                    "front": front,
                    "back": back.strip(),
                    "topic": TOPICS.get(topic.strip().casefold(), Topic.OTHER),
                }
            )
    except csv.Error as exc:
        raise CardFileError(f"Line {reader.line_num}: {exc}.") from exc
    return rows, refused


def _existing_keys(user: User) -> set[str]:
    return {
        card_key(prompt)
        for prompt in ReviewCard.objects.filter(owner=user).values_list("prompt", flat=True)
    }


def card_import_preview(
    *, user: User, data: bytes, filename: str, now: datetime | None = None
) -> CardImport:
    """Parse an upload into a preview that writes no card. Raises ``CardFileError``."""
    now = now or timezone.now()
    rows, refused = parse_cards(data, filename=filename, existing=_existing_keys(user))
    if not rows and not refused:
        raise CardFileError("The file holds no cards.")
    CardImport.objects.filter(
        owner=user, confirmed_at__isnull=True, created_at__lt=now - PREVIEW_KEPT
    ).delete()
    return CardImport.objects.create(
        owner=user, filename=filename[:255], rows=rows, refused=refused
    )


def card_import_confirm(
    *, card_import: CardImport, user: User, now: datetime | None = None
) -> tuple[int, int]:
    """Create every valid row of the preview in one transaction. Returns (created, skipped):
    rows whose card the person added since the preview are skipped, not doubled."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            CardImport.objects.select_for_update()
            .filter(pk=card_import.pk, owner=user, confirmed_at__isnull=True)
            .first()
        )
        if locked is None:
            raise ValidationError("This import has already been confirmed.")
        existing = _existing_keys(user)
        cards = []
        for row in locked.rows:
            key = card_key(row["front"])
            if key in existing:
                continue
            existing.add(key)
            cards.append(
                ReviewCard(
                    owner=user,
                    prompt=row["front"],
                    answer=row["back"],
                    topic=row["topic"],
                    due=now,
                )
            )
        ReviewCard.objects.bulk_create(cards)
        person_data_changed([user.pk])
        locked.confirmed_at = now
        locked.save(update_fields=["confirmed_at"])
    return len(cards), len(locked.rows) - len(cards)
