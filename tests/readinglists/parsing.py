"""A whole BibTeX text parsed at once, for the parser's tests (the import reads an upload
batch by batch, through ``parse_bibtex_batches``)."""

from __future__ import annotations

from apps.readinglists.bibtex import ParseResult, parse_bibtex_batches


def parse_bibtex(text: str) -> ParseResult:
    """Every batch's candidates, failures (by line) and notes; raises ``BibtexUnusable``
    as the import does."""
    result = ParseResult()
    for batch in parse_bibtex_batches(text):
        result.candidates.extend(batch.candidates)
        result.failures.extend(batch.failures)
        result.notes.extend(batch.notes)
    result.failures.sort(key=lambda f: f["line"])
    return result
