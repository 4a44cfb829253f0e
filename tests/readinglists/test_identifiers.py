import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.readinglists.identifiers import (
    normalize_arxiv,
    normalize_doi,
    normalize_isbn,
    recognise,
    split_paste,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1038/NATURE14236", "10.1038/nature14236"),
        ("https://doi.org/10.1007/BF00992696", "10.1007/bf00992696"),
        ("http://dx.doi.org/10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("doi:10.1000/xyz123.", "10.1000/xyz123"),
        ("not a doi", ""),
        ("10.12/too-short-prefix", ""),
    ],
)
def test_doi_is_lower_cased_without_resolver(raw, expected):
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1706.03762v5", "1706.03762"),
        ("arXiv:1707.06347", "1707.06347"),
        ("https://arxiv.org/abs/1801.01290v2", "1801.01290"),
        ("https://arxiv.org/pdf/2106.09685v1.pdf", "2106.09685"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("1234", ""),
    ],
)
def test_arxiv_id_loses_version_and_prefix(raw, expected):
    assert normalize_arxiv(raw) == expected


def test_isbn10_becomes_isbn13_and_bad_checksum_is_refused():
    assert normalize_isbn("0-262-03384-4") == "9780262033848"
    assert normalize_isbn("978-0-262-03384-8") == "9780262033848"
    assert normalize_isbn("978-0-262-03384-7") == ""


def test_recognise_classifies_each_kind_and_arxiv_dois():
    assert recognise("10.1038/nature14236").kind == "doi"
    assert recognise("https://arxiv.org/abs/1707.06347").value == "1707.06347"
    assert recognise("10.48550/arXiv.1706.03762").kind == "arxiv"
    assert recognise("ISBN 9780262039246").kind == "isbn"
    assert recognise("hello world") is None


def test_split_paste_accepts_lines_commas_and_semicolons():
    assert split_paste(" a \n\n b, c ;d ") == ["a", "b", "c", "d"]


@given(st.text(max_size=60))
def test_normalisers_never_crash_and_are_idempotent(text):
    for normalise in (normalize_doi, normalize_arxiv, normalize_isbn):
        once = normalise(text)
        assert normalise(once) == once if once else True


# Trailing punctuation is stripped on purpose (pasted DOIs often end a sentence).
@given(st.from_regex(r"10\.\d{4,6}/[A-Za-z0-9._-]{0,19}[A-Za-z0-9]", fullmatch=True))
def test_any_doi_normalises_to_lower_case(doi):
    assert normalize_doi(f"https://doi.org/{doi}") == doi.lower()
