from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.readinglists.models import ImportDraft, Item

RECORDED = Path(__file__).parent / "recorded"


def _upload(client, reading_list, data: bytes, name="refs.bib"):
    return client.post(
        reverse("readinglists:list_import", args=[reading_list.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="application/x-bibtex")},
    )


def test_upload_preview_then_confirm(client, cast):
    client.force_login(cast.owner)
    data = (RECORDED / "sample.bib").read_bytes() + b"\n@misc{bad, author={No Title}}\n"
    response = _upload(client, cast.reading_list, data)
    draft = ImportDraft.objects.get()
    assert response["Location"] == reverse("readinglists:import_preview", args=[draft.pk])
    assert Item.objects.filter(reading_list=cast.reading_list).count() == 3  # nothing yet
    preview = client.get(response["Location"]).content.decode()
    assert "5 to add" in preview
    assert "<code>bad</code>" in preview
    assert "has no title" in preview
    assert "Über die Entwicklung zufälliger Graphen" in preview
    response = client.post(reverse("readinglists:import_preview", args=[draft.pk]))
    assert response.status_code == 302
    assert cast.reading_list.items.count() == 8
    # A confirmed draft cannot be replayed.
    assert client.post(reverse("readinglists:import_preview", args=[draft.pk])).status_code == 404


def test_paste_bibtex_text(client, cast):
    client.force_login(cast.owner)
    response = client.post(
        reverse("readinglists:list_import", args=[cast.reading_list.pk]),
        {"text": "@article{k, title={Pasted}, year=2021}"},
    )
    assert response.status_code == 302
    assert ImportDraft.objects.get().entries.get().data["title"] == "Pasted"


def test_file_over_16_mb_is_refused_with_a_clear_message(client, cast):
    client.force_login(cast.owner)
    response = _upload(client, cast.reading_list, b"%" * (16 * 1024 * 1024 + 10))
    assert response.status_code == 400
    assert "the limit is 16 MB per upload" in response.content.decode()
    assert not ImportDraft.objects.exists()


def test_binary_file_is_refused(client, cast):
    client.force_login(cast.owner)
    response = _upload(client, cast.reading_list, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.png")
    assert response.status_code == 400
    assert b"binary file" in response.content
    assert not ImportDraft.objects.exists()


def test_truncated_bibtex_with_nothing_valid_is_refused(client, cast):
    client.force_login(cast.owner)
    response = _upload(client, cast.reading_list, b"@article{cut, title = {Half an ent")
    assert response.status_code == 400
    content = response.content.decode()
    assert "cut (line 1) could not be parsed" in content
    assert not ImportDraft.objects.exists()
    assert cast.reading_list.items.count() == 3


def test_empty_form_asks_for_input(client, cast):
    client.force_login(cast.owner)
    response = client.post(reverse("readinglists:list_import", args=[cast.reading_list.pk]), {})
    assert response.status_code == 400
    assert b"Choose a .bib file or paste BibTeX" in response.content


def test_identifier_paste_adds_items_and_invalid_tokens_reject_all(client, cast):
    client.force_login(cast.owner)
    url = reverse("readinglists:identifiers_paste", args=[cast.reading_list.pk])
    response = client.post(url, {"identifiers": "10.1038/nature14236\n10.banana/oops"})
    assert response.status_code == 400
    assert "Not a DOI, arXiv id or ISBN: “10.banana/oops”" in response.content.decode()
    assert cast.reading_list.items.count() == 3
    response = client.post(
        url, {"identifiers": "10.1038/nature14236\nhttps://arxiv.org/abs/1707.06347v2\n"
              "978-0-262-03924-6\nhttps://doi.org/10.1038/NATURE14236"}
    )  # fmt: skip
    assert response.status_code == 302
    added = cast.reading_list.items.exclude(doi="", arxiv_id="", isbn="")
    assert sorted(i.kind for i in added) == ["book", "paper", "paper"]
    # Offline (tests never reach the network): items stay usable with a clear error.
    assert {i.enrichment_status for i in added} <= {"pending", "failed"}
