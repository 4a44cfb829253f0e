"""Every page a signed-in person can reach points its ARIA and label references at
elements that exist: help text that ``aria-describedby`` names is read out only when an
element carries that id."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.accounts.factories import UserFactory
from tests.dashboards.factories import fill_student_data, give_mentees

REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "for")
# Downloads and one-way actions are not pages to check.
SKIP = ("/accounts/logout", "/admin/", "/account/export", ".csv", ".ics", ".bib", "/feed/")
MAX_PAGES = 150


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in REFERENCES:
            for ref in (values.get(name) or "").split():
                self.references.append((tag, name, ref))
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])


def _dangling_references(client) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    queue, seen = deque(["/home/"]), {"/home/"}
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        missing = [f"<{t} {n}={r!r}>" for t, n, r in page.references if r not in page.ids]
        if missing:
            found[url] = missing
        for href in page.links:
            link = urldefrag(href).url
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/"):
                continue
            if link not in seen and not any(part in link for part in SKIP):
                seen.add(link)
                queue.append(link)
    assert len(seen) > 20, seen
    return found


@pytest.mark.django_db
def test_no_page_points_at_a_missing_id(client):
    student = UserFactory(is_student=True, display_name="Sam Student")
    mentor = UserFactory(is_mentor=True, display_name="Mo Mentor")
    give_mentees(mentor, [student])
    fill_student_data([student], milestones=6, overdue=2, done=2)

    for person in (student, mentor):
        client.force_login(person)
        dangling = _dangling_references(client)
        report = [f"{url}: {', '.join(refs)}" for url, refs in dangling.items()]
        assert not dangling, "\n".join(report)
