"""The coordinator role: granted by staff only. A person may ask for it in their
profile or at onboarding; staff approve or decline in the admin."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import User
from apps.matching.models import Programme
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _profile_data(**extra):
    return {"display_name": "Eve", "timezone": "UTC", "research_interests": "", "bio": "", **extra}


@pytest.mark.parametrize("url", ["/account/profile/", "/account/welcome/"])
def test_no_one_makes_themselves_a_coordinator(client, url):
    eve = UserFactory(is_student=True)
    client.force_login(eve)

    response = client.post(url, _profile_data(roles=["student", "coordinator"]))

    assert response.status_code == 200
    assert "not one of the available choices" in response.content.decode()
    eve.refresh_from_db()
    assert eve.is_coordinator is False
    assert eve.coordinator_requested_at is None


def test_the_service_refuses_to_grant_the_role_too():
    eve = UserFactory(is_student=True)

    with pytest.raises(PermissionDenied):
        services.user_update_profile(
            user=eve,
            display_name="Eve",
            timezone_name="UTC",
            research_interests="",
            bio="",
            roles=["coordinator"],
        )

    assert User.objects.get(pk=eve.pk).is_coordinator is False


def test_a_person_asks_and_the_request_waits_for_staff(client):
    eve = UserFactory(is_student=True)
    client.force_login(eve)

    response = client.post(
        "/account/profile/", _profile_data(roles=["student"], request_coordinator="on")
    )

    assert response.status_code == 302
    eve.refresh_from_db()
    assert eve.is_coordinator is False
    assert eve.coordinator_requested_at is not None
    page = client.get("/account/profile/").content.decode()
    assert "staff will review it" in page
    # Until then, no programme (and so no invitation) can be made.
    client.post(reverse("matching:programme_list"), {"name": "Official programme"})
    assert not Programme.objects.exists()


def test_a_newcomer_may_only_ask_to_coordinate(client):
    newcomer = UserFactory(onboarded_at=None, is_student=False)
    client.force_login(newcomer)

    response = client.post("/account/welcome/", _profile_data(request_coordinator="on"))

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.roles == []
    assert newcomer.coordinator_requested_at is not None


def test_choosing_no_role_and_asking_for_none_is_refused(client):
    eve = UserFactory(is_student=True)
    client.force_login(eve)

    response = client.post("/account/profile/", _profile_data())

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert User.objects.get(pk=eve.pk).is_student is True


def test_saving_the_profile_keeps_a_staff_granted_role(client):
    coordinator = UserFactory(is_coordinator=True, is_student=False)
    client.force_login(coordinator)

    response = client.post("/account/profile/", _profile_data(roles=["mentor"]))

    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.is_coordinator is True
    assert coordinator.is_mentor is True


def test_staff_approve_and_decline_requests_in_the_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    # The admin opens only to staff with two-factor authentication on.
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    asked = UserFactory(is_student=True)
    declined = UserFactory(is_student=True)
    never_asked = UserFactory(is_student=True)
    services.user_update_profile(
        user=asked, display_name="A", timezone_name="UTC", research_interests="", bio="",
        roles=["student"], request_coordinator=True,
    )  # fmt: skip
    services.user_update_profile(
        user=declined, display_name="D", timezone_name="UTC", research_interests="", bio="",
        roles=["student"], request_coordinator=True,
    )  # fmt: skip
    client.force_login(staff)
    changelist = reverse("admin:accounts_user_changelist")

    response = client.post(
        changelist,
        {"action": "approve_coordinator_requests", "_selected_action": [asked.pk, never_asked.pk]},
    )
    assert response.status_code == 302
    client.post(
        changelist, {"action": "decline_coordinator_requests", "_selected_action": [declined.pk]}
    )

    asked.refresh_from_db()
    declined.refresh_from_db()
    never_asked.refresh_from_db()
    assert (asked.is_coordinator, asked.coordinator_requested_at) == (True, None)
    assert (declined.is_coordinator, declined.coordinator_requested_at) == (False, None)
    assert never_asked.is_coordinator is False
    assert "approve_coordinator_requests" in site._registry[User].actions
