"""Spaced review with FSRS: card state in columns, a log row per review, pauses."""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from apps.core.markdown import render_markdown
from apps.readinglists import selectors, services
from apps.readinglists.foundations import STARTER_CARDS
from apps.readinglists.models import ReviewCard, ReviewLog
from tests.readinglists.factories import ReviewCardFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_every_formula_in_the_starter_deck_renders_as_maths():
    with_formulas = [c for c in STARTER_CARDS if "$" in c.prompt + c.answer]
    assert len(with_formulas) >= 5
    for starter in with_formulas:
        html = render_markdown(starter.answer)
        assert "<math " in html, starter.key
        # A formula that failed to convert would be left as "$…$" text.
        assert "$" not in html, (starter.key, html)


@pytest.fixture
def card(student):
    return ReviewCardFactory(owner=student, due=NOW)


def test_starter_deck_is_added_once(student):
    assert services.deck_add_starter(user=student, now=NOW) == len(STARTER_CARDS)
    assert services.deck_add_starter(user=student, now=NOW) == 0
    topics = {c.topic for c in ReviewCard.objects.filter(owner=student)}
    assert topics >= {
        "linear_algebra", "probability", "statistics", "calculus", "optimisation",
        "information_theory", "learning_theory",
    }  # fmt: skip


def test_review_matches_the_fsrs_package_and_logs_a_row(card):
    expected, _ = fsrs.Scheduler(desired_retention=0.9).review_card(
        fsrs.Card(card_id=card.pk, due=NOW), fsrs.Rating.Good, review_datetime=NOW
    )
    services.card_review(card=card, rating=3, now=NOW, duration_ms=4200)
    card.refresh_from_db()
    assert card.state == int(expected.state)
    assert card.stability == pytest.approx(expected.stability)
    assert card.difficulty == pytest.approx(expected.difficulty)
    assert card.last_review == NOW
    log = ReviewLog.objects.get()
    assert (log.rating, log.state_before, log.review_duration_ms) == (3, 1, 4200)


def test_good_reviews_push_the_due_date_out(card):
    when = NOW
    intervals = []
    for _ in range(5):
        services.card_review(card=card, rating=3, now=when)
        card.refresh_from_db()
        intervals.append(card.due - when)
        when = card.due
    assert card.state == ReviewCard.State.REVIEW
    assert intervals[-1] > intervals[-2] > timedelta(days=1)


def test_again_on_a_review_card_relearns(card):
    when = NOW
    for _ in range(3):
        services.card_review(card=card, rating=3, now=when)
        card.refresh_from_db()
        when = card.due
    services.card_review(card=card, rating=1, now=when)
    card.refresh_from_db()
    assert card.state == ReviewCard.State.RELEARNING
    assert card.due - when < timedelta(hours=1)


def test_higher_desired_retention_means_shorter_intervals(student):
    def interval(retention):
        card = ReviewCardFactory(owner=student, due=NOW)
        services.review_settings_update(user=student, desired_retention=retention)
        when = NOW
        for _ in range(3):
            services.card_review(card=card, rating=3, now=when)
            card.refresh_from_db()
            when = card.due
        services.card_review(card=card, rating=3, now=when)
        card.refresh_from_db()
        return card.due - when

    assert interval(0.97) < interval(0.75)


def test_vacation_pause_hides_due_cards_and_resume_shifts_them(student, card):
    assert selectors.cards_due_count(user=student, now=NOW) == 1
    services.review_pause(user=student, now=NOW)
    assert selectors.cards_due_count(user=student, now=NOW + timedelta(days=3)) == 0
    assert selectors.next_due_card(user=student, now=NOW) is None
    services.review_resume(user=student, now=NOW + timedelta(days=10))
    card.refresh_from_db()
    assert card.due == NOW + timedelta(days=10)
    assert selectors.cards_due_count(user=student, now=NOW + timedelta(days=10)) == 1


def test_streak_counts_consecutive_days_up_to_yesterday(student, card):
    for days_ago in (1, 2, 3, 5):
        services.card_review(card=card, rating=3, now=NOW - timedelta(days=days_ago))
    assert selectors.review_streak(user=student, now=NOW) == 3
    services.card_review(card=card, rating=3, now=NOW)
    assert selectors.review_streak(user=student, now=NOW) == 4


def test_retention_summary_and_due_count_use_one_query_each(student, django_assert_num_queries):
    cards = ReviewCardFactory.create_batch(5, owner=student, due=NOW)
    for c in cards:
        ReviewLog.objects.create(card=c, user=student, rating=3, state_before=2, reviewed_at=NOW)
    ReviewLog.objects.create(card=cards[0], user=student, rating=1, state_before=2, reviewed_at=NOW)
    with django_assert_num_queries(1):
        summary = selectors.retention_summary(user=student, now=NOW + timedelta(hours=1))
    assert summary["reviews"] == 6
    assert summary["retention"] == pytest.approx(5 / 6)
    with django_assert_num_queries(1):
        assert selectors.cards_due_count(user=student, now=NOW) == 5
