import pytest
from django.urls import reverse

from apps.matching.models import CohortInvitation, CohortMembership
from tests.accounts.factories import UserFactory
from tests.matching.factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    return CohortInvitation.objects.create(
        cohort=CohortFactory(), email="inv@example.org", role="student"
    )


def test_invitee_accepts(client, invitation):
    user = UserFactory(email="inv@example.org")
    client.force_login(user)
    url = reverse("matching:invitation_accept", args=[invitation.token])
    assert invitation.cohort.name in client.get(url).content.decode()
    client.post(url)
    assert CohortMembership.objects.filter(user=user, cohort=invitation.cohort).exists()


def test_other_user_cannot_accept(client, invitation):
    client.force_login(UserFactory())
    response = client.post(reverse("matching:invitation_accept", args=[invitation.token]))
    assert "sign in with that address" in response.content.decode()
    assert not CohortMembership.objects.exists()


def test_anonymous_redirected_to_login(client, invitation):
    response = client.get(reverse("matching:invitation_accept", args=[invitation.token]))
    assert response.status_code == 302
