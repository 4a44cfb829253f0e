"""BibTeX in and out, through bibtexparser v2 (no hand-written parsing).

``parse_bibtex`` turns an upload into normalised candidate dicts (ready to become
``Item`` rows) plus failures carrying the entry key and 1-based line number.
``items_to_bibtex`` writes items back so that re-importing gives the same items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import bibtexparser
from bibtexparser import middlewares as mw
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, Field
from pylatexenc.latexwalker import LatexWalker, get_default_latex_context_db

from apps.readinglists.identifiers import normalize_arxiv, normalize_doi, normalize_isbn

if TYPE_CHECKING:
    from apps.readinglists.models import Item

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 5000

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
# Fields a child entry inherits from its ``crossref`` parent when it lacks them.
INHERITED_FIELDS = ("booktitle", "year", "publisher", "editor", "address", "series", "month")

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


# Text without these needs no LaTeX parser: dropping grouping braces is all it takes.
_NEEDS_LATEX = re.compile(r"[\\$~%&]|--|``|''")


class _LatexDecoding(mw.LatexDecodingMiddleware):
    """LaTeX → Unicode on every field except the verbatim ones.

    Two speed-ups over the stock middleware, same output: plain text skips the parser,
    and pylatexenc's walker context (rebuilt on every call by default, about a third
    of the cost) is built once.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._walker_context = get_default_latex_context_db()

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        if not _NEEDS_LATEX.search(python_string):
            return python_string.replace("{", "").replace("}", ""), ""
        try:
            walker = LatexWalker(python_string, latex_context=self._walker_context)
            return self._decoder.nodelist_to_text(walker.get_latex_nodes()[0]), ""
        except Exception as exc:  # pylatexenc raises many kinds; keep the raw text
            return python_string, str(exc)

    def transform_entry(self, entry: Entry, library: Any) -> Any:
        kept = [f for f in entry.fields if f.key.lower() in VERBATIM_FIELDS]
        entry.fields = [f for f in entry.fields if f.key.lower() not in VERBATIM_FIELDS]
        result = super().transform_entry(entry, library)
        target = result if isinstance(result, Entry) else entry
        target.fields = target.fields + kept
        return result


class _LatexEncoding(mw.LatexEncodingMiddleware):
    """Unicode → LaTeX on every field except the verbatim ones (mirror of decoding)."""

    def transform_entry(self, entry: Entry, library: Any) -> Any:
        kept = [f for f in entry.fields if f.key.lower() in VERBATIM_FIELDS]
        entry.fields = [f for f in entry.fields if f.key.lower() not in VERBATIM_FIELDS]
        result = super().transform_entry(entry, library)
        target = result if isinstance(result, Entry) else entry
        target.fields = target.fields + kept
        return result


def _parse_stack() -> list:
    return [
        mw.ResolveStringReferencesMiddleware(True),
        mw.RemoveEnclosingMiddleware(True),
        mw.NormalizeFieldKeys(True),
        _LatexDecoding(True),
        # After decoding, so the decoder never sees (and logs about) integer months.
        mw.MonthIntMiddleware(True),
        mw.SeparateCoAuthors(True),
        mw.SplitNameParts(True),
    ]


@dataclass
class ParseResult:
    candidates: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""  # set when the whole upload is unusable


class BibtexTooLarge(ValueError):
    pass


