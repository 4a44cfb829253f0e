"""Recognise and normalise DOIs, arXiv ids and ISBNs, offline.

Normalised forms are what duplicate detection compares: a DOI lower-cased without any
resolver prefix, an arXiv id without its version suffix, an ISBN as 13 digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|https?://doi\.org/|doi\.org/)", re.IGNORECASE
)
# New-style (2007+) ids like 1706.03762v5 and old-style ids like hep-th/9901001v2.
_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
ARXIV_RE = re.compile(rf"^(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?$", re.IGNORECASE)
_ARXIV_PREFIXES = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE
)


def normalize_doi(value: str) -> str:
    """Return the bare lower-case DOI, or "" when ``value`` is not a DOI."""
    doi = _DOI_PREFIXES.sub("", (value or "").strip()).strip().rstrip(".,;")
    doi = doi.lower()
    return doi if DOI_RE.match(doi) else ""


def normalize_arxiv(value: str) -> str:
    raw = _ARXIV_PREFIXES.sub("", (value or "").strip()).strip()
    raw = raw.removesuffix(".pdf").rstrip("/")
    match = ARXIV_RE.match(raw)
    return match.group("id").lower() if match else ""


def _isbn10_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        value = 10 if ch in "Xx" else int(ch)
        total += (10 - i) * value
    return total % 11 == 0


def _isbn13_check(first12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def normalize_isbn(value: str) -> str:
    """Return a valid ISBN as 13 digits, or "" when the checksum fails."""
    raw = re.sub(r"^isbn(?:-1[03])?:?\s*", "", (value or "").strip(), flags=re.IGNORECASE)
    compact = re.sub(r"[\s-]", "", raw)
    if re.fullmatch(r"\d{9}[\dXx]", compact) and _isbn10_valid(compact):
        first12 = "978" + compact[:9]
        return first12 + _isbn13_check(first12)
    if re.fullmatch(r"97[89]\d{10}", compact) and _isbn13_check(compact[:12]) == compact[12]:
        return compact
    return ""


@dataclass(frozen=True)
class Identifier:
    kind: str  # "doi" | "arxiv" | "isbn"
    value: str


def recognise(token: str) -> Identifier | None:
    """Classify one pasted token (a DOI, an arXiv id or URL, an ISBN)."""
    token = token.strip()
    if not token:
        return None
    if doi := normalize_doi(token):
        # arXiv's own DOIs (10.48550/arXiv.NNNN) are better served by the arXiv API.
        if doi.startswith("10.48550/arxiv."):
            return Identifier("arxiv", normalize_arxiv(doi.split("arxiv.", 1)[1]) or doi)
        return Identifier("doi", doi)
    if arxiv := normalize_arxiv(token):
        return Identifier("arxiv", arxiv)
    if isbn := normalize_isbn(token):
        return Identifier("isbn", isbn)
    return None


def split_paste(text: str) -> list[str]:
    """Tokens of a pasted block: one per line, or separated by commas/semicolons."""
    tokens = re.split(r"[\n,;]+", text or "")
    return [t.strip() for t in tokens if t.strip()]
