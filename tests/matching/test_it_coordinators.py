"""The pages for co-coordinators: inviting on the programme page, accepting, removing,
and the access a co-coordinator gets (the same as the first coordinator's, no more)."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.matching.models import CoordinatorInvitation, ProgrammeCoordinator
from tests.accounts.factories import UserFactory
from tests.matching.factories import CohortFactory, ProgrammeFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(coordinator):
    return ProgrammeFactory(coordinator=coordinator, name="Fellows")


def _pages(programme):
    cohort = CohortFactory(programme=programme)
    matching_round = RoundFactory(cohort=cohort)
    return [
        reverse("matching:programme_detail", args=[programme.pk]),
        reverse("matching:cohort_detail", args=[cohort.pk]),
        reverse("matching:round_detail", args=[matching_round.pk]),
        reverse("dashboards:programme", args=[programme.pk]),
    ]


def test_a_co_coordinator_sees_the_programmes_pages_and_no_other(client, programme):
    co = UserFactory(is_coordinator=True)
    programme.coordinators.add(co)
    other = ProgrammeFactory(name="Elsewhere")
    client.force_login(co)

    for url in _pages(programme):
        assert client.get(url).status_code == 200, url
    for url in _pages(other):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("matching:programme_list")).content.decode()
    assert "Fellows" in listing
    assert "Elsewhere" not in listing


def test_the_programme_page_invites_a_co_coordinator(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("matching:programme_detail", args=[programme.pk])

    bad = client.post(url, {"invite_coordinator": "1", "emails": "not-an-email"})
    assert "not-an-email is not a valid email address" in bad.content.decode()
    assert not CoordinatorInvitation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"invite_coordinator": "1", "emails": "co@example.org"})

    assert response.status_code == 302
    assert CoordinatorInvitation.objects.get().email == "co@example.org"
    assert mail.outbox[0].to == ["co@example.org"]
    page = client.get(url).content.decode()
    assert "co@example.org" in page  # waiting for an answer
    assert programme.cohorts.count() == 0  # the invitation did not also add a cohort


def test_a_stranger_cannot_invite_through_the_page(client, programme):
    client.force_login(ProgrammeFactory().coordinators.get())

    response = client.post(
        reverse("matching:programme_detail", args=[programme.pk]),
        {"invite_coordinator": "1", "emails": "me@example.org"},
    )

    assert response.status_code == 404
    assert not CoordinatorInvitation.objects.exists()


def test_the_invitee_accepts_and_gets_the_programme(client, programme, coordinator):
    invitation = CoordinatorInvitation.objects.create(
        programme=programme, email="co@example.org", invited_by=coordinator
    )
    invitee = UserFactory(email="co@example.org", is_student=True)
    client.force_login(invitee)
    assert "Fellows" in client.get(reverse("matching:programme_list")).content.decode()
    url = reverse("matching:coordinator_invitation_accept", args=[invitation.token])
    assert "Co-coordinate Fellows" in client.get(url).content.decode()

    response = client.post(url)

    assert response["Location"] == reverse("matching:programme_detail", args=[programme.pk])
    assert User.objects.get(pk=invitee.pk).is_coordinator
    assert client.get(response["Location"]).status_code == 200


def test_someone_else_cannot_see_or_accept_the_invitation(client, programme, coordinator):
    invitation = CoordinatorInvitation.objects.create(
        programme=programme, email="co@example.org", invited_by=coordinator
    )
    intruder = UserFactory(email="intruder@example.org")
    client.force_login(intruder)
    url = reverse("matching:coordinator_invitation_accept", args=[invitation.token])

    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 403
        assert "sent to another address" in response.content.decode()
        assert "co@example.org" not in response.content.decode()

    assert not User.objects.get(pk=intruder.pk).is_coordinator
    assert list(programme.coordinators.all()) == [coordinator]


def test_removing_a_co_coordinator_and_not_the_last(client, programme, coordinator):
    co = UserFactory(is_coordinator=True)
    programme.coordinators.add(co)
    client.force_login(coordinator)
    detail = reverse("matching:programme_detail", args=[programme.pk])
    assert "Remove" in client.get(detail).content.decode()

    client.post(reverse("matching:coordinator_remove", args=[programme.pk, co.pk]))
    assert list(programme.coordinators.all()) == [coordinator]
    client.force_login(co)
    assert client.get(detail).status_code == 404

    client.force_login(coordinator)
    response = client.post(
        reverse("matching:coordinator_remove", args=[programme.pk, coordinator.pk]), follow=True
    )
    assert "needs a coordinator" in response.content.decode()
    assert ProgrammeCoordinator.objects.filter(programme=programme).count() == 1


def test_stepping_down_leads_back_to_the_programme_list(client, programme, coordinator):
    co = UserFactory(is_coordinator=True)
    programme.coordinators.add(co)
    client.force_login(co)

    response = client.post(reverse("matching:coordinator_remove", args=[programme.pk, co.pk]))

    assert response["Location"] == reverse("matching:programme_list")
    assert list(programme.coordinators.all()) == [coordinator]


def test_the_programme_page_costs_the_same_queries_with_more_coordinators(
    client, programme, coordinator
):
    client.force_login(coordinator)
    url = reverse("matching:programme_detail", args=[programme.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        programme.coordinators.add(UserFactory(is_coordinator=True))
        CoordinatorInvitation.objects.create(programme=programme, email=f"p{n}@example.org")

    assert queries() == few
