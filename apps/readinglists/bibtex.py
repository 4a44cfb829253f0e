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
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec
from pylatexenc.latex2text import get_default_latex_context_db as text_context_db
from pylatexenc.latexencode import (
    RULE_DICT,
    RULE_REGEX,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)
from pylatexenc.latexwalker import LatexWalker, get_default_latex_context_db

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
# A crossref child inherits every field it lacks (bibtexparser 1.x's crossref rule),
# except those that identify the parent itself rather than the work in it.
NOT_INHERITED = frozenset({"title", "doi", "eprint", "archiveprefix", "primaryclass", "url",
                           "ids", "crossref", "key", "abstract", "keywords"})  # fmt: skip
# Entry types that hold other works: when entries crossref them, they are containers.
CONTAINER_TYPES = frozenset({"proceedings", "mvproceedings", "book", "mvbook", "collection",
                             "mvcollection", "periodical", "reference", "mvreference"})  # fmt: skip

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
# BibTeX's predefined macros; the month middleware reads them.
MONTH_MACROS = frozenset(
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
)
# --- Raw pass over the whole file: macros and crossref ---------------------------------


def _split_expression(value: str) -> list[str] | None:
    """The ``#``-separated parts of an unenclosed value, or None when it is one piece."""
    if "#" not in value:
        return None
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(value):
        if char == "\\":
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0 and (i == 0 or value[i - 1] != "\\"):
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:i].strip())
            start = i + 1
    if not parts:
        return None
    parts.append(value[start:].strip())
    return parts


def _unenclose(piece: str) -> str | None:
    if len(piece) >= 2 and piece[0] == "{" and piece[-1] == "}":
        return piece[1:-1]
    if len(piece) >= 2 and piece[0] == '"' and piece[-1] == '"':
        return piece[1:-1]
    if piece.isdigit():
        return piece
    return None


class _ResolveStrings(mw.ResolveStringReferencesMiddleware):
    """bibtexparser's macro resolution, plus ``#`` concatenation (``neurips # " (ws)"``)
    and macros defined from other macros. Resolved values are re-enclosed in braces so
    the enclosing middleware treats them like any braced value."""

    def _resolve(self, value: str, macros: dict[str, str], undefined: list[str]) -> str | None:
        pieces = _split_expression(value)
        if pieces is None:
            if _unenclose(value.strip()) is not None:
                return None  # an ordinary enclosed value
            pieces = [value.strip()]
        out = []
        for piece in pieces:
            text = _unenclose(piece)
            if text is None:
                text = macros.get(piece.lower())
                if text is None and piece.lower() not in MONTH_MACROS:
                    undefined.append(piece)
            out.append(piece if text is None else text)
        if len(pieces) == 1 and not undefined and pieces[0].lower() not in macros:
            return None  # a month macro, left for the month middleware
        return "".join(out)

    def transform(self, library: Library) -> Library:
        macros: dict[str, str] = {}
        for string in library.strings:
            raw = string.value if isinstance(string.value, str) else str(string.value)
            resolved = self._resolve(raw, macros, [])
            text = resolved if resolved is not None else (_unenclose(raw.strip()) or raw)
            macros[string.key.lower()] = text
            string.value = "{" + text + "}"
        for entry in library.entries:
            for f in entry.fields:
                if not isinstance(f.value, str):
                    continue
                undefined: list[str] = []
                resolved = self._resolve(f.value, macros, undefined)
                if resolved is not None:
                    f.value = "{" + resolved + "}"
                if undefined:
                    names = ", ".join(f"“{name}”" for name in undefined)
                    entry.parser_metadata.setdefault("notes", []).append(
                        f"its {f.key.lower()} uses {names}, which this file does not define "
                        "with @string: the name itself was kept as the value"
                    )
        return library


def _resolve_crossrefs(entries: list[Entry]) -> set[str]:
    """Fill children from their parents (cascading, cycle-safe); return container keys."""
    by_key = {e.key.lower(): e for e in entries}  # BibTeX matches crossref keys in any case
    done: set[str] = set()
    containers: set[str] = set()

    def raw(entry: Entry, key: str) -> str:
        value = entry.fields_dict.get(key)
        return "" if value is None else str(value.value).strip('{}" ').strip()

    def resolve(entry: Entry, chain: tuple[str, ...]) -> None:
        if entry.key in done:
            return
        done.add(entry.key)
        crossref = raw(entry, "crossref")
        parent = by_key.get(crossref.lower())
        if parent is None:
            entry.parser_metadata.setdefault("notes", []).append(
                f"its crossref “{crossref}” is not in this file: what it would give "
                "(such as the venue and year) is missing"
            )
            return
        if parent.key in chain:
            return
        resolve(parent, (*chain, entry.key))
        if parent.entry_type.lower() in CONTAINER_TYPES:
            containers.add(parent.key)
        for f in parent.fields:
            if f.key not in NOT_INHERITED and f.key not in entry.fields_dict:
                entry.set_field(Field(f.key, f.value))
        if "booktitle" not in entry.fields_dict and "title" in parent.fields_dict:
            entry.set_field(Field("booktitle", parent.fields_dict["title"].value))
        entry.parser_metadata["crossref_parent"] = parent.key

    for entry in entries:
        if "crossref" in entry.fields_dict:
            resolve(entry, ())
    return containers


# --- Per-batch decoding ------------------------------------------------------------------