def decode_upload(data: bytes) -> str:
    """Decode an uploaded file, refusing binaries and files over the size limit."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise BibtexTooLarge(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is 2 MB per upload. "
            "Split it into smaller files."
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


def _year(entry: Entry) -> int | None:
    for key in ("year", "date"):
        value = entry.fields_dict.get(key)
        if value is not None:
            match = re.search(r"\b(1[5-9]\d\d|20\d\d|21\d\d)\b", str(value.value))
            if match:
                return int(match.group(1))
    return None


def _str(entry: Entry, key: str) -> str:
    value = entry.fields_dict.get(key)
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value.value)).strip()


def _resolve_crossrefs(entries: dict[str, Entry]) -> None:
    for entry in entries.values():
        parent_key = _str(entry, "crossref")
        parent = entries.get(parent_key) if parent_key else None
        if parent is None:
            continue
        for key in INHERITED_FIELDS:
            if key not in entry.fields_dict and key in parent.fields_dict:
                entry.set_field(Field(key, parent.fields_dict[key].value))
        if "booktitle" not in entry.fields_dict and "title" in parent.fields_dict:
            entry.set_field(Field("booktitle", parent.fields_dict["title"].value))
        entry.pop("crossref")


def entry_to_candidate(entry: Entry) -> tuple[dict[str, Any] | None, str]:
    """Map a parsed entry to Item fields; returns (candidate, error message)."""
    title = _str(entry, "title")
    if not title:
        return None, "has no title"
    raw_doi = _str(entry, "doi")
    doi = normalize_doi(raw_doi) if raw_doi else ""
    if raw_doi and not doi:
        return None, f"has an invalid DOI “{raw_doi[:80]}”"
    arxiv = ""
    eprint = _str(entry, "eprint")
    if eprint and _str(entry, "archiveprefix").lower() in {"", "arxiv"}:
        arxiv = normalize_arxiv(eprint)
    if not arxiv:
        match = re.search(r"arxiv[:\s]*(\d{4}\.\d{4,5})", _str(entry, "journal"), re.IGNORECASE)
        arxiv = normalize_arxiv(match.group(1)) if match else ""
    isbn = normalize_isbn(_str(entry, "isbn").split(",")[0]) if _str(entry, "isbn") else ""
    url = _str(entry, "url")
    if url and not re.match(r"^https?://", url, re.IGNORECASE):
        url = ""
    entry_type = entry.entry_type.lower()
    venue = (
        _str(entry, "journal")
        or _str(entry, "booktitle")
        or _str(entry, "school")
        or _str(entry, "institution")
        or (_str(entry, "publisher") if entry_type in {"book", "proceedings"} else "")
        or _str(entry, "howpublished")
    )
    extra: dict[str, Any] = {}
    for key, value in entry.items():
        if key in {"ENTRYTYPE", "ID"} or key in KNOWN_FIELDS:
            continue
        extra[key] = value if isinstance(value, int) else re.sub(r"\s+", " ", str(value))
    for key in ("journal", "booktitle", "publisher", "school", "institution", "howpublished"):
        # Keep venue-like fields that the single venue column cannot hold.
        value = _str(entry, key)
        if value and value != venue:
            extra[key] = value
    keywords = [k.strip() for k in re.split(r"[,;]", _str(entry, "keywords")) if k.strip()]
    candidate = {
        "bibtex_key": entry.key[:200],
        "bibtex_type": entry_type[:40],
        "kind": KIND_BY_TYPE.get(entry_type, "paper"),
        "title": title[:500],
        "authors": _names(entry.fields_dict["author"].value)
        if "author" in entry.fields_dict
        else [],
        "year": _year(entry),
        "venue": venue[:300],
        "doi": doi,
        "arxiv_id": arxiv,
        "isbn": isbn,
        "url": url[:500],
        "abstract": _str(entry, "abstract")[:20000],
        "tags": keywords[:20],
        "extra_fields": extra,
    }
    return candidate, ""


def parse_bibtex(text: str) -> ParseResult:
    result = ParseResult()
    if not text.strip():
        result.error = "The BibTeX is empty."
        return result
    library = bibtexparser.parse_string(text, parse_stack=_parse_stack())
    entries = library.entries
    if len(entries) + len(library.failed_blocks) > MAX_ENTRIES:
        result.error = (
            f"This upload has {len(entries) + len(library.failed_blocks):,} entries; the limit "
            f"is {MAX_ENTRIES:,} per upload. Split it into smaller files."
        )
        return result
    _resolve_crossrefs({e.key: e for e in entries})
    for block in library.failed_blocks:
        key = getattr(block, "key", "") or _guess_key(block.raw or "")
        if isinstance(block, DuplicateBlockKeyBlock):
            message = "repeats an entry key used earlier in the file"
        else:
            message = "could not be parsed (unbalanced braces or a truncated entry?)"
        result.failures.append(
            {"key": key, "line": (block.start_line or 0) + 1, "message": message}
        )
    for entry in entries:
        candidate, error = entry_to_candidate(entry)
        line = (entry.start_line or 0) + 1
        if candidate is None:
            result.failures.append({"key": entry.key, "line": line, "message": error})
        else:
            candidate["line"] = line
            result.candidates.append(candidate)
    if not result.candidates and not result.failures:
        result.error = "No BibTeX entries were found. Is this a .bib file?"
    result.failures.sort(key=lambda f: f["line"])
    return result


def _guess_key(raw: str) -> str:
    match = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", raw)
    return match.group(1) if match else ""


# --- Export ---------------------------------------------------------------------------


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
            venue_key = {
                "article": "journal",
                "book": "publisher",
                "proceedings": "publisher",
                "phdthesis": "school",
                "mastersthesis": "school",
                "techreport": "institution",
                "misc": "howpublished",
                "online": "howpublished",
            }.get(entry_type, "booktitle")
            fields.append(Field(venue_key, item.venue))
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
        _LatexEncoding(keep_math=True, enclose_urls=False, allow_inplace_modification=True),
        *mw.default_unparse_stack(allow_inplace_modification=True),
    ]
    return bibtexparser.write_string(library, unparse_stack=unparse)
