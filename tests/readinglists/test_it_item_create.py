from django.urls import reverse

from tests.readinglists.factories import ItemFactory


def test_add_item_normalises_identifiers(client, cast):
    client.force_login(cast.owner)
    response = client.post(
        reverse("readinglists:item_create", args=[cast.reading_list.pk]),
        {"kind": "paper", "title": "DQN", "doi": "https://doi.org/10.1038/NATURE14236",
         "authors": "Volodymyr Mnih\nKoray Kavukcuoglu", "importance": "essential"},
    )  # fmt: skip
    assert response.status_code == 302
    item = cast.reading_list.items.get(title="DQN")
    assert item.doi == "10.1038/nature14236"
    assert item.authors == ["Volodymyr Mnih", "Koray Kavukcuoglu"]


def test_duplicate_identifier_in_the_list_is_a_clear_error(client, cast):
    ItemFactory(reading_list=cast.reading_list, title="Existing", arxiv_id="1707.06347")
    client.force_login(cast.owner)
    response = client.post(
        reverse("readinglists:item_create", args=[cast.reading_list.pk]),
        {"kind": "paper", "title": "PPO again", "arxiv_id": "arXiv:1707.06347v2",
         "importance": "optional"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "already has “Existing”" in response.content.decode()
    assert not cast.reading_list.items.filter(title="PPO again").exists()


def test_missing_title_and_bad_isbn_are_form_errors(client, cast):
    client.force_login(cast.owner)
    before = cast.reading_list.items.count()
    response = client.post(
        reverse("readinglists:item_create", args=[cast.reading_list.pk]),
        {"kind": "book", "title": "", "isbn": "978-0-262-03384-7", "importance": "optional"},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "This field is required" in content
    assert "check digit is wrong" in content
    assert cast.reading_list.items.count() == before
