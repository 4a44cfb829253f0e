"""The coordinator's delivery log: their programmes' members only, with failure reasons."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.nudges.models import OutboxMessage
from tests.matching.factories import CohortFactory, MembershipFactory, ProgrammeFactory
from tests.nudges.factories import DigestFactory, OutboxFactory

pytestmark = pytest.mark.django_db
URL = reverse("nudges:delivery_log")


@pytest.fixture
def cohort(coordinator):
    return CohortFactory(programme=ProgrammeFactory(coordinator=coordinator))


def member_row(cohort, factory=OutboxFactory, **kwargs):
    row = factory(**kwargs)
    MembershipFactory(cohort=cohort, user=row.recipient, role="student")
    return row


def test_coordinator_sees_members_rows_with_failure_reasons(client, coordinator, cohort):
    member_row(cohort, status=OutboxMessage.Status.FAILED, last_error="SMTPRecipientsRefused: 550")
    member_row(
        cohort, DigestFactory, status=OutboxMessage.Status.FAILED, last_error="member-digest-failed"
    )
    outsider = OutboxFactory(last_error="outsider-error")
    DigestFactory(last_error="outsider-digest-error")
    client.force_login(coordinator)
    body = client.get(URL).content.decode()
    assert "SMTPRecipientsRefused: 550" in body
    assert "member-digest-failed" in body
    assert "outsider-error" not in body
    assert "outsider-digest-error" not in body
    assert outsider.recipient.name not in body


def test_another_coordinators_programme_is_not_visible(client, coordinator):
    other_cohort = CohortFactory()  # a programme someone else coordinates
    member_row(other_cohort, last_error="theirs")
    client.force_login(coordinator)
    assert "theirs" not in client.get(URL).content.decode()


def test_filters_by_status(client, coordinator, cohort):
    member_row(cohort, status=OutboxMessage.Status.FAILED, last_error="failed-one")
    member_row(cohort, status=OutboxMessage.Status.SENT, last_error="sent-one")
    client.force_login(coordinator)
    body = client.get(URL, {"status": "failed"}).content.decode()
    assert "failed-one" in body
    assert "sent-one" not in body


@pytest.mark.parametrize("who", ["student", "mentor"])
def test_only_coordinators(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_query_count_constant(client, coordinator, cohort, django_assert_num_queries):
    member_row(cohort)
    member_row(cohort, DigestFactory)
    client.force_login(coordinator)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for _ in range(15):
        member_row(cohort)
        member_row(cohort, DigestFactory)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(URL)
