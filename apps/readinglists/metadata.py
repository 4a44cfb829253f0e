"""Metadata enrichment from Crossref (DOIs, ISBNs), arXiv and OpenAlex (fallback).

Every request has a timeout and waits for a per-host slot in the shared cache, so
several workers together stay under a polite rate. Network trouble is *transient*
(``TransientLookupError``: the task retries); a missing record is final.
"""

from __future__ import annotations

import logging
import re
import time
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from apps.readinglists.models import Item

logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)  # (connect, read) seconds
USER_AGENT = "Pacer/0.1 (research mentoring; mailto:pacer@localhost)"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"


class RecordNotFound(Exception):
    """The record does not exist or cannot be used; retrying will not help."""


class TransientLookupError(Exception):
    """Network trouble (refused, timeout, 429/5xx); worth retrying later."""


def _base(name: str, default: str) -> str:
    return getattr(settings, name, default).rstrip("/")


def crossref_base() -> str:
    return _base("READINGLISTS_CROSSREF_URL", "https://api.crossref.org")


def arxiv_base() -> str:
    return _base("READINGLISTS_ARXIV_URL", "https://export.arxiv.org")


def openalex_base() -> str:
    return _base("READINGLISTS_OPENALEX_URL", "https://api.openalex.org")


def min_interval() -> float:
    return float(getattr(settings, "READINGLISTS_MIN_INTERVAL_SECONDS", 1.0))


def wait_for_slot(host: str, *, interval: float | None = None, max_wait: float = 30.0) -> None:
    """Block until this process may call ``host``: at most one call per interval across
    all workers, using an atomic cache ``add`` as the lock."""
    interval = min_interval() if interval is None else interval
    if interval <= 0:
        return
    deadline = time.monotonic() + max_wait
    key = f"readinglists:ratelimit:{host}"
    while not cache.add(key, 1, timeout=max(1, round(interval))):
        if time.monotonic() > deadline:
            raise TransientLookupError(f"{host} is busy; will try again later.")
        time.sleep(min(0.2, interval))


def _get(session: requests.Session, url: str, **params: Any) -> requests.Response:
    host = urlsplit(url).netloc
    wait_for_slot(host)
    try:
        response = session.get(
            url, params=params or None, timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}
        )
    except requests.Timeout as exc:
        raise TransientLookupError(f"{host} did not answer in time.") from exc
    except requests.ConnectionError as exc:
        raise TransientLookupError(f"Could not connect to {host} (offline?).") from exc
    if response.status_code == 404:
        raise RecordNotFound(f"{host} has no record for this identifier.")
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientLookupError(f"{host} answered {response.status_code}; will retry.")
    if response.status_code >= 400:
        raise RecordNotFound(f"{host} refused the lookup ({response.status_code}).")
    return response


def _strip_jats(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text or "")).strip()


def _crossref_work(msg: dict[str, Any]) -> dict[str, Any]:
    authors = [
        " ".join(p for p in (a.get("given", ""), a.get("family", "")) if p) or a.get("name", "")
        for a in msg.get("author", [])
    ]
    year = None
    for key in ("published-print", "published-online", "issued", "created"):
        parts = (msg.get(key) or {}).get("date-parts") or [[None]]
        if parts[0] and parts[0][0]:
            year = int(parts[0][0])
            break
    kind = {
        "book": "book",
        "monograph": "book",
        "edited-book": "book",
        "book-chapter": "chapter",
    }.get(msg.get("type", ""), "paper")
    isbn = next(iter(msg.get("ISBN", [])), "")
    return {
        "title": " ".join(msg.get("title") or []).strip(),
        "authors": [a for a in authors if a],
        "year": year,
        "venue": " ".join(msg.get("container-title") or []) or msg.get("publisher", ""),
        "abstract": _strip_jats(msg.get("abstract", "")),
        "kind": kind,
        "doi": (msg.get("DOI") or "").lower(),
        "isbn_raw": isbn,
        "url": msg.get("URL", ""),
    }


def fetch_crossref_doi(session: requests.Session, doi: str) -> dict[str, Any]:
    response = _get(session, f"{crossref_base()}/works/{quote(doi, safe='/')}")
    return _crossref_work(response.json()["message"])


def fetch_crossref_isbn(session: requests.Session, isbn: str) -> dict[str, Any]:
    response = _get(session, f"{crossref_base()}/works", filter=f"isbn:{isbn}", rows=1)
    items = response.json()["message"].get("items") or []
    if not items:
        raise RecordNotFound("Crossref has no record for this ISBN.")
    return _crossref_work(items[0])


