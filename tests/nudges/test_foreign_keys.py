"""Notifications and outbox rows point at real rows: the database holds them to it."""

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.nudges.models import Kind, Notification, OutboxMessage
from tests.accounts.factories import UserFactory
from tests.nudges.factories import DigestFactory, NotificationFactory, OutboxFactory

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
        lambda: _outbox_row(notification_id=NO_SUCH_ID),
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
    row.recipient.delete()
    connection.check_constraints()
    assert list(OutboxMessage.objects.all()) == [keep]
    assert list(Notification.objects.all()) == [keep.notification]


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _row_naming_its_person_twice() -> OutboxMessage:
    # As every notification's email was written before its row named its person once.
    notification = NotificationFactory()
    return OutboxFactory(notification=notification, user=notification.user)


@pytest.mark.django_db(transaction=True)
def test_the_migration_deletes_rows_pointing_at_nothing_and_keeps_the_rest():
    from django.db import transaction

    before = [("nudges", "0006_notification_context_from_stored_text")]
    after = [("nudges", "0007_notification_and_outbox_foreign_keys")]
    MigrationExecutor(connection).migrate(before)
    try:
        keep = _row_naming_its_person_twice()
        gone_notification = _row_naming_its_person_twice()
        gone_person = _row_naming_its_person_twice()
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
        connection.check_constraints()
        assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [keep.pk]
        assert list(Notification.objects.values_list("pk", flat=True)) == [keep.notification_id]
    finally:
        MigrationExecutor(connection).migrate(_latest())


@pytest.mark.parametrize("both", [True, False], ids=["person-and-notification", "neither"])
def test_a_row_names_its_person_exactly_once(both):
    notification = NotificationFactory()
    fields = {"user": notification.user, "notification": notification} if both else {}
    with pytest.raises(IntegrityError, match="nudges_outbox_one_recipient"):
        _outbox_row(**fields)


def test_a_digest_goes_to_its_own_person_and_an_email_to_its_notifications():
    email = OutboxFactory()
    digest = DigestFactory()
    rows = OutboxMessage.objects.select_related("user", "notification__user")
    assert rows.get(pk=email.pk).recipient == email.notification.user
    assert rows.get(pk=digest.pk).recipient == digest.user
    assert sorted(rows.to_people([email.notification.user_id, digest.user_id]).recipient_ids()) == (
        sorted([email.notification.user_id, digest.user_id])
    )
    assert list(rows.to_people([UserFactory().pk])) == []


def test_deleting_a_person_deletes_their_digests_too():
    digest = DigestFactory()
    email = OutboxFactory(notification__user=digest.user)
    keep = OutboxFactory()
    digest.user.delete()
    connection.check_constraints()
    assert list(OutboxMessage.objects.all()) == [keep]
    assert not Notification.objects.filter(pk=email.notification_id).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_one_copy_of_each_person_and_going_back_restores_it():
    before = [("nudges", "0008_meeting_and_message_kinds")]
    after = [("nudges", "0009_outbox_one_recipient")]
    MigrationExecutor(connection).migrate(before)
    try:
        email = _row_naming_its_person_twice()
        digest = DigestFactory()

        MigrationExecutor(connection).migrate(after)
        assert dict(OutboxMessage.objects.values_list("pk", "user_id")) == {
            email.pk: None,
            digest.pk: digest.user_id,
        }

        MigrationExecutor(connection).migrate(before)
        assert dict(OutboxMessage.objects.values_list("pk", "user_id")) == {
            email.pk: email.notification.user_id,
            digest.pk: digest.user_id,
        }
    finally:
        MigrationExecutor(connection).migrate(_latest())


def test_a_persons_download_lists_their_digests_and_their_nudges_emails_only():
    from apps.nudges.exports import export_nudges

    person = UserFactory()
    email = OutboxFactory(notification__user=person, subject="Finish chapter two")
    DigestFactory(user=person, subject="Your Pacer digest")
    OutboxFactory(subject="Someone else's")

    subjects = [row["subject"] for row in export_nudges(person)["emails"]]

    assert sorted(subjects) == ["Finish chapter two", "Your Pacer digest"]
    assert email.user_id is None


def test_the_admin_shows_each_rows_person_and_refuses_a_row_naming_two(client):
    from allauth.mfa.models import Authenticator
    from django.urls import reverse

    staff = UserFactory(is_staff=True, is_superuser=True)
    # The admin opens only to staff with two-factor authentication on.
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    email = OutboxFactory(notification__user=UserFactory(display_name="Nadia Nudged"))
    DigestFactory(user__display_name="Dora Digest")
    client.force_login(staff)

    listing = client.get(reverse("admin:nudges_outboxmessage_changelist")).content.decode()
    assert "Nadia Nudged" in listing
    assert "Dora Digest" in listing

    response = client.post(
        reverse("admin:nudges_outboxmessage_change", args=[email.pk]),
        {
            "user": email.recipient.pk,
            "notification": email.notification_id,
            "kind": email.kind,
            "object_id": email.object_id,
            "period": email.period,
            "status": email.status,
            "next_attempt_at_0": "2026-11-25",
            "next_attempt_at_1": "10:00:00",
            "subject": "",
            "created_at_0": "2026-11-25",
            "created_at_1": "10:00:00",
        },
    )

    assert response.status_code == 200
    assert "name one of the two" in response.content.decode()
    email.refresh_from_db()
    assert email.user_id is None
