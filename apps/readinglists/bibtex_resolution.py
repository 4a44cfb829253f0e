"""BibTeX's whole-file references, resolved on the raw fields before any decoding:
``@string`` macros (with ``#`` concatenation and macros defined from other macros) and
``crossref`` inheritance. Both need the whole file, so they run once per upload."""

from __future__ import annotations

from bibtexparser import middlewares as mw
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

# A crossref child inherits every field it lacks (bibtexparser 1.x's crossref rule),
# except those that identify the parent itself rather than the work in it.
NOT_INHERITED = frozenset({"title", "doi", "eprint", "archiveprefix", "primaryclass", "url",
                           "ids", "crossref", "key", "abstract", "keywords"})  # fmt: skip
# Entry types that hold other works: when entries crossref them, they are containers.
CONTAINER_TYPES = frozenset({"proceedings", "mvproceedings", "book", "mvbook", "collection",
                             "mvcollection", "periodical", "reference", "mvreference"})  # fmt: skip
# BibTeX's predefined macros; the month middleware reads them.
MONTH_MACROS = frozenset(
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
)


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


class ResolveStrings(mw.ResolveStringReferencesMiddleware):
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


def resolve_crossrefs(entries: list[Entry]) -> set[str]:
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
