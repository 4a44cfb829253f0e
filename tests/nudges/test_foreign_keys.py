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
            context={"count": 1},
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


@pytest.mark.django_db(transaction=True)
def test_the_migration_deletes_rows_pointing_at_nothing_and_keeps_the_rest():
    from django.db import transaction
    from django.db.migrations.executor import MigrationExecutor

    before = [("nudges", "0006_notification_context_from_stored_text")]
    after = [("nudges", "0007_notification_and_outbox_foreign_keys")]
    MigrationExecutor(connection).migrate(before)
    try:
        keep = OutboxFactory()
        gone_notification = OutboxFactory()
        gone_person = OutboxFactory()
        with transaction.atomic(), connection.cursor() as cursor:
            # As deletions outside Django's cascade left them before the constraints
            # (other apps' rows about the person are not this test's business).
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("DELETE FROM accounts_user WHERE id = %s", [gone_person.user_id])
            cursor.execute(
                "DELETE FROM nudges_notification WHERE id = %s",
                [gone_notification.notification_id],
            )
        MigrationExecutor(connection).migrate(after)
    finally:
        MigrationExecutor(connection).migrate(after)
    connection.check_constraints()
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [keep.pk]
    assert list(Notification.objects.values_list("pk", flat=True)) == [keep.notification_id]
