"""The grade buttons of a review session promise the interval grading then gives."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.readinglists import services
from apps.readinglists.models import ReviewCard
from apps.readinglists.views_review import interval_label
from tests.readinglists.factories import ReviewCardFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# The same whatever the deck size; the grade intervals add one (the desired retention).
QUERIES_PER_REVEAL = 7


def _graded_interval(card: ReviewCard, rating: int, now: datetime) -> timedelta:
    """What grading with ``rating`` schedules, without keeping the review."""
    with transaction.atomic():
        graded = services.card_review(card=card, rating=rating, now=now)
        transaction.set_rollback(True)
    return graded.due - now


def _review_card_after_goods(student, goods: int) -> tuple[ReviewCard, datetime]:
    card = ReviewCardFactory(owner=student, due=NOW)
    when = NOW
    for _ in range(goods):
        services.card_review(card=card, rating=3, now=when)
        card.refresh_from_db()
        when = card.due
    return card, when


@pytest.mark.parametrize("goods", [0, 2, 4])
@pytest.mark.parametrize("retention", [0.75, 0.9, 0.97])
def test_shown_intervals_equal_what_grading_schedules(student, goods, retention):
    services.review_settings_update(user=student, desired_retention=retention)
    card, when = _review_card_after_goods(student, goods)
    shown = services.card_next_intervals(card=card, now=when)
    for rating in (1, 2, 3, 4):
        assert shown[rating] == _graded_interval(card, rating, when), rating


@pytest.mark.parametrize("goods", [0, 2, 4])
def test_shown_intervals_grow_from_again_to_easy(student, goods):
    card, when = _review_card_after_goods(student, goods)
    shown = services.card_next_intervals(card=card, now=when)
    assert shown[1] < shown[2] < shown[3] < shown[4]


def test_shown_intervals_follow_the_desired_retention(student):
    card, when = _review_card_after_goods(student, 3)
    services.review_settings_update(user=student, desired_retention=0.97)
    strict = services.card_next_intervals(card=card, now=when)[3]
    services.review_settings_update(user=student, desired_retention=0.75)
    relaxed = services.card_next_intervals(card=card, now=when)[3]
    assert strict < relaxed


def test_previewing_intervals_writes_nothing(student, django_assert_num_queries):
    card, when = _review_card_after_goods(student, 2)
    before = ReviewCard.objects.values().get(pk=card.pk)
    with django_assert_num_queries(1):  # the desired retention
        services.card_next_intervals(card=card, now=when)
    assert ReviewCard.objects.values().get(pk=card.pk) == before


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    history=st.lists(
        st.tuples(st.integers(1, 4), st.integers(0, 400 * 24 * 60)), min_size=0, max_size=6
    ),
    late_by_minutes=st.integers(0, 200 * 24 * 60),
)
def test_any_history_shows_the_intervals_grading_gives(student, history, late_by_minutes):
    with transaction.atomic():
        card = ReviewCardFactory(owner=student, due=NOW)
        when = NOW
        for rating, wait in history:
            services.card_review(card=card, rating=rating, now=when)
            card.refresh_from_db()
            when = card.due + timedelta(minutes=wait)
        when += timedelta(minutes=late_by_minutes)
        shown = services.card_next_intervals(card=card, now=when)
        assert shown == {r: _graded_interval(card, r, when) for r in (1, 2, 3, 4)}
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=20), "1 min"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(minutes=10), "10 min"),
        (timedelta(minutes=59), "59 min"),
        (timedelta(minutes=60), "1 hour"),
        (timedelta(hours=5, minutes=20), "5 hours"),
        (timedelta(hours=23), "23 hours"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=3), "3 days"),
        (timedelta(days=29), "29 days"),
        (timedelta(days=45), "1.5 months"),
        (timedelta(days=61), "2 months"),
        (timedelta(days=365), "1 year"),
        (timedelta(days=800), "2.2 years"),
    ],
)
def test_interval_label_reads_naturally(interval, label):
    assert interval_label(interval) == label


def test_reveal_fragment_shows_each_grade_with_its_interval(client, student):
    card = ReviewCardFactory(owner=student)
    client.force_login(student)
    # A new card's learning steps do not depend on the clock, so the view's "now"
    # gives the same intervals as this one.
    shown = services.card_next_intervals(card=card)
    revealed = client.post(
        reverse("readinglists:review_reveal", args=[card.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in revealed
    for rating, name in ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")):
        assert f'{name} <span class="rl-interval">· {interval_label(shown[rating])}</span>' in (
            revealed
        )
    assert 'Again <span class="rl-interval">· 1 min</span>' in revealed
    assert 'Good <span class="rl-interval">· 10 min</span>' in revealed


def test_prompt_side_shows_no_intervals(client, student):
    ReviewCardFactory(owner=student)
    client.force_login(student)
    page = client.get(reverse("readinglists:review_session")).content.decode()
    assert "rl-interval" not in page


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(minutes=59, seconds=40), "1 hour"),
        (timedelta(hours=23, minutes=45), "1 day"),
        (timedelta(days=29, hours=20), "1 month"),
        (timedelta(days=364), "1 year"),
    ],
)
def test_interval_label_moves_up_a_unit_when_rounding_reaches_it(interval, label):
    assert interval_label(interval) == label


def test_reveal_query_count_does_not_grow_with_the_deck(client, student, django_assert_num_queries):
    card = ReviewCardFactory(owner=student)
    client.force_login(student)
    url = reverse("readinglists:review_reveal", args=[card.pk])
    client.post(url, HTTP_HX_REQUEST="true")
    with django_assert_num_queries(QUERIES_PER_REVEAL):
        client.post(url, HTTP_HX_REQUEST="true")
    ReviewCardFactory.create_batch(20, owner=student)
    with django_assert_num_queries(QUERIES_PER_REVEAL):
        client.post(url, HTTP_HX_REQUEST="true")
