"""BibTeX in and out, through bibtexparser v2.

``parse_bibtex_batches`` splits an upload once with bibtexparser, resolving ``@string``
macros (with ``#`` concatenation) and ``crossref`` inheritance on the raw fields, which
need the whole file; it then decodes and maps the entries a batch at a time into
candidate dicts (ready to become ``Item`` rows) and failures carrying the entry key,
1-based line and reason. Only the raw blocks and one decoded batch are held at once.
``items_to_bibtex`` writes items back so that re-importing gives the same items.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import bibtexparser
from bibtexparser import middlewares as mw
from bibtexparser.library import Library
from bibtexparser.middlewares.names import (
    InvalidNameError,
    NameParts,
    parse_single_name_into_parts,
)
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)
from pylatexenc.latexencode import (
    RULE_DICT,
    RULE_REGEX,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)

from apps.readinglists.bibtex_decoding import TEXT_DECODER, clear_latex_caches, decode_latex
from apps.readinglists.bibtex_resolution import ResolveStrings, resolve_crossrefs
from apps.readinglists.identifiers import normalize_arxiv, normalize_doi, normalize_isbn

if TYPE_CHECKING:
    from apps.readinglists.models import Item

MAX_UPLOAD_BYTES = 16 * 1024 * 1024
MAX_PASTE_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 25_000
BATCH_SIZE = 1000

# Fields whose value is verbatim: LaTeX decoding would eat the "%" of an encoded URL.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "isbn", "issn", "crossref"})
# Fields mapped onto Item columns; everything else is kept in ``extra_fields``.
KNOWN_FIELDS = frozenset(
    {
        "title", "author", "editor", "year", "journal", "booktitle", "publisher", "school",
        "institution", "doi", "eprint", "archiveprefix", "isbn", "url", "abstract",
        "keywords", "crossref", "howpublished", "date",
    }
)  # fmt: skip
# Where the venue column is read from, in order; ``Item.venue_field`` remembers which.
VENUE_FIELDS = ("journal", "booktitle", "school", "institution", "publisher", "howpublished")

KIND_BY_TYPE = {
    "book": "book",
    "proceedings": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "online": "blog",
    "video": "video",
    "movie": "video",
}
TYPE_BY_KIND = {
    "paper": "article",
    "book": "book",
    "chapter": "incollection",
    "course": "misc",
    "video": "misc",
    "blog": "online",
}
VENUE_FIELD_BY_TYPE = {
    "article": "journal",
    "book": "publisher",
    "phdthesis": "school",
    "mastersthesis": "school",
    "techreport": "institution",
    "misc": "howpublished",
    "online": "howpublished",
}


# --- Per-batch decoding ------------------------------------------------------------------


class _LatexDecoding(mw.LatexDecodingMiddleware):
    """LaTeX → Unicode on every field except the verbatim ones, through ``decode_latex``."""

    def __init__(self, allow_inplace_modification: bool = True) -> None:
        super().__init__(allow_inplace_modification, decoder=TEXT_DECODER)

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        return decode_latex(python_string)

    def transform_entry(self, entry: Entry, library: Any) -> Any:
        kept = [f for f in entry.fields if f.key.lower() in VERBATIM_FIELDS]
        entry.fields = [f for f in entry.fields if f.key.lower() not in VERBATIM_FIELDS]
        result = super().transform_entry(entry, library)
        target = result if isinstance(result, Entry) else entry
        target.fields = target.fields + kept
        return result


@functools.lru_cache(maxsize=20_000)
def _name_parts(name: str) -> NameParts:
    """Authors recur across a bibliography; their parts are only ever read."""
    return parse_single_name_into_parts(name)


def clear_decoding_caches() -> None:
    """Forget cached decodings and names (for benchmarks that time a cold import)."""
    clear_latex_caches()
    _name_parts.cache_clear()


class _SplitNames(mw.SplitNameParts):
    """Name splitting that reads a trailing comma (``{Ramón y Cajal, Santiago,}``) as
    the name without it, and names listed with commas for "and" as several names,
    noting the repair on the entry, instead of failing it."""

    def transform_entry(self, entry: Entry, library: Library) -> Any:
        self._entry = entry
        return super().transform_entry(entry, library)

    def _transform_field_value(self, name: list[str]) -> list[Any]:
        if not isinstance(name, list):
            return super()._transform_field_value(name)
        parts = []
        for single in name:
            try:
                parts.append(_name_parts(single))
            except InvalidNameError as exc:
                parts.extend(self._repair(single, exc.reason.lower()))
        return parts

    def _repair(self, single: str, reason: str) -> list[NameParts]:
        notes = self._entry.parser_metadata.setdefault("notes", [])
        repaired = single.strip().rstrip(",").strip()
        pieces = [p.strip() for p in repaired.split(",")]
        if len(pieces) > 2 and all(" " in p for p in pieces):
            # "Dong Yang, Fei Jiang, Wei Wu": a list written with commas for "and".
            notes.append(f"the name “{single}” was read as {len(pieces)} names separated by commas")
            return [parse_single_name_into_parts(p, strict=False) for p in pieces]
        if repaired == single.strip():
            notes.append(f"the name “{single}” was kept as written ({reason})")
        else:
            notes.append(f"the name “{single}” was read as “{repaired}” ({reason})")
        return [parse_single_name_into_parts(repaired, strict=False)]


def _batch_stack() -> list:
    return [
        mw.RemoveEnclosingMiddleware(True),
        _LatexDecoding(True),
        # After decoding, so the decoder never sees (and logs about) integer months.
        mw.MonthIntMiddleware(True),
        mw.SeparateCoAuthors(True),
        _SplitNames(True),
    ]


@dataclass
class ParseResult:
    candidates: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


class BibtexTooLarge(ValueError):
    pass


class BibtexUnusable(ValueError):
    """The whole upload is unusable (empty, not BibTeX, too many entries)."""


def decode_upload(data: bytes) -> str:
    """Decode an uploaded file, refusing binaries and files over the size limit."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise BibtexTooLarge(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB per upload. Split it into smaller files."
        )
    if b"\x00" in data[:8192]:
        raise ValueError("This looks like a binary file, not BibTeX text (.bib).")
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("The file is not text.")  # pragma: no cover  (latin-1 decodes anything)


