"""Snoozing: the one service that writes snoozes, for the notification centre and for
other apps (the dashboards' "snooze this action")."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.nudges.models import Kind, Notification, Snooze
from apps.nudges.services import SNOOZE_CHOICES, notification_snooze, snooze_set
from tests.accounts.factories import UserFactory
from tests.nudges.factories import NotificationFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)


def test_the_durations_offered_are_one_three_and_seven_days():
    assert SNOOZE_CHOICES == {1: "1 day", 3: "3 days", 7: "1 week"}


def test_snooze_set_quiets_each_kind_of_the_item_until_the_end(django_assert_num_queries):
    user = UserFactory()
    kinds = [Kind.MILESTONE_DUE, Kind.MILESTONE_OVERDUE]
    with django_assert_num_queries(1):
        until = snooze_set(user_id=user.pk, kinds=kinds, object_id=42, days=3, now=NOW)
    assert until == NOW + dt.timedelta(days=3)
    assert set(Snooze.objects.values_list("user_id", "kind", "object_id", "until")) == {
        (user.pk, kind, 42, until) for kind in kinds
    }


def test_snoozing_again_replaces_the_end_rather_than_adding_a_row():
    user = UserFactory()
    snooze_set(user_id=user.pk, kinds=[Kind.CARDS_DUE], object_id=0, days=7, now=NOW)
    later = snooze_set(user_id=user.pk, kinds=[Kind.CARDS_DUE], object_id=0, days=1, now=NOW)
    assert list(Snooze.objects.values_list("until", flat=True)) == [later]


@pytest.mark.parametrize(
    ("kinds", "days", "message"),
    [
        ([Kind.CARDS_DUE], 2, "1, 3 or 7 days"),
        (["milestone"], 1, "nudge kinds"),
        ([], 1, "nudge kinds"),
    ],
)
def test_a_bad_snooze_is_refused_and_writes_nothing(kinds, days, message):
    user = UserFactory()
    with pytest.raises(ValueError, match=message):
        snooze_set(user_id=user.pk, kinds=kinds, object_id=1, days=days)
    assert not Snooze.objects.exists()


def test_snoozing_a_notification_marks_it_read_and_snoozes_its_item():
    item = NotificationFactory()
    before = timezone.now()
    until = notification_snooze(notification=item, days=7)
    assert until >= before + dt.timedelta(days=7)
    snooze = Snooze.objects.get()
    assert (snooze.user_id, snooze.kind, snooze.object_id, snooze.until) == (
        item.user_id,
        item.kind,
        item.object_id,
        until,
    )
    assert Notification.objects.get(pk=item.pk).read_at is not None
