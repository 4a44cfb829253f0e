"""Importing cards from a CSV or TSV file: upload, preview, confirm or discard."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.readinglists import card_import
from apps.readinglists.models import CardImport, ReviewCard
from tests.readinglists.factories import ReviewCardFactory

UPLOAD = reverse("readinglists:card_import_upload")


def _upload(client, content: bytes, name: str = "cards.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, "text/csv")})


def test_it_previews_before_writing_anything(client, student):
    ReviewCardFactory(owner=student, prompt="Old card")
    client.force_login(student)

    response = _upload(
        client,
        b"\xef\xbb\xbffront,back,topic\n"
        b"Simplify $\\frac{a}{b}$,$$\\sum_{i=1}^{n} x_i$$,calculus\n"
        b",no front,\n"
        b"old card,duplicate,\n",
    )

    preview = CardImport.objects.get(owner=student)
    assert response["Location"] == reverse("readinglists:card_import_preview", args=[preview.pk])
    assert ReviewCard.objects.filter(owner=student).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "1 card to add" in page
    assert "2 rows refused" in page
    assert "Empty front." in page
    assert "Duplicate of a card you already have." in page
    assert "<mfrac>" in page  # the formula renders in the preview
    assert "<munderover>" in page
    assert "Nothing has been added yet." in page
    assert ReviewCard.objects.filter(owner=student).count() == 1


def test_confirm_creates_every_valid_row(client, student):
    client.force_login(student)
    _upload(client, b"Q1\tA1\tstatistics\nQ2\tA2\t\n\tbad\n", name="cards.tsv")
    preview = CardImport.objects.get(owner=student)

    response = client.post(
        reverse("readinglists:card_import_preview", args=[preview.pk]), {"action": "confirm"}
    )

    assert response["Location"] == reverse("readinglists:card_list")
    cards = ReviewCard.objects.filter(owner=student).order_by("prompt")
    assert [(c.prompt, c.answer, c.topic) for c in cards] == [
        ("Q1", "A1", "statistics"), ("Q2", "A2", "other")]  # fmt: skip
    listed = client.get(response["Location"]).content.decode()
    assert "Imported 2 cards; they are due now." in listed
    # A confirmed preview is gone: confirming again is a 404 and writes nothing.
    again = client.post(reverse("readinglists:card_import_preview", args=[preview.pk]))
    assert again.status_code == 404
    assert cards.count() == 2


def test_discard_writes_nothing(client, student):
    client.force_login(student)
    _upload(client, b"Q1,A1\n")
    preview = CardImport.objects.get(owner=student)
    client.post(
        reverse("readinglists:card_import_preview", args=[preview.pk]), {"action": "discard"}
    )
    assert not CardImport.objects.exists()
    assert not ReviewCard.objects.exists()


def test_another_person_cannot_see_or_confirm_my_preview(client, student, cast):
    client.force_login(student)
    _upload(client, b"Q1,A1\n")
    preview = CardImport.objects.get(owner=student)
    url = reverse("readinglists:card_import_preview", args=[preview.pk])

    for intruder in (cast.other_student, cast.sharing_mentor):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "confirm"}).status_code == 404
        assert client.post(url, {"action": "discard"}).status_code == 404

    assert not ReviewCard.objects.exists()
    assert CardImport.objects.get().confirmed_at is None


def test_a_file_that_cannot_be_read_says_why_and_stores_nothing(client, student):
    client.force_login(student)
    cases = [
        (b"", "The submitted file is empty."),
        (b"front,back\n", "The file holds no cards."),
        (b"\x00\x01binary", "This is not a text file"),
        (b"x" * (card_import.MAX_BYTES + 1), "the limit is 1 MB"),
    ]
    for content, message in cases:
        response = _upload(client, content)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not CardImport.objects.exists()


def test_the_upload_page_explains_the_columns(client, student):
    client.force_login(student)
    page = client.get(UPLOAD).content.decode()
    assert "front</strong>, <strong>back</strong> and <strong>topic" in page
    assert "Linear algebra" in page