# Text without these needs no LaTeX parser: dropping grouping braces is all it takes.
# (A bare "&" needs none either: pylatexenc is given it escaped, as "\&".)
_MARKUP = re.compile(r"[\\$~%`]|--|''")
# A bare "&" is LaTeX's column separator, which pylatexenc turns into spaces.
_BARE_AMPERSAND = re.compile(r"(?<!\\)&")
# The markup of most real values, each piece a complete node whatever surrounds it, so
# it decodes the same on its own as in place: a braced group holding one control
# sequence and at most one argument (``{\"o}``, ``{\c{c}}``, ``{\'\i}``, ``{\o}``); a
# symbol accent or one-letter accent macro with its argument (``\"u``, ``\H{o}``); an
# escaped character; a tie, dash or quote ligature. A macro before one of them that
# could take it as an argument leaves a backslash in the text around it, and then the
# whole value goes through pylatexenc.
_LATEX_TOKEN = re.compile(
    r"""(
        \{\\(?:[A-Za-z]+|[^A-Za-z\s{}%$])\s*
            (?:[A-Za-z]|\\[A-Za-z]+|\{[^{}\\%$]*\}|\{\\[A-Za-z]+\})?\}
      | \\[`'^"~=.](?:[A-Za-z]|\{[A-Za-z]?\}|\{\\[ij]\})
      | \\[cHvukrdb]\{(?:[A-Za-z]?|\\[ij])\}
      | \\[&%$\#_]
      | ~ | --- | -- | `` | '' | !` | \?`
    )""",
    re.VERBOSE,
)


def _text_decoder() -> LatexNodes2Text:
    context = text_context_db()
    context.add_context_category(
        "pacer-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            # pylatexenc gives a modifier-letter circumflex and nothing; the export
            # writes these macros for the plain characters, so read them back as such.
            MacroTextSpec("textasciicircum", simplify_repl="^"),
            MacroTextSpec("textquotedbl", simplify_repl='"'),
        ],
    )
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


# Neither keeps state between calls; building them costs more than most decodings.
_DECODER = _text_decoder()
_WALKER_CONTEXT = get_default_latex_context_db()


def decode_latex_with_pylatexenc(value: str) -> tuple[str, str]:
    """LaTeX → Unicode through pylatexenc's parser: (text, error). The reference."""
    source = _BARE_AMPERSAND.sub(r"\\&", value)
    try:
        walker = LatexWalker(source, latex_context=_WALKER_CONTEXT)
        return _DECODER.nodelist_to_text(walker.get_latex_nodes()[0]), ""
    except Exception as exc:  # pylatexenc raises many kinds; keep the raw text
        return value, str(exc)


@functools.lru_cache(maxsize=4096)
def _decode_token(token: str) -> tuple[str, str]:
    return decode_latex_with_pylatexenc(token)


def decode_latex(value: str) -> tuple[str, str]:
    """LaTeX → Unicode: (text, error), always what ``decode_latex_with_pylatexenc`` gives.

    pylatexenc costs about a millisecond per value, most of a large import. So plain
    text only loses its grouping braces; text whose only markup is ``_LATEX_TOKEN``
    pieces has each distinct piece decoded once (cached) and the braces around them
    dropped; anything else (maths, other macros, comments) goes through the parser.
    Short values, which repeat (venues, author lists), are cached whole.
    """
    if len(value) <= MAX_CACHED_VALUE:
        return _decode_short(value)
    return _decode(value)


MAX_CACHED_VALUE = 300  # characters; long values (abstracts) are rarely repeated


@functools.lru_cache(maxsize=20_000)
def _decode_short(value: str) -> tuple[str, str]:
    return _decode(value)


def _decode(value: str) -> tuple[str, str]:
    if not _MARKUP.search(value):
        return value.replace("{", "").replace("}", ""), ""
    pieces = _LATEX_TOKEN.split(value)  # plain text at even indexes, tokens at odd ones
    if any(_MARKUP.search(text) for text in pieces[0::2]):
        return decode_latex_with_pylatexenc(value)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            out.append(piece.replace("{", "").replace("}", ""))
            continue
        text, error = _decode_token(piece)
        if error:
            return decode_latex_with_pylatexenc(value)
        out.append(text)
    return "".join(out), ""


def clear_decoding_caches() -> None:
    """Forget cached decodings and names (for benchmarks that time a cold import)."""
    _decode_short.cache_clear()
    _decode_token.cache_clear()
    _name_parts.cache_clear()


class _LatexDecoding(mw.LatexDecodingMiddleware):
    """LaTeX → Unicode on every field except the verbatim ones, through ``decode_latex``."""

    def __init__(self, allow_inplace_modification: bool = True) -> None:
        super().__init__(allow_inplace_modification, decoder=_DECODER)

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
    error: str = ""  # set when the whole upload is unusable


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
    for middleware in (_ResolveStrings(True), mw.NormalizeFieldKeys(True)):
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
    containers = _resolve_crossrefs(entries)
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


def parse_bibtex(text: str) -> ParseResult:
    """The whole upload at once (for small texts, tests and the export round trip)."""
    result = ParseResult()
    try:
        for batch in parse_bibtex_batches(text):
            result.candidates.extend(batch.candidates)
            result.failures.extend(batch.failures)
            result.notes.extend(batch.notes)
    except BibtexUnusable as exc:
        return ParseResult(error=str(exc))
    result.failures.sort(key=lambda f: f["line"])
    return result


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
