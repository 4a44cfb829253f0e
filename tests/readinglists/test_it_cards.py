"""The card list: filters, search, paging, inline edit, suspend and delete, owner only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.readinglists import selectors, services
from apps.readinglists.models import ReviewCard, ReviewLog
from tests.readinglists.factories import ReviewCardFactory

LIST = reverse("readinglists:card_list")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _later(**kwargs) -> ReviewCard:
    return ReviewCardFactory(due=timezone.now() + timedelta(days=5), **kwargs)


def test_it_lists_only_my_cards_with_their_state(client, student):
    ReviewCardFactory(owner=student, prompt="Due one")
    _later(owner=student, prompt="Later one")
    ReviewCardFactory(owner=student, prompt="Resting one", suspended=True)
    ReviewCardFactory(prompt="Someone else's card")
    client.force_login(student)

    page = client.get(LIST).content.decode()

    assert "3 cards" in page
    assert "Someone else&#x27;s card" not in page
    assert page.count("Due now</span>") == 1
    assert page.count("Suspended</span>") == 1
    assert page.index("Due one") < page.index("Later one")


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"state": "due"}, {"Due calculus", "Due probability"}),
        ({"state": "suspended"}, {"Suspended calculus"}),
        ({"state": "all", "topic": "calculus"}, {"Due calculus", "Suspended calculus",
                                                 "Later calculus"}),
        ({"topic": "calculus", "state": "due"}, {"Due calculus"}),
        ({"q": "PROBABILITY"}, {"Due probability"}),
        ({"q": "hidden answer"}, {"Later calculus"}),
        ({"state": "nonsense"}, set()),
    ],
)  # fmt: skip
def test_it_filters_by_topic_state_and_search(client, student, params, shown):
    ReviewCardFactory(owner=student, prompt="Due calculus", topic="calculus")
    ReviewCardFactory(owner=student, prompt="Due probability", topic="probability")
    ReviewCardFactory(owner=student, prompt="Suspended calculus", topic="calculus", suspended=True)
    _later(owner=student, prompt="Later calculus", topic="calculus", answer="A hidden answer")
    client.force_login(student)

    response = client.get(LIST, params)

    assert response.status_code == 200
    listed = {c.prompt for c in response.context["page"].object_list}
    assert listed == (shown or {c.prompt for c in ReviewCard.objects.filter(owner=student)})


def test_it_pages_and_keeps_the_filters_in_the_page_links(client, student):
    for i in range(30):
        ReviewCardFactory(owner=student, prompt=f"Card {i:02}", topic="statistics")
    client.force_login(student)

    page = client.get(LIST, {"topic": "statistics"}).content.decode()
    assert "30 cards, 1\N{EN DASH}25 shown" in page
    assert 'href="?topic=statistics&amp;page=2"' in page
    second = client.get(LIST, {"topic": "statistics", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_it_keeps_the_query_count_flat(client, student, django_assert_num_queries):
    client.force_login(student)
    client.get(LIST)  # warm the session

    ReviewCardFactory.create_batch(3, owner=student)
    # session, user, settings, count, page, the unread-messages badge
    with django_assert_num_queries(6):
        client.get(LIST)
    ReviewCardFactory.create_batch(40, owner=student, suspended=True)
    with django_assert_num_queries(6):
        client.get(LIST, {"page": 2})


def test_it_renders_formulas_in_the_list(client, student):
    ReviewCardFactory(owner=student, prompt=r"Simplify $\frac{a}{b}$", answer="$$\\sum_i x_i$$")
    client.force_login(student)
    page = client.get(LIST).content.decode()
    assert "<mfrac>" in page
    assert "<munder>" in page or "<msub>" in page
    assert 'alttext="\\frac{a}{b}"' in page


def test_it_edits_a_card_inline_and_keeps_its_schedule(client, student):
    card = ReviewCardFactory(owner=student, prompt="Old", topic="calculus")
    services.card_review(card=card, rating=3)
    card.refresh_from_db()
    due, stability = card.due, card.stability
    client.force_login(student)
    url = reverse("readinglists:card_edit", args=[card.pk])

    form = client.get(url, **HTMX).content.decode()
    assert "<html" not in form
    assert f'id="card-{card.pk}-prompt"' in form
    row = client.post(
        url, {"prompt": " New $x^2$ ", "answer": "Back", "topic": "statistics"}, **HTMX
    ).content.decode()

    card.refresh_from_db()
    assert (card.prompt, card.answer, card.topic) == ("New $x^2$", "Back", "statistics")
    assert (card.due, card.stability) == (due, stability)
    assert f'<li id="card-{card.pk}"' in row
    assert "<msup>" in row
    assert "Card saved." in row


def test_a_bad_edit_shows_why_and_changes_nothing(client, student):
    card = ReviewCardFactory(owner=student, prompt="Keep me")
    client.force_login(student)
    url = reverse("readinglists:card_edit", args=[card.pk])

    full = client.post(url, {"prompt": "", "answer": "x", "topic": "calculus"})
    inline = client.post(url, {"prompt": "x", "answer": "", "topic": "astrology"}, **HTMX)

    assert full.status_code == 400
    assert "This field is required." in full.content.decode()
    assert inline.status_code == 200
    assert "Select a valid choice" in inline.content.decode()
    card.refresh_from_db()
    assert card.prompt == "Keep me"


def test_the_full_page_edit_returns_to_the_filtered_list(client, student):
    card = ReviewCardFactory(owner=student)
    client.force_login(student)
    url = reverse("readinglists:card_edit", args=[card.pk])
    back = f"{LIST}?topic=probability"

    assert client.get(url, {"next": back}).status_code == 200
    response = client.post(url, {"prompt": "P", "answer": "", "topic": "probability", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    elsewhere = client.post(
        url, {"prompt": "P", "answer": "", "topic": "probability", "next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == LIST


def test_a_suspended_card_leaves_the_queue_and_every_count(client, student):
    card = ReviewCardFactory(owner=student, prompt="Tired of this one")
    other = ReviewCardFactory(owner=student)
    client.force_login(student)
    now = timezone.now()

    row = client.post(
        reverse("readinglists:card_suspend", args=[card.pk]), {"action": "suspend"}, **HTMX
    ).content.decode()

    assert "Suspended</span>" in row
    assert "Unsuspend" in row
    assert selectors.cards_due_count(user=student, now=now) == 1
    assert selectors.next_due_card(user=student, now=now) == other
    assert selectors.deck_overview(user=student, now=now) == [
        {"topic": "probability", "cards": 2, "due": 1}
    ]
    assert selectors.reading_figures(readers=[student.pk], now=now)[student.pk]["cards_due"] == 1
    assert "Review 1 due card" in client.get(reverse("readinglists:review_home")).content.decode()

    response = client.post(
        reverse("readinglists:card_suspend", args=[card.pk]), {"action": "unsuspend"}
    )
    assert response.status_code == 302
    assert selectors.cards_due_count(user=student, now=now) == 2


def test_delete_asks_first_then_removes_the_card_and_its_history(client, student):
    card = ReviewCardFactory(owner=student, prompt="Going away")
    services.card_review(card=card, rating=3)
    client.force_login(student)
    url = reverse("readinglists:card_delete", args=[card.pk])

    confirm = client.get(url).content.decode()
    assert "This cannot be undone" in confirm
    inline = client.get(url, **HTMX).content.decode()
    assert "<html" not in inline
    assert "Delete card" in inline
    assert ReviewCard.objects.filter(pk=card.pk).exists()

    gone = client.post(url, **HTMX).content.decode()

    assert 'hx-swap-oob="true">Card deleted.' in gone
    assert not ReviewCard.objects.filter(pk=card.pk).exists()
    assert not ReviewLog.objects.exists()


def test_the_full_page_delete_returns_to_the_list(client, student):
    card = ReviewCardFactory(owner=student)
    client.force_login(student)
    response = client.post(reverse("readinglists:card_delete", args=[card.pk]))
    assert response["Location"] == LIST
    assert not ReviewCard.objects.exists()


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("card_detail", "get", None),
        ("card_edit", "get", None),
        ("card_edit", "post", {"prompt": "Mine now", "answer": "", "topic": "other"}),
        ("card_suspend", "post", {"action": "suspend"}),
        ("card_delete", "get", None),
        ("card_delete", "post", {}),
    ],
)
def test_another_persons_card_is_a_404_and_stays_as_it_was(client, student, name, method, data):
    card = ReviewCardFactory(prompt="Not yours")
    client.force_login(student)

    response = getattr(client, method)(reverse(f"readinglists:{name}", args=[card.pk]), data or {})

    assert response.status_code == 404
    card.refresh_from_db()
    assert (card.prompt, card.suspended) == ("Not yours", False)


def test_the_card_page_shows_one_card_or_its_row(client, student):
    card = ReviewCardFactory(owner=student, prompt="Look at me")
    client.force_login(student)
    url = reverse("readinglists:card_detail", args=[card.pk])
    assert "<html" in client.get(url).content.decode()
    row = client.get(url, **HTMX).content.decode()
    assert row.strip().startswith(f'<li id="card-{card.pk}"')


def test_the_list_needs_log_in(client):
    assert client.get(LIST)["Location"].startswith(reverse("account_login"))


def test_a_mentor_never_sees_a_mentees_cards(client, cast):
    ReviewCardFactory(owner=cast.owner, prompt="Private card")
    client.force_login(cast.sharing_mentor)
    assert "Private card" not in client.get(LIST).content.decode()
