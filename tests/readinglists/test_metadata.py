"""Enrichment from Crossref, arXiv and OpenAlex, replayed from recorded responses.

``requests.Session.get`` is replaced by a stub serving files from ``recorded/``; the
offline test at the end uses the real network stack against a closed local port.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from apps.readinglists import metadata
from apps.readinglists.metadata import TransientLookupError, item_enrich, wait_for_slot
from apps.readinglists.models import Item
from apps.readinglists.services import identifiers_add
from tests.accounts.factories import UserFactory
from tests.readinglists.factories import ItemFactory, ReadingListFactory

RECORDED = Path(__file__).parent / "recorded"
ROUTES = {
    "https://api.crossref.org/works/10.1038/nature14236": (
        200,
        "crossref_works_10.1038_nature14236.json",
    ),
    "https://api.crossref.org/works/10.5281/zenodo.1234567": (404, "crossref_not_found.json"),
    "https://api.openalex.org/works/https://doi.org/10.5281/zenodo.1234567": (
        200,
        "openalex_works_10.5281_zenodo.1234567.json",
    ),
    "https://api.crossref.org/works?filter=isbn:9780262039246": (
        200,
        "crossref_works_isbn_9780262039246.json",
    ),
    "https://export.arxiv.org/api/query?id_list=1707.06347": (200, "arxiv_query_1707.06347.atom"),
    "https://export.arxiv.org/api/query?id_list=9999.99999": (200, "arxiv_query_9999.99999.atom"),
}


class Recorded:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def get(self, session, url, params=None, timeout=None, headers=None):
        assert timeout is not None, "every request needs a timeout"
        key = url
        if params:
            first = next(k for k in params if k in {"filter", "id_list"})
            key = f"{url}?{first}={params[first]}"
        self.calls.append(key)
        status, name = ROUTES[key]
        response = requests.Response()
        response.status_code = status
        response._content = (RECORDED / name).read_bytes()
        response.url = url
        return response


@pytest.fixture
def recorded(monkeypatch):
    stub = Recorded()
    # A plain function, so that it binds to the session like the real method.
    monkeypatch.setattr(
        requests.Session, "get", lambda session, url, **kw: stub.get(session, url, **kw)
    )
    return stub


@pytest.fixture(autouse=True)
def _real_registry_urls(settings):
    # The recorded stub answers for the real hosts (conftest points them offline).
    settings.READINGLISTS_CROSSREF_URL = "https://api.crossref.org"
    settings.READINGLISTS_ARXIV_URL = "https://export.arxiv.org"
    settings.READINGLISTS_OPENALEX_URL = "https://api.openalex.org"


def _placeholder(**fields) -> Item:
    return ItemFactory(
        title="DOI placeholder", authors=[], year=None, venue="", enrichment_status="pending",
        **fields,
    )  # fmt: skip


@pytest.mark.django_db
def test_crossref_fills_empty_fields_of_a_pasted_doi(recorded):
    reading_list = ReadingListFactory()
    result = identifiers_add(reading_list=reading_list, text="https://doi.org/10.1038/NATURE14236")
    item = Item.objects.get(pk=result.created[0].pk)
    # Celery runs eagerly in tests: the task ran on commit of the paste.
    item_enrich(item_id=item.pk)
    item.refresh_from_db()
    assert item.title == "Human-level control through deep reinforcement learning"
    assert item.authors == ["Volodymyr Mnih", "Koray Kavukcuoglu", "David Silver"]
    assert item.year == 2015
    assert item.venue == "Nature"
    assert item.abstract.startswith("The theory of reinforcement learning")
    assert item.enrichment_status == "done"


@pytest.mark.django_db(transaction=True)
def test_paste_enqueues_enrichment_after_commit(recorded):
    reading_list = ReadingListFactory()
    identifiers_add(reading_list=reading_list, text="arXiv:1707.06347v2")
    item = reading_list.items.get()
    assert item.title == "Proximal Policy Optimization Algorithms"
    assert item.authors[0] == "John Schulman"
    assert len(item.authors) == 5
    assert item.year == 2017
    assert recorded.calls == ["https://export.arxiv.org/api/query?id_list=1707.06347"]


@pytest.mark.django_db
def test_doi_missing_from_crossref_falls_back_to_openalex(recorded):
    item = _placeholder(doi="10.5281/zenodo.1234567")
    item_enrich(item_id=item.pk)
    item.refresh_from_db()
    assert item.title == "A dataset of reinforcement-learning benchmark runs"
    assert item.authors == ["Grace Hopper", "Edsger W. Dijkstra"]
    assert item.abstract == (
        "We release thousands of seeded reinforcement learning curves for many agents."
    )


@pytest.mark.django_db
def test_isbn_lookup_through_crossref(recorded):
    item = _placeholder(isbn="9780262039246", kind="book")
    item_enrich(item_id=item.pk)
    item.refresh_from_db()
    assert item.title == "Reinforcement Learning: An Introduction"
    assert item.authors == ["Richard S. Sutton", "Andrew G. Barto"]


@pytest.mark.django_db
def test_unknown_arxiv_id_is_a_final_failure_and_the_item_stays(recorded):
    item = _placeholder(arxiv_id="9999.99999")
    item_enrich(item_id=item.pk)
    item.refresh_from_db()
    assert item.enrichment_status == "failed"
    assert "does not recognise" in item.enrichment_error
    assert item.title == "DOI placeholder"


@pytest.mark.django_db
def test_existing_fields_are_never_overwritten(recorded):
    item = ItemFactory(doi="10.1038/nature14236", title="My own title", year=2014)
    item_enrich(item_id=item.pk)
    item.refresh_from_db()
    assert item.title == "My own title"
    assert item.year == 2014
    assert item.abstract  # only empty fields are filled


@pytest.mark.django_db
@override_settings(READINGLISTS_CROSSREF_URL="http://127.0.0.1:9")
def test_offline_failure_is_recorded_and_item_stays_usable(monkeypatch):
    monkeypatch.setattr(metadata, "TIMEOUT", (0.5, 0.5))
    item = _placeholder(doi="10.1038/nature14236")
    started = time.monotonic()
    item_enrich(item_id=item.pk)
    assert time.monotonic() - started < 5
    item.refresh_from_db()
    assert item.enrichment_status == "failed"
    assert item.enrichment_error.startswith("Could not connect to 127.0.0.1:9")
    assert item.title == "DOI placeholder"


@pytest.mark.django_db
@override_settings(READINGLISTS_CROSSREF_URL="http://127.0.0.1:9")
def test_offline_failure_raises_transient_error_when_a_retry_will_follow(monkeypatch):
    monkeypatch.setattr(metadata, "TIMEOUT", (0.5, 0.5))
    item = _placeholder(doi="10.1038/nature14236")
    with pytest.raises(TransientLookupError):
        item_enrich(item_id=item.pk, final_attempt=False)
    item.refresh_from_db()
    assert item.enrichment_error.endswith("Retrying.")


def test_rate_limit_spaces_calls_to_one_host():
    cache.clear()
    started = time.monotonic()
    wait_for_slot("api.example.org", interval=1.0)
    wait_for_slot("api.other.org", interval=1.0)  # another host is not delayed
    assert time.monotonic() - started < 0.5
    wait_for_slot("api.example.org", interval=1.0)
    assert time.monotonic() - started >= 0.9


@pytest.mark.django_db(transaction=True)
def test_owner_looks_a_failed_item_up_again(client, recorded):
    item = _placeholder(doi="10.1038/nature14236")
    item.title = "DOI 10.1038/nature14236"
    item.enrichment_status = "failed"
    item.enrichment_error = "Crossref did not answer in time."
    item.save()
    client.force_login(item.reading_list.owner)
    page = client.get(reverse("readinglists:item_detail", args=[item.pk])).content.decode()
    assert "Look it up again" in page

    response = client.post(reverse("readinglists:item_enrich_retry", args=[item.pk]))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Human-level control through deep reinforcement learning"
    assert item.enrichment_status == "done"
    assert item.enrichment_error == ""


@pytest.mark.django_db
def test_retry_refuses_an_item_whose_lookup_did_not_fail_and_other_peoples_items(client):
    item = _placeholder(doi="10.1038/nature14236")
    item.enrichment_status = "done"
    item.save()
    client.force_login(item.reading_list.owner)
    response = client.post(reverse("readinglists:item_enrich_retry", args=[item.pk]), follow=True)
    assert "there is nothing to retry" in response.content.decode()
    item.refresh_from_db()
    assert item.enrichment_status == "done"

    item.enrichment_status = "failed"
    item.save()
    client.force_login(UserFactory())
    response = client.post(reverse("readinglists:item_enrich_retry", args=[item.pk]))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.enrichment_status == "failed"
