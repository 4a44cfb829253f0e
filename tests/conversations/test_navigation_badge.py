"""The unread count beside "Messages" in the navigation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.conversations.services import thread_mark_read
from tests.accounts.factories import UserFactory
from tests.conversations.factories import MessageFactory

pytestmark = pytest.mark.django_db


def _badge(html: str) -> str | None:
    marker = "data-nav-badge>"
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split("<", 1)[0]


def test_the_badge_counts_unread_messages_from_the_other_person(client, pair):
    MessageFactory.create_batch(3, mentorship=pair, author=pair.student)
    client.force_login(pair.mentor)
    assert _badge(client.get(reverse("home")).content.decode()) == "3"

    client.force_login(pair.student)
    assert _badge(client.get(reverse("home")).content.decode()) is None

    thread_mark_read(mentorship=pair, user=pair.mentor, up_to=pair.messages.latest("id").pk)
    client.force_login(pair.mentor)
    html = client.get(reverse("home")).content.decode()
    assert _badge(html) is None
    assert ">Messages</a>" in html


@pytest.mark.parametrize("threads", [1, 6])
def test_the_badge_costs_one_query_per_page(client, threads):
    mentor = UserFactory(is_mentor=True)
    for _ in range(threads):
        MessageFactory.create_batch(2, mentorship__mentor=mentor)
    client.force_login(mentor)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("nudges:inbox")).content.decode()
    # (The inbox also clears stale notices, whose SQL reads messages too.)
    counting = [
        q
        for q in captured
        if q["sql"].startswith("SELECT COUNT(*)") and "conversations_message" in q["sql"]
    ]
    assert len(counting) == 1
    assert _badge(html) == str(2 * threads)


def test_an_htmx_fragment_does_not_count(client, pair):
    MessageFactory(mentorship=pair)
    client.force_login(pair.mentor)
    with CaptureQueriesContext(connection) as captured:
        client.post(
            reverse("conversations:send", args=[pair.pk]), {"body": "Hi"}, HTTP_HX_REQUEST="true"
        )
    assert not [q for q in captured if "count(" in q["sql"].lower()]


def test_a_coordinator_has_no_messages_entry(client, coordinator):
    client.force_login(coordinator)
    assert ">Messages" not in client.get(reverse("home")).content.decode()