def _name(parts: Any) -> str:
    if isinstance(parts, str):
        return parts.strip()
    words = [*parts.first, *parts.von, *parts.last]
    name = " ".join(w for w in words if w).strip()
    if parts.jr:
        name = f"{name}, {' '.join(parts.jr)}"
    return name


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [n for n in (_name(p) for p in value) if n]
    return [n.strip() for n in str(value).split(" and ") if n.strip()]


def _year(fields: dict[str, Field]) -> int | None:
    for key in ("year", "date"):
        value = fields.get(key)
        if value is not None:
            match = re.search(r"\b(1[5-9]\d\d|20\d\d|21\d\d)\b", str(value.value))
            if match:
                return int(match.group(1))
    return None


def _str(fields: dict[str, Field], key: str) -> str:
    value = fields.get(key)
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value.value)).strip()


def entry_to_candidate(entry: Entry) -> tuple[dict[str, Any] | None, str]:
    """Map a parsed entry to Item fields; returns (candidate, error message)."""
    fields = entry.fields_dict  # built afresh on each access
    title = _str(fields, "title")
    if not title:
        return None, "has no title"
    raw_doi = _str(fields, "doi")
    doi = normalize_doi(raw_doi) if raw_doi else ""
    if raw_doi and not doi:
        return None, f"has an invalid DOI “{raw_doi[:80]}”"
    arxiv = ""
    eprint = _str(fields, "eprint")
    if eprint and _str(fields, "archiveprefix").lower() in {"", "arxiv"}:
        arxiv = normalize_arxiv(eprint)
    if not arxiv:
        match = re.search(r"arxiv[:\s]*(\d{4}\.\d{4,5})", _str(fields, "journal"), re.IGNORECASE)
        arxiv = normalize_arxiv(match.group(1)) if match else ""
    isbn = normalize_isbn(_str(fields, "isbn").split(",")[0]) if _str(fields, "isbn") else ""
    url = _str(fields, "url")
    if url and not re.match(r"^https?://", url, re.IGNORECASE):
        url = ""
    entry_type = entry.entry_type.lower()
    venue_field = next(
        (
            key
            for key in VENUE_FIELDS
            if _str(fields, key) and (key != "publisher" or entry_type in {"book", "proceedings"})
        ),
        "",
    )
    venue = _str(fields, venue_field) if venue_field else ""
    extra: dict[str, Any] = {}
    for key, value in entry.items():
        if key in {"ENTRYTYPE", "ID"} or key in KNOWN_FIELDS:
            continue
        extra[key] = value if isinstance(value, int) else re.sub(r"\s+", " ", str(value))
    for key in VENUE_FIELDS:
        # Keep venue-like fields that the single venue column cannot hold.
        value = _str(fields, key)
        if value and key != venue_field:
            extra[key] = value
    keywords = [k.strip() for k in re.split(r"[,;]", _str(fields, "keywords")) if k.strip()]
    candidate = {
        "bibtex_key": entry.key[:200],
        "bibtex_type": entry_type[:40],
        "kind": KIND_BY_TYPE.get(entry_type, "paper"),
        "title": title[:500],
        "authors": _names(fields["author"].value) if "author" in fields else [],
        "year": _year(fields),
        "venue": venue[:300],
        "venue_field": venue_field,
        "doi": doi,
        "arxiv_id": arxiv,
        "isbn": isbn,
        "url": url[:500],
        "abstract": _str(fields, "abstract")[:20000],
        "tags": keywords[:20],
        "extra_fields": extra,
    }
    return candidate, ""


