"""BibTeX import (preview → confirm) and export round-trips, through the services."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from apps.readinglists import bibtex_import
from apps.readinglists.bibtex import items_to_bibtex
from apps.readinglists.models import ImportDraft, Item
from tests.readinglists.factories import ItemFactory, ReadingListFactory
from tests.readinglists.parsing import parse_bibtex

RECORDED = Path(__file__).parent / "recorded"
COMPARED = ("kind", "title", "authors", "year", "venue", "doi", "arxiv_id", "isbn", "url")


@pytest.fixture
def reading_list(db):
    return ReadingListFactory()


def _import(reading_list, text):
    draft = bibtex_import.import_preview(
        reading_list=reading_list, user=reading_list.owner, text=text
    )
    return bibtex_import.import_confirm(draft=draft, user=reading_list.owner).created


def test_preview_imports_nothing_until_confirmed(reading_list):
    text = (RECORDED / "sample.bib").read_text()
    draft = bibtex_import.import_preview(
        reading_list=reading_list, user=reading_list.owner, text=text
    )
    assert Item.objects.count() == 0
    summary = bibtex_import.import_summary(draft)
    assert (summary.new_count, summary.duplicate_count) == (5, 0)
    assert bibtex_import.import_confirm(draft=draft, user=reading_list.owner).created == 5
    ppo = Item.objects.get(arxiv_id="1707.06347")
    assert ppo.tags == ["policy gradient", "trust region"]
    assert Item.objects.get(bibtex_key="erdos1960").authors == ["Paul Erdős", "Alfréd Rényi"]
    assert Item.objects.get(bibtex_key="sutton2018rl").kind == "book"


def test_confirm_twice_imports_once(reading_list):
    draft = bibtex_import.import_preview(
        reading_list=reading_list, user=reading_list.owner, text="@misc{a, title={Only}}"
    )
    bibtex_import.import_confirm(draft=draft, user=reading_list.owner)
    with pytest.raises(ValidationError):
        bibtex_import.import_confirm(draft=draft, user=reading_list.owner)
    assert reading_list.items.count() == 1


def test_duplicates_by_identifier_and_within_file_are_skipped(reading_list):
    ItemFactory(reading_list=reading_list, doi="10.1038/nature14236")
    text = (
        "@article{a, title={Dup of existing}, doi={https://doi.org/10.1038/NATURE14236}}\n"
        "@article{b, title={New}, eprint={1707.06347v1}}\n"
        "@article{c, title={Same arXiv again}, eprint={1707.06347}}\n"
    )
    draft = bibtex_import.import_preview(
        reading_list=reading_list, user=reading_list.owner, text=text
    )
    summary = bibtex_import.import_summary(draft)
    assert [c.data["bibtex_key"] for c in summary.new] == ["b"]
    assert {c.data["bibtex_key"] for c in summary.duplicates} == {"a", "c"}
    assert bibtex_import.import_confirm(draft=draft, user=reading_list.owner).created == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@article{broken, title = {Oops", "could not be parsed"),
        ("@article{x, author={Someone}}", "has no title"),
        ("@article{x, title={T}, doi={not-a-doi}}", "invalid DOI"),
        ("\x00\x01binary", "No BibTeX entries"),
    ],
)
def test_unusable_upload_raises_and_creates_nothing(reading_list, text, message):
    with pytest.raises(ValidationError, match=message):
        bibtex_import.import_preview(reading_list=reading_list, user=reading_list.owner, text=text)
    assert ImportDraft.objects.count() == 0
    assert Item.objects.count() == 0


def test_bibtex_export_round_trips_to_the_same_items(reading_list):
    _import(reading_list, (RECORDED / "sample.bib").read_text())
    ItemFactory(
        reading_list=reading_list,
        kind="blog",
        title="Lil'Log: Policy Gradient Algorithms — 100% & $x_1$",
        authors=["Lilian Weng", "Martin Luther King, Jr."],
        url="https://lilianweng.github.io/posts/2018-04-08-policy-gradient/?a=1%202",
        year=2018,
        tags=["policy gradient"],
    )
    original = list(reading_list.items.order_by("position", "pk"))
    exported = items_to_bibtex(original)

    copy = ReadingListFactory(owner=reading_list.owner)
    assert _import(copy, exported) == len(original)
    again = list(copy.items.order_by("position", "pk"))
    for before, after in zip(original, again, strict=True):
        for field in COMPARED:
            assert getattr(after, field) == getattr(before, field), (field, before.title)
        assert after.tags == before.tags


def test_export_writes_latex_for_accents_and_keeps_identifiers_verbatim(reading_list):
    item = ItemFactory(
        reading_list=reading_list, title="Über Graphen", authors=["Paul Erdős"], doi="10.1234/x_y"
    )
    text = items_to_bibtex([item])
    assert "doi = {10.1234/x_y}" in text
    assert parse_bibtex(text).candidates[0]["title"] == "Über Graphen"


@pytest.mark.parametrize(
    "title", ["''", "It's '''odd'''", "a--b and a---b", "``quoted``", "Hello!` ?`", "!! ??"]
)
def test_typed_character_pairs_round_trip_instead_of_becoming_ligatures(title):
    item = Item(kind="paper", title=title, venue=title, year=2020)
    (back,) = parse_bibtex(items_to_bibtex([item])).candidates
    assert (back["title"], back["venue"]) == (title, title)
