from pathlib import Path

import pytest

from apps.readinglists.bibtex import (
    MAX_ENTRIES,
    MAX_UPLOAD_BYTES,
    BibtexTooLarge,
    BibtexUnusable,
    decode_upload,
    parse_bibtex_batches,
)
from tests.readinglists.parsing import parse_bibtex

RECORDED = Path(__file__).parent / "recorded"

SAMPLE = r"""@string{jmlr = "Journal of Machine Learning Research"}

@article{williams1992,
  author = {Ronald J. Williams and Sch{\"o}lkopf, Bernhard and G{\'e}rard D{\'\i}az},
  title = {Simple Statistical {Gradient-Following} Algorithms},
  journal = jmlr,
  year = 1992, month = may,
  doi = {https://doi.org/10.1007/BF00992696},
  url = {https://example.org/a%20b},
}

@inproceedings{child, title = {Child paper}, crossref = {parent}, author = {Ann Bee}}
@proceedings{parent, title = {Advances in Neural Information Processing Systems 33},
  year = 2020, publisher = {Curran}}
@misc{notitle, author = {Nobody}}
@article{baddoi, title = {Bad}, doi = {banana}}
@article{broken, title = {Oops
"""


def test_parses_accents_strings_months_and_crossref():
    result = parse_bibtex(SAMPLE)
    by_key = {c["bibtex_key"]: c for c in result.candidates}
    w = by_key["williams1992"]
    assert w["authors"] == ["Ronald J. Williams", "Bernhard Schölkopf", "Gérard Díaz"]
    assert w["title"] == "Simple Statistical Gradient-Following Algorithms"
    assert w["venue"] == "Journal of Machine Learning Research"
    assert w["doi"] == "10.1007/bf00992696"
    assert w["extra_fields"]["month"] == 5
    # URLs are verbatim: LaTeX decoding would treat "%" as a comment.
    assert w["url"] == "https://example.org/a%20b"
    child = by_key["child"]
    assert child["venue"] == "Advances in Neural Information Processing Systems 33"
    assert child["year"] == 2020


def test_failures_carry_key_line_and_reason():
    result = parse_bibtex(SAMPLE)
    failures = {f["key"]: f for f in result.failures}
    assert failures["notitle"]["message"] == "has no title"
    assert failures["notitle"]["line"] == 15
    assert "invalid DOI" in failures["baddoi"]["message"]
    assert failures["broken"]["line"] == 17
    assert "truncated" in failures["broken"]["message"]


def test_duplicate_keys_in_the_file_are_reported():
    result = parse_bibtex("@article{a, title={One}}\n@article{a, title={Two}}\n")
    assert [c["title"] for c in result.candidates] == ["One"]
    assert result.failures[0]["key"] == "a"
    assert "repeats" in result.failures[0]["message"]


def test_too_many_entries_is_one_clear_error_before_any_batch():
    text = "".join(f"@misc{{k{i}, title={{T{i}}}}}\n" for i in range(MAX_ENTRIES + 1))
    batches = parse_bibtex_batches(text)
    with pytest.raises(BibtexUnusable, match="limit is 25,000"):
        next(batches)


def test_text_without_entries_is_an_error():
    with pytest.raises(BibtexUnusable, match="No BibTeX entries"):
        parse_bibtex("just some words")
    with pytest.raises(BibtexUnusable, match="empty"):
        parse_bibtex("   ")


def test_decode_refuses_binary_and_oversized_uploads():
    with pytest.raises(ValueError, match="binary"):
        decode_upload(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(BibtexTooLarge, match="16 MB"):
        decode_upload(b"a" * (MAX_UPLOAD_BYTES + 1))
    assert decode_upload("é".encode("latin-1")) == "é"


def test_recorded_sample_library_parses_fully():
    result = parse_bibtex((RECORDED / "sample.bib").read_text())
    assert not result.failures
    assert len(result.candidates) == 5


# Found on public group bibliographies: each was lost or silently wrong.


def test_an_entry_repeating_a_field_keeps_the_first_value_as_bibtex_does():
    result = parse_bibtex(
        "@inproceedings{r, title={Hiera}, address={Honolulu, HI, USA},\n"
        "  address={Honolulu, Hawaii, USA}, year=2023}\n"
        "@misc{c, Title={First}, title={Second}}\n"
    )
    assert not result.failures
    by_key = {c["bibtex_key"]: c for c in result.candidates}
    assert by_key["r"]["extra_fields"]["address"] == "Honolulu, HI, USA"
    assert by_key["c"]["title"] == "First"
    notes = {n["key"]: n["message"] for n in result.notes}
    assert "repeats the field address: the first value was kept" in notes["r"]
    assert "repeats the field title" in notes["c"]


def test_authors_listed_with_commas_are_read_as_several_names():
    result = parse_bibtex(
        "@article{y, title={T}, author={Dong Yang, Fei Jiang, Wei Wu, Muyong Cao}}\n"
        "@article{s, title={T2}, author={Smith, Jr., John, Extra}}\n"
    )
    by_key = {c["bibtex_key"]: c for c in result.candidates}
    assert by_key["y"]["authors"] == ["Dong Yang", "Fei Jiang", "Wei Wu", "Muyong Cao"]
    assert len(by_key["s"]["authors"]) == 1  # not a list of full names: kept as one
    notes = {n["key"]: n["message"] for n in result.notes}
    assert "was read as 4 names separated by commas" in notes["y"]
    assert "was kept as written (too many commas)" in notes["s"]


def test_undefined_macros_and_missing_crossref_parents_are_reported():
    result = parse_bibtex(
        "@article{a, title={A}, journal=compint, month=jun, year=1995}\n"
        '@article{b, title={B}, journal=jair # " (special issue)"}\n'
        "@inproceedings{c, title={C}, crossref={icaps2020}}\n"
        "@inproceedings{d, title={D}, crossref={ICAPS2021}}\n"
        "@proceedings{icaps2021, title={Proceedings of ICAPS 2021}, year=2021}\n"
    )
    by_key = {c["bibtex_key"]: c for c in result.candidates}
    assert by_key["a"]["venue"] == "compint"
    assert by_key["a"]["extra_fields"]["month"] == 6
    assert by_key["b"]["venue"] == "jair (special issue)"
    # BibTeX matches crossref keys whatever their case.
    assert (by_key["d"]["venue"], by_key["d"]["year"]) == ("Proceedings of ICAPS 2021", 2021)
    notes = {n["key"]: n["message"] for n in result.notes}
    assert "its journal uses “compint”, which this file does not define" in notes["a"]
    assert "month" not in notes["a"]
    assert "“jair”" in notes["b"]
    assert "its crossref “icaps2020” is not in this file" in notes["c"]
    assert "d" not in notes
