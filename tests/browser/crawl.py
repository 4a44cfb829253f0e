"""Find the pages a person reaches by following links, through Django's test client.

The crawl keeps one address per view and set of query parameters: a mentor's thirty
mentee pages are one template filled thirty times, so one of them stands for all and a
browser check over the result stays quick."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qs, urldefrag, urlsplit

from django.urls import Resolver404, resolve

# Downloads, the admin and one-way actions are not pages to check.
SKIP = (
    "/accounts/logout",
    "/admin/",
    "/account/export",
    ".csv",
    ".ics",
    ".bib",
    "/feed/",
    "/unsubscribe/",
)
MAX_PAGES = 150


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _kind(url: str) -> tuple[str, frozenset[str]] | None:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.route, frozenset(parse_qs(parts.query))


def reachable_pages(client, start: str) -> list[str]:
    """Every HTML page (one per view and query shape) reached from ``start`` by links."""
    pages: list[str] = []
    queue, seen, kinds = deque([start]), {start}, set()
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages.append(url)
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            link = urldefrag(href).url
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/") or link in seen:
                continue
            seen.add(link)
            kind = _kind(link)
            if kind is None or kind in kinds or any(part in link for part in SKIP):
                continue
            kinds.add(kind)
            queue.append(link)
    return pages