def _failure_message(block: ParsingFailedBlock) -> str:
    if isinstance(block, DuplicateBlockKeyBlock):
        return "repeats an entry key used earlier in the file"
    error = block.error
    reason = re.sub(r"\s+", " ", getattr(error, "abort_reason", "") or str(error)).strip()
    if isinstance(block, MiddlewareErrorBlock):
        return f"could not be read: {reason[:300]}"
    return f"could not be parsed (a truncated entry or unbalanced braces?): {reason[:300]}"


def _guess_key(raw: str) -> str:
    match = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", raw)
    return match.group(1) if match else ""


def _failure(block: ParsingFailedBlock) -> dict[str, Any]:
    key = getattr(block, "key", "") or _guess_key(block.raw or "")
    return {"key": key, "line": (block.start_line or 0) + 1, "message": _failure_message(block)}


def _keep_first_fields(entry: Entry) -> None:
    """An entry that repeats a field (``address`` twice, or ``Title`` and ``title``) is
    read as BibTeX reads it, with the first value, rather than lost."""
    fields: dict[str, Field] = {}
    repeated: list[str] = []
    for f in entry.fields:
        key = f.key.lower()
        if key in fields:
            repeated.append(key)
        else:
            fields[key] = f
    if repeated:
        entry.fields = list(fields.values())
        names = ", ".join(dict.fromkeys(repeated))
        entry.parser_metadata.setdefault("notes", []).append(
            f"it repeats the field {names}: the first value was kept, as BibTeX does"
        )


def parse_bibtex_batches(text: str, batch_size: int | None = None) -> Iterator[ParseResult]:
    """Yield the candidates and failures of an upload one batch of entries at a time.

    Raises ``BibtexUnusable`` before yielding anything when the upload as a whole
    cannot be imported.
    """
    if not text.strip():
        raise BibtexUnusable("The BibTeX is empty.")
    library = bibtexparser.parse_string(text, parse_stack=[])
    for block in library.failed_blocks:
        if isinstance(block, DuplicateFieldKeyBlock) and block.ignore_error_block is not None:
            library.replace(block, block.ignore_error_block, fail_on_duplicate_key=False)
    for entry in library.entries:
        _keep_first_fields(entry)
    for middleware in (ResolveStrings(True), mw.NormalizeFieldKeys(True)):
        library = middleware.transform(library)
    entries = library.entries
    total = len(entries) + len(library.failed_blocks)
    if total > MAX_ENTRIES:
        raise BibtexUnusable(
            f"This upload has {total:,} entries; the limit is {MAX_ENTRIES:,} per upload. "
            "Split it into smaller files."
        )
    if total == 0:
        raise BibtexUnusable("No BibTeX entries were found. Is this a .bib file?")
    containers = resolve_crossrefs(entries)
    listed = [e for e in entries if e.key not in containers]
    failed = sorted(library.failed_blocks, key=lambda b: b.start_line or 0)
    first = ParseResult(failures=[_failure(b) for b in failed])
    if containers:
        first.notes.extend(
            {
                "key": e.key,
                "line": (e.start_line or 0) + 1,
                "message": "is the crossref parent of other entries: its fields were "
                "copied into them and it is not imported as an item itself",
            }
            for e in entries
            if e.key in containers
        )
    del library
    stack = _batch_stack()
    batch_size = batch_size or BATCH_SIZE
    for start in range(0, max(len(listed), 1), batch_size):
        batch = first if start == 0 else ParseResult()
        decoded = Library(list[Block](listed[start : start + batch_size]))
        for middleware in stack:
            decoded = middleware.transform(decoded)
        batch.failures.extend(_failure(b) for b in decoded.failed_blocks)
        for entry in decoded.entries:
            line = (entry.start_line or 0) + 1
            candidate, error = entry_to_candidate(entry)
            if candidate is None:
                batch.failures.append({"key": entry.key, "line": line, "message": error})
                continue
            candidate["line"] = line
            batch.candidates.append(candidate)
            for note in entry.parser_metadata.get("notes", []):
                batch.notes.append({"key": entry.key, "line": line, "message": f"imported; {note}"})
        yield batch


