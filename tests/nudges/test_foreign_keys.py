"""Notifications and outbox rows point at real rows: the database holds them to it."""

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from apps.nudges.models import Kind, Notification, OutboxMessage
from tests.accounts.factories import UserFactory
from tests.nudges.factories import OutboxFactory

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 2**40


def _outbox_row(**fields) -> OutboxMessage:
    now = timezone.now()
    return OutboxMessage.objects.create(
        kind="digest_daily",
        object_id=0,
        period="2026-11-25",
        next_attempt_at=now,
        created_at=now,
        **fields,
    )


@pytest.mark.parametrize(
    "write",
    [
        lambda: Notification.objects.create(
            user_id=NO_SUCH_ID,
            kind=Kind.CARDS_DUE,
            object_id=0,
            title="t",
            url="/",
            delivery="daily",
            created_at=timezone.now(),
        ),
        lambda: _outbox_row(user_id=NO_SUCH_ID),
        lambda: _outbox_row(user=UserFactory(), notification_id=NO_SUCH_ID),
    ],
    ids=["notification-of-no-one", "email-to-no-one", "email-of-no-notification"],
)
def test_a_row_pointing_at_nothing_is_refused(write):
    write()
    with pytest.raises(IntegrityError):
        connection.check_constraints()


def test_deleting_a_person_deletes_their_notifications_and_emails():
    row = OutboxFactory()
    keep = OutboxFactory()
    row.user.delete()
    connection.check_constraints()
    assert list(OutboxMessage.objects.all()) == [keep]
    assert list(Notification.objects.all()) == [keep.notification]
