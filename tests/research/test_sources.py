"""Refreshing the catalogue from VENUES_SOURCE_URL: recorded answers replayed through a
stub of ``requests.Session.get``; refused connections and timeouts go through the real
network stack to local sockets."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import requests
from celery.exceptions import Retry

from apps.research import sources
from apps.research.models import Venue, VenueDeadline
from apps.research.services import venue_catalogue_refresh
from apps.research.sources import SourceRefused, SourceUnavailable, fetch_catalogue
from apps.research.tasks import MAX_RETRIES, refresh_venues

RECORDED = Path(__file__).parent / "recorded"
SOURCE = "https://deadlines.example.org/conferences.yml"
ROUTES = {
    SOURCE: (200, "venues_source_200.yml"),
    "https://deadlines.example.org/missing.yml": (404, "venues_source_404.html"),
    "https://deadlines.example.org/busy.yml": (503, "venues_source_503.html"),
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(monkeypatch):
    calls: list[str] = []

    def get(session, url, timeout=None, headers=None, stream=False):
        assert timeout is not None, "every request needs a timeout"
        calls.append(url)
        status, name = ROUTES[url]
        response = requests.Response()
        response.status_code = status
        response.raw = open(RECORDED / name, "rb")  # noqa: SIM115 (closed by the response)
        response.url = url
        return response

    monkeypatch.setattr(requests.Session, "get", get)
    return calls


@pytest.fixture
def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_refresh_imports_the_valid_venues_and_logs_the_rejected(recorded, settings, caplog):
    settings.VENUES_SOURCE_URL = SOURCE
    result = venue_catalogue_refresh()
    assert (result.venues_created, result.deadlines_created, len(result.rejected)) == (1, 2, 1)
    assert recorded == [SOURCE]
    assert VenueDeadline.objects.filter(venue__title="ICML").count() == 2
    assert "Venue catalogue entry rejected: " + SOURCE + ", entry 2 (ICRA 2027)" in caplog.text
    again = venue_catalogue_refresh()
    assert (again.venues_unchanged, again.deadlines_unchanged) == (1, 2)


def test_the_task_runs_the_refresh(recorded, settings):
    settings.VENUES_SOURCE_URL = SOURCE
    assert refresh_venues.apply().get().startswith("1 venues created")


def test_an_error_page_is_refused_and_imports_nothing(recorded):
    with pytest.raises(SourceRefused, match="answered 404"):
        venue_catalogue_refresh(url="https://deadlines.example.org/missing.yml")
    assert Venue.objects.count() == 0


def test_a_busy_source_is_worth_retrying(recorded):
    with pytest.raises(SourceUnavailable, match="answered 503"):
        fetch_catalogue("https://deadlines.example.org/busy.yml")


def test_a_refused_connection_is_worth_retrying(closed_port):
    with pytest.raises(SourceUnavailable, match="could not be reached"):
        fetch_catalogue(f"http://127.0.0.1:{closed_port}/conferences.yml")


def test_the_task_retries_a_refused_connection_with_backoff_then_gives_up(settings, closed_port):
    settings.VENUES_SOURCE_URL = f"http://127.0.0.1:{closed_port}/conferences.yml"
    with pytest.raises(Retry) as first:
        refresh_venues.apply()
    assert isinstance(first.value.exc, SourceUnavailable)
    assert first.value.when == 300
    with pytest.raises(Retry) as third:
        refresh_venues.apply(retries=2)
    assert third.value.when == 1200
    with pytest.raises(SourceUnavailable):
        refresh_venues.apply(retries=MAX_RETRIES)
    assert Venue.objects.count() == 0


def test_a_source_that_never_answers_times_out():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)  # accepts the connection into the backlog, never answers
        url = f"http://127.0.0.1:{server.getsockname()[1]}/conferences.yml"
        with pytest.raises(SourceUnavailable, match="did not answer in time"):
            fetch_catalogue(url, timeout=(1, 0.5))


def test_a_file_larger_than_the_limit_is_refused(recorded, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 100)
    with pytest.raises(SourceRefused, match="larger than"):
        fetch_catalogue(SOURCE)


def test_refresh_needs_an_address(settings):
    settings.VENUES_SOURCE_URL = ""
    with pytest.raises(SourceRefused, match="VENUES_SOURCE_URL is not set"):
        venue_catalogue_refresh()
    with pytest.raises(SourceRefused, match="not an http"):
        fetch_catalogue("file:///etc/passwd")
