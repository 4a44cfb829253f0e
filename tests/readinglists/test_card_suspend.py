"""A suspended card is not due anywhere: the reminder rule agrees with the counts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.nudges.models import Kind, Notification
from apps.nudges.services import notifications_clear_stale, nudges_sweep
from apps.readinglists import selectors, services
from tests.readinglists.factories import ReviewCardFactory


def _reminders(user):
    return list(Notification.objects.filter(user=user, kind=Kind.CARDS_DUE))


def test_suspended_cards_are_not_counted_in_the_reminder(student):
    past = timezone.now() - dt.timedelta(hours=1)
    ReviewCardFactory.create_batch(2, owner=student, due=past)
    ReviewCardFactory(owner=student, due=past, suspended=True)

    nudges_sweep()

    [item] = _reminders(student)
    assert item.context["count"] == 2 == selectors.cards_due_count(user=student)


def test_only_suspended_cards_send_no_reminder(student):
    ReviewCardFactory(owner=student, due=timezone.now() - dt.timedelta(hours=1), suspended=True)
    nudges_sweep()
    assert _reminders(student) == []


def test_suspending_the_last_due_card_withdraws_the_unsent_reminder(student):
    card = ReviewCardFactory(owner=student, due=timezone.now() - dt.timedelta(hours=1))
    nudges_sweep()
    assert len(_reminders(student)) == 1

    services.card_set_suspended(card=card, suspended=True)

    assert notifications_clear_stale(user=student) == 1


def test_an_unsuspended_card_is_due_again_with_its_old_date(student):
    card = ReviewCardFactory(owner=student, due=timezone.now() - dt.timedelta(days=3))
    services.card_set_suspended(card=card, suspended=True)
    assert selectors.next_due_card(user=student) is None
    services.card_set_suspended(card=card, suspended=False)
    assert selectors.next_due_card(user=student) == card
