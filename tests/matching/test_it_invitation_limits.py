"""Invitations are emails to any address: capped per batch and per day, rate-limited per
hour, and sent only by the programme's coordinator. Refused batches send nothing."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.matching import programmes
from apps.matching.models import CohortInvitation
from apps.matching.services import MatchingError
from tests.matching.factories import CohortFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(coordinator):
    return CohortFactory(programme=ProgrammeFactory(coordinator=coordinator))


def _addresses(count: int, start: int = 0) -> list[str]:
    return [f"person{n}@example.org" for n in range(start, start + count)]


def _post(client, cohort, emails):
    return client.post(
        reverse("matching:cohort_detail", args=[cohort.pk]),
        {"invite": "1", "emails": "\n".join(emails), "role": "student"},
    )


def test_a_batch_over_the_cap_is_refused_whole(client, coordinator, cohort):
    client.force_login(coordinator)

    response = _post(client, cohort, _addresses(programmes.INVITATIONS_PER_REQUEST + 1))

    assert response.status_code == 200
    assert f"at most {programmes.INVITATIONS_PER_REQUEST} addresses" in response.content.decode()
    assert not CohortInvitation.objects.exists()
    assert mail.outbox == []


def test_a_batch_at_the_cap_is_sent(client, coordinator, cohort):
    client.force_login(coordinator)

    response = _post(client, cohort, _addresses(programmes.INVITATIONS_PER_REQUEST))

    assert response.status_code == 302
    assert CohortInvitation.objects.count() == programmes.INVITATIONS_PER_REQUEST


def test_the_daily_cap_counts_the_last_24_hours(coordinator, cohort, monkeypatch):
    monkeypatch.setattr(programmes, "INVITATIONS_PER_DAY", 5)
    programmes.cohort_invite(
        cohort=cohort, inviter=coordinator, emails=_addresses(4), role="student"
    )

    with pytest.raises(MatchingError, match="1 are left today"):
        programmes.cohort_invite(
            cohort=cohort, inviter=coordinator, emails=_addresses(2, start=10), role="student"
        )
    assert CohortInvitation.objects.count() == 4
    # Repeating addresses already invited costs nothing.
    programmes.cohort_invite(
        cohort=cohort, inviter=coordinator, emails=[*_addresses(4), "new@example.org"],
        role="student",
    )  # fmt: skip
    assert CohortInvitation.objects.count() == 5
    # A day later the allowance is back.
    CohortInvitation.objects.update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    programmes.cohort_invite(
        cohort=cohort, inviter=coordinator, emails=_addresses(5, start=20), role="student"
    )
    assert CohortInvitation.objects.count() == 10


def test_batches_are_rate_limited_per_hour(client, coordinator, cohort, monkeypatch):
    monkeypatch.setattr(programmes, "INVITATION_BATCHES_PER_HOUR", 2)
    client.force_login(coordinator)
    assert _post(client, cohort, ["a@example.org"]).status_code == 302
    assert _post(client, cohort, ["b@example.org"]).status_code == 302

    response = _post(client, cohort, ["c@example.org"])

    assert response.status_code == 200
    assert "try again later" in response.content.decode()
    assert not CohortInvitation.objects.filter(email="c@example.org").exists()


def test_someone_whose_role_staff_withdrew_can_no_longer_invite(client, coordinator, cohort):
    User.objects.filter(pk=coordinator.pk).update(is_coordinator=False)
    client.force_login(coordinator)

    assert _post(client, cohort, ["a@example.org"]).status_code == 404
    coordinator.refresh_from_db()
    with pytest.raises(MatchingError):
        programmes.cohort_invite(
            cohort=cohort, inviter=coordinator, emails=["a@example.org"], role="student"
        )
    assert not CohortInvitation.objects.exists()


def test_only_the_programmes_coordinator_invites(coordinator, cohort):
    other = ProgrammeFactory().coordinators.get()

    with pytest.raises(MatchingError, match="programme's coordinator"):
        programmes.cohort_invite(
            cohort=cohort, inviter=other, emails=["a@example.org"], role="student"
        )