# --- Export ---------------------------------------------------------------------------


class _LatexEncoding(mw.LatexEncodingMiddleware):
    """Unicode → LaTeX on every field except the verbatim ones (mirror of decoding).

    A straight double quote stays itself: inside a braced value it needs no escaping,
    and pylatexenc's default ('' ) reads back as a curly closing quote.
    """

    def __init__(self) -> None:
        encoder = UnicodeToLatexEncoder(
            conversion_rules=[
                # Maths is kept as written (bibtexparser's keep_math rule).
                UnicodeToLatexConversionRule(
                    rule_type=RULE_REGEX, rule=[(re.compile(r"(?<!\\)(\$.*[^\\]\$)"), r"\1")]
                ),
                UnicodeToLatexConversionRule(rule_type=RULE_DICT, rule={ord('"'): '"'}),
                # Typed pairs that LaTeX reads as one character ('' → ”, -- → an en dash, `` → “,
                # !` → ¡) are split with an empty group so they read back as typed.
                UnicodeToLatexConversionRule(
                    rule_type=RULE_REGEX,
                    rule=[
                        (re.compile(r"(['`-])(?=\1)"), r"\1{}"),
                        (re.compile(r"([!?])(?=`)"), r"\1{}"),
                    ],
                ),
                "defaults",
            ]
        )
        super().__init__(encoder=encoder, allow_inplace_modification=True)

    def transform_entry(self, entry: Entry, library: Any) -> Any:
        kept = [f for f in entry.fields if f.key.lower() in VERBATIM_FIELDS]
        entry.fields = [f for f in entry.fields if f.key.lower() not in VERBATIM_FIELDS]
        result = super().transform_entry(entry, library)
        target = result if isinstance(result, Entry) else entry
        target.fields = target.fields + kept
        return result


def _author_field(names: Iterable[str]) -> str:
    out = []
    for name in names:
        # "First Last, Jr" is written as "Last, Jr, First" so BibTeX keeps the suffix.
        if ", " in name:
            base, jr = name.rsplit(", ", 1)
            first, _, last = base.rpartition(" ")
            out.append(f"{last}, {jr}, {first}" if first else f"{last}, {jr}")
        else:
            out.append(name)
    return " and ".join(out)


def _export_key(item: Item, used: set[str]) -> str:
    base = item.bibtex_key
    if not base:
        first_author = (item.authors or ["item"])[0].split()[-1] if item.authors else "item"
        base = re.sub(r"[^A-Za-z0-9]", "", first_author).lower() or "item"
        base = f"{base}{item.year or ''}"
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}_{n}"
    used.add(key)
    return key


def _venue_key(item: Item, entry_type: str) -> str:
    """The field the venue came from; for items made by hand, the usual one for the type
    (never a field the item also holds separately, such as a book's real publisher)."""
    if item.venue_field:
        return item.venue_field
    extra = item.extra_fields or {}
    preferred = VENUE_FIELD_BY_TYPE.get(entry_type, "booktitle")
    for key in (preferred, "booktitle", "howpublished", "note"):
        if key not in extra:
            return key
    return "howpublished"


def items_to_bibtex(items: Iterable[Item]) -> str:
    library = bibtexparser.Library()
    used: set[str] = set()
    for item in items:
        entry_type = item.bibtex_type or TYPE_BY_KIND.get(item.kind, "misc")
        fields = [Field("title", item.title)]
        if item.authors:
            fields.append(Field("author", _author_field(item.authors)))
        if item.year:
            fields.append(Field("year", str(item.year)))
        if item.venue:
            fields.append(Field(_venue_key(item, entry_type), item.venue))
        if item.doi:
            fields.append(Field("doi", item.doi))
        if item.arxiv_id:
            fields.append(Field("eprint", item.arxiv_id))
            fields.append(Field("archiveprefix", "arXiv"))
        if item.isbn:
            fields.append(Field("isbn", item.isbn))
        if item.url:
            fields.append(Field("url", item.url))
        if item.abstract:
            fields.append(Field("abstract", item.abstract))
        if item.tags:
            fields.append(Field("keywords", ", ".join(item.tags)))
        present = {f.key for f in fields}
        for key, value in (item.extra_fields or {}).items():
            if key not in present:
                fields.append(Field(key, str(value)))
        library.add(Entry(entry_type, _export_key(item, used), fields))
    unparse = [
        _LatexEncoding(),
        *mw.default_unparse_stack(allow_inplace_modification=True),
    ]
    return bibtexparser.write_string(library, unparse_stack=unparse)
