"""Parsing a CSV or TSV file of review cards into a preview, and confirming it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError
from hypothesis import given
from hypothesis import strategies as st

from apps.readinglists import card_import
from apps.readinglists.card_import import CardFileError, parse_cards
from apps.readinglists.models import CardImport, ReviewCard
from tests.accounts.factories import UserFactory
from tests.readinglists.factories import ReviewCardFactory

BOM = b"\xef\xbb\xbf"


def _parse(data: bytes, filename: str = "cards.csv", existing: frozenset[str] = frozenset()):
    return parse_cards(data, filename=filename, existing=set(existing))


def _fronts(rows: list[dict]) -> list[str]:
    return [row["front"] for row in rows]


def test_a_csv_with_a_header_gives_one_card_a_row():
    data = (
        b"front,back,topic\n"
        b'"What is $\\frac{a}{b}$, read aloud?",a over b,calculus\n'
        b"State Bayes' rule,posterior = likelihood x prior / evidence,Probability\n"
    )
    rows, refused = _parse(data)
    assert refused == []
    assert rows == [
        {"line": 2, "front": "What is $\\frac{a}{b}$, read aloud?", "back": "a over b",
         "topic": "calculus"},
        {"line": 3, "front": "State Bayes' rule",
         "back": "posterior = likelihood x prior / evidence", "topic": "probability"},
    ]  # fmt: skip


def test_a_tsv_without_a_header_keeps_commas_inside_fields():
    data = b"Define f(x, y)\tA map of two variables, x and y\tLinear algebra\nOnly a front\n"
    rows, refused = _parse(data, filename="deck.tsv")
    assert refused == []
    assert [(r["line"], r["front"], r["back"], r["topic"]) for r in rows] == [
        (1, "Define f(x, y)", "A map of two variables, x and y", "linear_algebra"),
        (2, "Only a front", "", "other"),
    ]


def test_the_delimiter_is_sniffed_when_the_name_says_nothing():
    tabbed = b"front\tback\nQ one\tA, with a comma\nQ two\tA two\n"
    semicolons = b"Q one;A one;statistics\nQ two;A two;statistics\n"
    assert _fronts(_parse(tabbed, filename="export.txt")[0]) == ["Q one", "Q two"]
    assert _parse(tabbed, filename="export.txt")[0][0]["back"] == "A, with a comma"
    assert _fronts(_parse(semicolons, filename="")[0]) == ["Q one", "Q two"]


def test_a_byte_order_mark_is_not_part_of_the_first_field():
    rows, _ = _parse(BOM + b"front,back\nQ,A\n")
    assert _fronts(rows) == ["Q"]  # the header was recognised despite the BOM
    rows, _ = _parse(BOM + "Énoncé,Réponse\n".encode())
    assert _fronts(rows) == ["Énoncé"]


def test_refused_rows_carry_their_line_and_reason():
    long_front = "x" * (card_import.FRONT_MAX + 1)
    data = (
        "front,back,topic\n"
        "Kept,yes,\n"
        ",a back without a front,\n"
        f"{long_front},b,\n"
        "Kept,again,\n"
        "  KEPT ,case and spaces differ,\n"
        "Mine already,b,\n"
        "Odd topic,b,Astrology\n"
        "One,two,calculus,four\n"
    ).encode() + b"Caf\xe9 au lait,latin-1 bytes,\n"
    rows, refused = _parse(data, existing=frozenset({"mine already"}))
    assert _fronts(rows) == ["Kept"]
    reasons = {r["line"]: r["reason"] for r in refused}
    assert reasons[3] == "Empty front."
    assert reasons[4] == "Front longer than 4,000 characters."
    assert reasons[5] == reasons[6] == "Duplicate of line 2 of this file."
    assert reasons[7] == "Duplicate of a card you already have."
    assert reasons[8].startswith("Unknown topic “Astrology” (one of: Linear algebra,")
    assert reasons[9].startswith("4 columns; a card has three")
    assert reasons[10] == "Not valid UTF-8 text: save the file with the UTF-8 encoding."
    assert [r["front"] for r in refused if r["line"] == 10] == ["Caf\ufffd au lait"]


def test_blank_lines_are_skipped_and_a_long_back_is_refused():
    data = f"Q one,A\n\n\nQ two,{'y' * (card_import.BACK_MAX + 1)}\n".encode()
    rows, refused = _parse(data)
    assert _fronts(rows) == ["Q one"]
    assert refused == [
        {"line": 4, "front": "Q two", "reason": "Back longer than 8,000 characters."}
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x" * (card_import.MAX_BYTES + 1), "larger than 1 MB"),
        (b"front\x00back", "not a text file"),
        (
            "".join(f"Q{i},A\n" for i in range(card_import.MAX_ROWS + 1)).encode(),
            "More than 2,000 cards",
        ),
    ],
)
def test_whole_file_problems_refuse_the_file(data, message):
    with pytest.raises(CardFileError, match=message):
        _parse(data)


TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


@given(st.lists(st.tuples(TEXT, TEXT, st.sampled_from(["", "calculus"])), max_size=20))
def test_any_table_written_by_the_csv_module_reads_back(table):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t").writerows(table)
    data = buffer.getvalue().encode()
    if not data.strip(b"\t\r\n"):
        return
    rows, refused = _parse(data, filename="x.tsv")
    written = {row[0].strip() for row in table}
    for row in rows:
        assert row["front"] in written
        assert row["front"] == row["front"].strip()
        assert row["topic"] in {"other", "calculus"}
    assert len(rows) + len(refused) <= len(table)


def test_preview_writes_no_card_and_confirm_writes_all_at_once(db):
    person = UserFactory(is_student=True)
    ReviewCardFactory(owner=person, prompt="Already here")
    preview = card_import.card_import_preview(
        user=person, data=b"New one,a\nNew two,b\nAlready here,c\n", filename="cards.csv"
    )
    assert ReviewCard.objects.filter(owner=person).count() == 1
    assert len(preview.rows) == 2
    assert len(preview.refused) == 1

    created, skipped = card_import.card_import_confirm(card_import=preview, user=person)

    assert (created, skipped) == (2, 0)
    assert set(ReviewCard.objects.filter(owner=person).values_list("prompt", flat=True)) == {
        "Already here", "New one", "New two"}  # fmt: skip
    with pytest.raises(ValidationError, match="already been confirmed"):
        card_import.card_import_confirm(card_import=preview, user=person)
    assert ReviewCard.objects.filter(owner=person).count() == 3


def test_confirm_skips_cards_added_since_the_preview(db):
    person = UserFactory(is_student=True)
    preview = card_import.card_import_preview(user=person, data=b"Q1,a\nQ2,b\n", filename="")
    ReviewCardFactory(owner=person, prompt="q1")
    assert card_import.card_import_confirm(card_import=preview, user=person) == (1, 1)


def test_confirm_is_all_or_nothing(db):
    person = UserFactory(is_student=True)
    preview = card_import.card_import_preview(user=person, data=b"Q1,a\nQ2,b\n", filename="")
    CardImport.objects.filter(pk=preview.pk).update(
        rows=[*preview.rows, {"line": 3, "front": "Q3", "back": "c", "topic": "no-such-topic-x"
                              * 3}]
    )  # fmt: skip
    preview.refresh_from_db()
    with pytest.raises(DataError):  # the database refuses the third row's topic
        card_import.card_import_confirm(card_import=preview, user=person)
    assert not ReviewCard.objects.filter(owner=person).exists()
    preview.refresh_from_db()
    assert preview.confirmed_at is None


def test_an_empty_file_is_refused(db):
    with pytest.raises(CardFileError, match="holds no cards"):
        card_import.card_import_preview(
            user=UserFactory(), data=BOM + b"front,back,topic\n\n", filename="e.csv"
        )
