"""A person's own words in a nudge neither break its email nor reach the delivery log."""

import importlib
import logging
import smtplib

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse

from apps.nudges.models import OutboxMessage
from apps.nudges.services import failure_reason, outbox_send_batch
from tests.matching.factories import CohortFactory, MembershipFactory, ProgrammeFactory
from tests.nudges.backends import FailingBackend
from tests.nudges.factories import OutboxFactory

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status
SECRET_TITLE = "Overdue: Leave the lab quietly\r\nBcc: everyone@example.org"


@pytest.fixture
def failing_backend(settings):
    settings.EMAIL_BACKEND = "tests.nudges.backends.FailingBackend"
    yield FailingBackend
    FailingBackend.fail_with = None


def test_a_title_stored_with_a_line_break_is_sent_on_one_line():
    row = OutboxFactory(notification__title=SECRET_TITLE)

    result = outbox_send_batch()

    assert result.sent == 1
    [email] = mail.outbox
    assert email.subject == "Overdue: Leave the lab quietly Bcc: everyone@example.org"
    assert "Bcc" not in email.message().keys()  # noqa: SIM118 (a Message, not a dict)
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.subject == email.subject


def test_a_failed_send_records_the_kind_of_error_never_its_text(failing_backend, caplog):
    row = OutboxFactory(notification__title="Quit my PhD")
    failing_backend.fail_with = ValueError("Header values can't contain 'Quit my PhD'")

    with caplog.at_level(logging.WARNING, logger="apps.nudges.services"):
        assert outbox_send_batch().failed == 1

    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.last_error == "ValueError (details in the server log)."
    # The operator still has the whole story.
    assert "Quit my PhD" in caplog.text


def test_a_retried_send_records_no_error_text_either(failing_backend):
    row = OutboxFactory(notification__title="Quit my PhD")
    failing_backend.fail_with = ConnectionResetError("peer sent 'Quit my PhD'")

    assert outbox_send_batch().retried == 1

    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert "Quit my PhD" not in row.last_error
    assert row.last_error.startswith("ConnectionResetError")


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (
            smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user a@example.org")}),
            "SMTPRecipientsRefused: the mail server refused the address (550).",
        ),
        (
            smtplib.SMTPDataError(554, b"Message 'Quit my PhD' rejected"),
            "SMTPDataError: the mail server answered 554.",
        ),
        (ValueError("Quit my PhD"), "ValueError (details in the server log)."),
    ],
)
def test_failure_reasons_carry_no_text_from_the_error(exc, reason):
    assert failure_reason(exc) == reason


def test_the_coordinators_delivery_log_never_shows_a_students_title(client, failing_backend):
    programme = ProgrammeFactory()
    coordinator = programme.coordinators.get()
    row = OutboxFactory(notification__title="Quit my PhD")
    MembershipFactory(cohort=CohortFactory(programme=programme), user=row.recipient)
    failing_backend.fail_with = ValueError("Header values can't contain 'Quit my PhD'")
    outbox_send_batch()
    client.force_login(coordinator)

    body = client.get(reverse("nudges:delivery_log")).content.decode()

    assert "ValueError" in body
    assert "Quit my PhD" not in body


def test_the_migration_sends_header_failures_again_and_scrubs_old_reasons():
    bad_header = OutboxFactory(
        status=Status.FAILED,
        last_error="BadHeaderError: Header values can't contain newlines "
        "(got 'Overdue: Quit my PhD\\nnow' for header 'Subject')",
    )
    build = OutboxFactory(
        status=Status.FAILED, last_error="Could not build the email: KeyError('Quit my PhD')"
    )
    refused = OutboxFactory(
        status=Status.FAILED, last_error="SMTPRecipientsRefused: {'a@example.org': (550, b'no')}"
    )
    gone = OutboxFactory(status=Status.FAILED, last_error="The person no longer exists.")
    skipped = OutboxFactory(status=Status.SKIPPED, last_error="Snoozed.")
    migration = importlib.import_module("apps.nudges.migrations.0005_scrub_failure_reasons")

    migration.scrub(django_apps, None)

    for row in (bad_header, build, refused, gone, skipped):
        row.refresh_from_db()
    assert (bad_header.status, bad_header.last_error) == (Status.PENDING, "")
    assert build.last_error == "Could not build the email (details in the server log)."
    assert refused.last_error == "SMTPRecipientsRefused (details in the server log)."
    assert gone.last_error == "The person no longer exists."
    assert skipped.last_error == "Snoozed."
    # The nudge that failed on its subject now goes out, on one line.
    assert outbox_send_batch().sent == 1
    assert mail.outbox[0].to == [bad_header.recipient.email]
