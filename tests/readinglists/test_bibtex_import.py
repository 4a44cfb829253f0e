"""Preview → choose → confirm: likely duplicates, ISBNs of books only, batches."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.readinglists import bibtex, bibtex_import, services
from apps.readinglists.models import ImportCandidate, Item
from tests.readinglists.factories import ItemFactory, ReadingListFactory

ISBN = "978-3-16-148410-0"


@pytest.fixture
def reading_list(db):
    return ReadingListFactory()


def _preview(reading_list, text):
    return bibtex_import.import_preview(
        reading_list=reading_list, user=reading_list.owner, text=text
    )


def test_papers_of_one_proceedings_volume_sharing_its_isbn_are_all_imported(reading_list):
    text = "".join(
        f"@inproceedings{{p{i}, title={{Paper {i}}}, isbn={{{ISBN}}}, year=2020}}\n"
        for i in range(5)
    )
    draft = _preview(reading_list, text)
    assert bibtex_import.import_summary(draft).duplicate_count == 0
    outcome = bibtex_import.import_confirm(draft=draft, user=reading_list.owner)
    assert outcome.created == 5
    assert reading_list.items.filter(isbn="9783161484100").count() == 5


def test_the_same_book_twice_is_a_duplicate(reading_list):
    ItemFactory(reading_list=reading_list, kind="book", title="RL", isbn="9783161484100")
    draft = _preview(reading_list, f"@book{{b, title={{Another title}}, isbn={{{ISBN}}}}}")
    (row,) = bibtex_import.import_summary(draft).duplicates
    assert row.match == "isbn"
    assert row.choices == ["skip", "merge"]


def test_database_allows_papers_sharing_an_isbn_but_not_books(reading_list):
    services.item_create(reading_list=reading_list, title="A", isbn="9783161484100")
    services.item_create(reading_list=reading_list, title="B", isbn="9783161484100")
    ItemFactory(reading_list=reading_list, kind="book", isbn="9783161484100")
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemFactory(reading_list=reading_list, kind="book", isbn="9783161484100")


def test_likely_duplicates_by_title_and_year_are_offered_every_choice(reading_list):
    existing = ItemFactory(reading_list=reading_list, title="Attention Is All You Need",
                           year=2017, doi="")  # fmt: skip
    text = (
        "@article{pub, title={Attention is all you need!}, year=2017, doi={10.5555/aiayn}}\n"
        "@misc{arx, title={Attention Is All You {Need}}, year=2017, eprint={1706.03762}}\n"
        "@misc{skipme, title={attention is all you need}, year=2017}\n"
        "@misc{other, title={Attention Is All You Need}, year=2018}\n"
    )
    draft = _preview(reading_list, text)
    summary = bibtex_import.import_summary(draft)
    assert summary.new_count == 1
    rows = {r.data["bibtex_key"]: r for r in summary.duplicates}
    assert set(rows) == {"pub", "arx", "skipme"}
    assert all(r.match == "title" and r.match_item == existing for r in rows.values())
    assert rows["pub"].choices == ["import", "skip", "merge"]
    assert all(r.decision == "skip" for r in rows.values())
    outcome = bibtex_import.import_confirm(
        draft=draft,
        user=reading_list.owner,
        decisions={rows["pub"].pk: "import", rows["arx"].pk: "merge"},
    )
    assert (outcome.created, outcome.merged, outcome.skipped) == (2, 1, 1)
    existing.refresh_from_db()
    assert existing.arxiv_id == "1706.03762"
    assert reading_list.items.filter(doi="10.5555/aiayn").exists()


def test_same_identifier_cannot_be_imported_anyway(reading_list):
    ItemFactory(reading_list=reading_list, doi="10.1038/nature14236")
    draft = _preview(reading_list, "@article{a, title={Other}, doi={10.1038/NATURE14236}}")
    (row,) = bibtex_import.import_summary(draft).duplicates
    assert row.match == "doi"
    with pytest.raises(ValidationError):
        bibtex_import.import_confirm(
            draft=draft, user=reading_list.owner, decisions={row.pk: "import"}
        )
    assert reading_list.items.count() == 1
    assert ImportCandidate.objects.get(pk=row.pk).decision == "skip"


def test_duplicates_within_the_file_point_at_the_earlier_entry(reading_list):
    text = (
        "@misc{first, title={Same}, year=2020}\n@misc{second, title={SAME}, year=2020}\n"
        "@article{d1, title={X}, doi={10.1234/a}}\n@article{d2, title={Y}, doi={10.1234/a}}\n"
    )
    draft = _preview(reading_list, text)
    rows = {r.data["bibtex_key"]: r for r in bibtex_import.import_summary(draft).duplicates}
    assert (rows["second"].match_entry, rows["second"].match) == ("first", "title")
    assert (rows["d2"].match_entry, rows["d2"].match) == ("d1", "doi")
    assert rows["second"].choices == ["import", "skip"]
    outcome = bibtex_import.import_confirm(
        draft=draft, user=reading_list.owner, decisions={rows["second"].pk: "import"}
    )
    assert (outcome.created, outcome.skipped) == (3, 1)


def test_confirm_inserts_in_batches_inside_one_transaction(reading_list, monkeypatch):
    monkeypatch.setattr(bibtex, "BATCH_SIZE", 3)
    text = "".join(f"@misc{{k{i}, title={{T{i}}}, doi={{10.1234/{i}}}}}\n" for i in range(10))
    draft = _preview(reading_list, text)
    assert draft.entries.count() == 10
    ItemFactory(reading_list=reading_list, doi="10.1234/9", title="Added meanwhile")
    outcome = bibtex_import.import_confirm(draft=draft, user=reading_list.owner)
    # The entry whose DOI appeared since the preview is skipped, not a crash.
    assert (outcome.created, outcome.skipped) == (9, 1)
    positions = list(reading_list.items.order_by("position").values_list("position", flat=True))
    assert positions == sorted(set(positions))
    assert not ImportCandidate.objects.exists()


def test_preview_page_on_an_empty_list_never_says_already_in_the_list(client, reading_list):
    draft = _preview(reading_list, "@misc{a, title={One}}\n@misc{b, title={one}}\n")
    client.force_login(reading_list.owner)
    page = client.get(reverse("readinglists:import_preview", args=[draft.pk])).content.decode()
    assert "Already in the list" not in page
    assert "Likely duplicates" in page
    assert "earlier in this file" in page
    assert 'name="decision-' in page


def test_preview_form_posts_choices(client, reading_list):
    ItemFactory(reading_list=reading_list, title="One", year=2020)
    draft = _preview(reading_list, "@misc{a, title={One}, year=2020, eprint={2001.00001}}")
    row = draft.entries.get()
    client.force_login(reading_list.owner)
    url = reverse("readinglists:import_preview", args=[draft.pk])
    response = client.post(url, {f"decision-{row.pk}": "import"})
    assert response.status_code == 302
    assert reading_list.items.filter(arxiv_id="2001.00001").count() == 1


def test_twenty_thousand_entries_are_accepted(reading_list):
    text = "".join(f"@misc{{k{i}, title={{Title {i}}}}}\n" for i in range(20_000))
    draft = _preview(reading_list, text)
    assert draft.entries.count() == 20_000
    assert bibtex_import.import_confirm(draft=draft, user=reading_list.owner).created == 20_000
    assert Item.objects.filter(reading_list=reading_list).count() == 20_000


def _many_duplicates(n: int) -> str:
    """n works, each listed twice (the second a likely duplicate by title and year)."""
    return "".join(
        f"@misc{{a{i}, title={{Work {i}}}, year=2020}}\n"
        f"@misc{{b{i}, title={{WORK {i}}}, year=2020}}\n"
        for i in range(n)
    )


def test_every_likely_duplicate_is_on_some_page(reading_list, monkeypatch):
    monkeypatch.setattr(bibtex_import, "DUPLICATES_PER_PAGE", 4)
    draft = _preview(reading_list, _many_duplicates(10))
    pages = [bibtex_import.import_summary(draft, page=p) for p in (1, 2, 3)]
    assert [s.page_count for s in pages] == [3, 3, 3]
    keys = [r.data["bibtex_key"] for s in pages for r in s.duplicates]
    assert keys == [f"b{i}" for i in range(10)]
    assert pages[2].first_shown == 9
    # Out-of-range pages show the nearest one rather than nothing.
    assert bibtex_import.import_summary(draft, page=99).page == 3
    assert bibtex_import.import_summary(draft, page=0).page == 1


def test_one_choice_for_all_likely_duplicates_applies_only_where_it_can(reading_list):
    existing = ItemFactory(reading_list=reading_list, title="Kept", year=2019, doi="10.1234/kept")
    text = (
        _many_duplicates(3)
        + "@article{samedoi, title={Other title}, doi={10.1234/kept}, url={https://x.org/p}}\n"
    )
    draft = _preview(reading_list, text)
    rows = {r.data["bibtex_key"]: r for r in bibtex_import.import_summary(draft).duplicates}
    assert rows["samedoi"].match_item == existing

    bibtex_import.import_choices_save(
        draft=draft, user=reading_list.owner, decisions={}, apply_to_all="import"
    )
    decisions = dict(draft.entries.values_list("data__bibtex_key", "decision"))
    # Same DOI as an item: "import anyway" is not one of its choices, so it keeps "skip".
    assert decisions == {"a0": "import", "a1": "import", "a2": "import", "b0": "import",
                         "b1": "import", "b2": "import", "samedoi": "skip"}  # fmt: skip

    outcome = bibtex_import.import_confirm(
        draft=draft,
        user=reading_list.owner,
        decisions={rows["b0"].pk: "skip"},
        apply_to_all="merge",  # only samedoi's item is in the list; b0 keeps its own choice
    )
    assert (outcome.created, outcome.merged, outcome.skipped) == (5, 1, 1)
    existing.refresh_from_db()
    assert existing.url == "https://x.org/p"


def test_an_unknown_choice_for_all_changes_nothing(reading_list):
    draft = _preview(reading_list, _many_duplicates(2))
    with pytest.raises(ValidationError):
        bibtex_import.import_confirm(draft=draft, user=reading_list.owner, apply_to_all="burn")
    assert reading_list.items.count() == 0
    assert set(draft.entries.exclude(match="").values_list("decision", flat=True)) == {"skip"}


def test_preview_pages_through_duplicates_keeping_choices(client, reading_list):
    draft = _preview(reading_list, _many_duplicates(205))
    client.force_login(reading_list.owner)
    url = reverse("readinglists:import_preview", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "205 likely duplicates" in page
    assert "For all 205 likely duplicates, on every page" in page
    assert "Likely duplicates 1\u2013200 of 205 (page 1 of 2)" in page
    assert len(set(re.findall(r'name="(decision-\d+)"', page))) == 200
    assert 'name="go" value="2"' in page

    first = draft.entries.get(data__bibtex_key="b0")
    response = client.post(url, {f"decision-{first.pk}": "import", "go": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=2#dup-h"
    assert draft.entries.get(pk=first.pk).decision == "import"  # kept, nothing imported
    assert reading_list.items.count() == 0

    page = client.get(response["Location"]).content.decode()
    assert "Likely duplicates 201\u2013205 of 205 (page 2 of 2)" in page
    assert len(set(re.findall(r'name="(decision-\d+)"', page))) == 5
    assert "<code>b204</code>" in page

    client.post(url, {})  # confirm: the 205 originals and the one chosen duplicate
    assert reading_list.items.count() == 206


def test_preview_applies_one_choice_to_duplicates_on_unseen_pages(client, reading_list):
    draft = _preview(reading_list, _many_duplicates(205))
    client.force_login(reading_list.owner)
    url = reverse("readinglists:import_preview", args=[draft.pk])
    client.post(url, {"all_duplicates": "import"})
    assert reading_list.items.count() == 410