def fetch_openalex_doi(session: requests.Session, doi: str) -> dict[str, Any]:
    response = _get(session, f"{openalex_base()}/works/https://doi.org/{quote(doi, safe='/')}")
    data = response.json()
    abstract = ""
    if index := data.get("abstract_inverted_index"):
        # OpenAlex ships abstracts as word → positions; rebuild the running text.
        slots = sorted((pos, word) for word, positions in index.items() for pos in positions)
        abstract = " ".join(word for _pos, word in slots)
    source = ((data.get("primary_location") or {}).get("source") or {}).get("display_name")
    return {
        "title": data.get("title") or data.get("display_name") or "",
        "authors": [
            (a.get("author") or {}).get("display_name", "")
            for a in data.get("authorships", [])
            if (a.get("author") or {}).get("display_name")
        ],
        "year": data.get("publication_year"),
        "venue": source or "",
        "abstract": abstract,
    }


def fetch_arxiv(session: requests.Session, arxiv_id: str) -> dict[str, Any]:
    response = _get(session, f"{arxiv_base()}/api/query", id_list=arxiv_id, max_results=1)
    try:
        root = ET.fromstring(response.content)  # noqa: S314  (trusted API, no entities used)
    except ET.ParseError as exc:
        raise RecordNotFound("arXiv returned an unreadable answer.") from exc
    entry = root.find(f"{ATOM}entry")
    if entry is None or entry.find(f"{ATOM}title") is None:
        raise RecordNotFound("arXiv has no record for this identifier.")
    title = re.sub(r"\s+", " ", entry.findtext(f"{ATOM}title", "")).strip()
    if title.lower() == "error":
        raise RecordNotFound("arXiv does not recognise this identifier.")
    published = entry.findtext(f"{ATOM}published", "")
    doi = entry.findtext(f"{ARXIV_NS}doi", "") or ""
    return {
        "title": title,
        "authors": [a.findtext(f"{ATOM}name", "").strip() for a in entry.findall(f"{ATOM}author")],
        "year": int(published[:4]) if published[:4].isdigit() else None,
        "venue": entry.findtext(f"{ARXIV_NS}journal_ref", "") or "arXiv",
        "abstract": re.sub(r"\s+", " ", entry.findtext(f"{ATOM}summary", "")).strip(),
        "doi": doi.lower(),
    }


def lookup(item: Item, session: requests.Session | None = None) -> dict[str, Any]:
    session = session or requests.Session()
    if item.doi:
        try:
            return fetch_crossref_doi(session, item.doi)
        except RecordNotFound:
            # DataCite and other registries' DOIs are missing from Crossref.
            return fetch_openalex_doi(session, item.doi)
    if item.arxiv_id:
        return fetch_arxiv(session, item.arxiv_id)
    if item.isbn:
        return fetch_crossref_isbn(session, item.isbn)
    raise RecordNotFound("This item has no DOI, arXiv id or ISBN to look up.")


def item_enrich(*, item_id: int, final_attempt: bool = True) -> Item | None:
    """Fill an item's empty fields from the registries.

    On a transient failure the error is recorded (the item stays usable as it is) and,
    unless this is the final attempt, ``TransientLookupError`` is re-raised for a retry.
    """
    item = Item.objects.filter(pk=item_id).first()
    if item is None:
        return None
    try:
        data = lookup(item)
    except TransientLookupError as exc:
        item.enrichment_status = Item.Enrichment.FAILED
        item.enrichment_error = str(exc)[:500] + ("" if final_attempt else " Retrying.")
        item.save(update_fields=["enrichment_status", "enrichment_error"])
        if not final_attempt:
            raise
        return item
    except (RecordNotFound, ValueError, KeyError) as exc:
        item.enrichment_status = Item.Enrichment.FAILED
        item.enrichment_error = (str(exc) or "The metadata could not be read.")[:500]
        item.save(update_fields=["enrichment_status", "enrichment_error"])
        return item
    changed = ["enrichment_status", "enrichment_error", "enriched_at"]
    placeholder = item.title.startswith(("DOI ", "arXiv ", "ISBN "))
    if data.get("title") and (placeholder or not item.title):
        item.title = data["title"][:500]
        changed.append("title")
    for key, limit in (("venue", 300), ("abstract", 20000), ("url", 500)):
        if data.get(key) and not getattr(item, key):
            setattr(item, key, data[key][:limit])
            changed.append(key)
    if data.get("authors") and not item.authors:
        item.authors = data["authors"]
        changed.append("authors")
    if data.get("year") and not item.year:
        item.year = data["year"]
        changed.append("year")
    if data.get("kind") and placeholder and item.kind != data["kind"]:
        item.kind = data["kind"]
        changed.append("kind")
    item.enrichment_status = Item.Enrichment.DONE
    item.enrichment_error = ""
    item.enriched_at = timezone.now()
    item.save(update_fields=changed)
    return item
