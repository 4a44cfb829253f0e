"""BibTeX as people really write it: macros, crossref, odd names, maths and quotes."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.readinglists.bibtex import items_to_bibtex
from apps.readinglists.models import Item, authors_display
from tests.readinglists.parsing import parse_bibtex


def _one(text: str) -> dict:
    result = parse_bibtex(text)
    assert not result.failures, result.failures
    (candidate,) = result.candidates
    return candidate


def test_trailing_comma_in_a_name_is_imported_with_a_note_not_called_unbalanced():
    result = parse_bibtex(
        "@article{cajal, author = {Ram{\\'o}n y Cajal, Santiago,}, title = {Neurons}}"
    )
    assert result.failures == []
    assert result.candidates[0]["authors"] == ["Santiago Ramón y Cajal"]
    (note,) = result.notes
    assert note["key"] == "cajal"
    assert "trailing comma" in note["message"]


def test_truncated_entry_reports_the_parser_reason():
    result = parse_bibtex("@article{cut, title = {Half\n@article{ok, title={Fine}}")
    assert [c["bibtex_key"] for c in result.candidates] == ["ok"]
    assert "Unexpected block start" in result.failures[0]["message"]


def test_string_concatenation_is_resolved():
    text = (
        '@string{neurips = "NeurIPS"}\n@string{neurips20 = neurips # " 2020"}\n'
        '@inproceedings{w, title = {T}, booktitle = neurips # " (workshop)", '
        "note = {a} # {b} # 2020, series = neurips20}"
    )
    c = _one(text)
    assert c["venue"] == "NeurIPS (workshop)"
    assert c["extra_fields"]["note"] == "ab2020"
    assert c["extra_fields"]["series"] == "NeurIPS 2020"


def test_crossref_children_inherit_and_container_parents_are_not_items():
    text = (
        "@inproceedings{child, title = {Child}, author = {Ann Bee}, crossref = {proc}, "
        "pages = {1--9}}\n"
        "@proceedings{proc, title = {Proceedings of X}, volume = 33, publisher = {Curran}, "
        "year = 2020, editor = {Ed Itor}, address = {Online}, series = {PMLR}, "
        "isbn = {978-3-16-148410-0}, doi = {10.1234/volume}}\n"
        "@proceedings{alone, title = {A volume listed on its own}, year = 2021}\n"
    )
    result = parse_bibtex(text)
    by_key = {c["bibtex_key"]: c for c in result.candidates}
    assert set(by_key) == {"child", "alone"}
    child = by_key["child"]
    assert child["venue"] == "Proceedings of X"
    assert child["year"] == 2020
    assert child["extra_fields"]["volume"] == "33"
    assert child["extra_fields"]["publisher"] == "Curran"
    assert child["extra_fields"]["series"] == "PMLR"
    assert child["extra_fields"]["address"] == "Online"
    # The parent's own identifiers identify the volume, not the paper.
    assert child["doi"] == ""
    assert [n["key"] for n in result.notes] == ["proc"]


def test_crossref_cycles_do_not_loop():
    text = "@misc{a, title={A}, crossref={b}}\n@misc{b, title={B}, crossref={a}}\n"
    assert {c["bibtex_key"] for c in parse_bibtex(text).candidates} == {"a", "b"}


def test_and_others_is_shown_as_et_al():
    c = _one("@article{x, title={T}, author={Ann Bee and others}}")
    assert c["authors"] == ["Ann Bee", "others"]
    assert authors_display(c["authors"]) == "Ann Bee et al."
    assert Item(authors=["A", "B", "C", "D"]).authors_display == "A, B, C et al."
    assert Item(authors=["A", "B"]).authors_display == "A, B"


def test_bare_ampersand_is_kept():
    c = _one("@article{x, title = {Tom & Jerry \\& friends}, journal = {J & K}}")
    assert c["title"] == "Tom & Jerry & friends"
    assert c["venue"] == "J & K"


def test_book_and_proceedings_export_keeps_the_real_publisher():
    text = (
        "@proceedings{p, title = {Proc}, booktitle = {NeurIPS 2020}, publisher = {Curran}}\n"
        "@book{b, title = {RL}, publisher = {MIT Press}, isbn = {978-0-262-03924-6}}\n"
    )
    items = [Item(**c) for c in _candidates(text)]
    exported = items_to_bibtex(items)
    assert "publisher = {Curran}" in exported
    assert "booktitle = {NeurIPS 2020}" in exported
    assert "publisher = {MIT Press}" in exported
    assert "publisher = {NeurIPS" not in exported


def test_hand_made_book_never_overwrites_its_publisher():
    item = Item(kind="book", title="B", venue="Series X", extra_fields={"publisher": "P"})
    exported = items_to_bibtex([item])
    assert "publisher = {P}" in exported
    assert "Series X" in exported


def _candidates(text: str) -> list[dict]:
    result = parse_bibtex(text)
    assert not result.failures, result.failures
    return [{k: v for k, v in c.items() if k != "line"} for c in result.candidates]


FIELDS = (
    "kind",
    "title",
    "authors",
    "year",
    "venue",
    "venue_field",
    "doi",
    "arxiv_id",
    "isbn",
    "url",
    "abstract",
    "tags",
    "bibtex_key",
    "bibtex_type",
    "extra_fields",
)


def _round_trip(text: str) -> tuple[list[dict], list[dict]]:
    first = _candidates(text)
    second = _candidates(items_to_bibtex(Item(**c) for c in first))
    return first, second


def _assert_same(first: list[dict], second: list[dict]) -> None:
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        for name in FIELDS:
            assert a.get(name) == b.get(name), (name, a.get(name), b.get(name))


ACCENTS = [r"Erd{\H{o}}s", r"Sch{\"o}lkopf", r"Garc{\'\i}a", "Müller", r"L{\o}kke", "Ng"]
TITLES = [
    r"Q-learning with $x^2$ and $\alpha_i$",
    'The "best" & worst',
    "100\\% sure",
    r"{BERT}: Pre-training",
    "Ünïcödé — dashes -- and ``quotes''",
    "Plain ^ caret",
]


def generated_corpus(n: int, seed: int) -> str:
    rng = random.Random(seed)
    out = [
        '@string{conf = "Conference on Things"}',
        '@string{jr = "Journal of " # "Results"}',
        "@proceedings{vol, title = {Proceedings of Things 2020}, year = 2020, volume = 7, "
        "publisher = {Curran Associates}, isbn = {978-3-16-148410-0}}",
    ]
    for i in range(n):
        authors = " and ".join(f"{rng.choice(ACCENTS)}, A." for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.2:
            authors += " and others"
        title = f"{rng.choice(TITLES)} {i}"
        shape = i % 4
        if shape == 0:
            out.append(
                f"@article{{a{i}, author = {{{authors}}}, title = {{{title}}}, "
                f"journal = jr, year = {2000 + i % 20}, doi = {{10.1234/x.{i}}}}}"
            )
        elif shape == 1:
            out.append(
                f"@inproceedings{{a{i}, author = {{{authors}}}, title = {{{title}}}, "
                f"crossref = {{vol}}, pages = {{{i}--{i + 9}}}}}"
            )
        elif shape == 2:
            out.append(
                f"@inproceedings{{a{i}, author = {{{authors}}}, title = {{{title}}}, "
                f'booktitle = conf # " (workshop)", year = 2021, month = may}}'
            )
        else:
            out.append(
                f"@book{{a{i}, author = {{{authors}}}, title = {{{title}}}, "
                f'publisher = {{MIT Press}}, series = {{Adaptive "S"}}, year = 2018}}'
            )
    return "\n\n".join(out)


def test_generated_corpus_round_trips():
    first, second = _round_trip(generated_corpus(60, seed=7))
    assert len(first) == 60
    _assert_same(first, second)
    by_key = {c["bibtex_key"]: c for c in first}
    assert by_key["a1"]["extra_fields"]["volume"] == "7"
    assert by_key["a2"]["venue"] == "Conference on Things (workshop)"
    assert any('"' in c["title"] for c in first)
    assert any("^" in c["title"] for c in first)


_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ 019-.,:;!?'\"&^_%#~/()éüøßñ—")), min_size=1, max_size=40
).filter(lambda s: s.strip() and s == " ".join(s.split()))


@settings(max_examples=60, deadline=None)
@given(
    title=_TEXT,
    venue=_TEXT,
    authors=st.lists(
        st.from_regex(r"[A-Z][a-zéü]{1,8} [A-Z][a-zøñ]{1,8}", fullmatch=True), max_size=3
    ),
    kind=st.sampled_from(["paper", "book", "chapter", "blog"]),
    maths=st.sampled_from(["", " $x^2$", " $a_{i}^{2}$"]),
)
def test_any_item_round_trips_through_export(title, venue, authors, kind, maths):
    item = Item(kind=kind, title=title + maths, venue=venue, authors=authors, year=2020)
    (back,) = _candidates(items_to_bibtex([item]))
    assert back["title"] == item.title
    assert back["venue"] == item.venue
    assert back["authors"] == item.authors
    again = _candidates(items_to_bibtex([Item(**back)]))
    _assert_same([back], again)
