import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache

from tests.accounts.factories import UserFactory


def _current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _enable_totp(client, user) -> str:
    client.post("/accounts/login/", {"login": user.email, "password": UserFactory.PASSWORD})
    # Turning on MFA is a sensitive change: allauth asks for the password again first.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.url.startswith("/accounts/reauthenticate/")
    client.post(response.url, {"password": UserFactory.PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": _current_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


@pytest.mark.django_db
def test_enabling_totp_then_logging_in_asks_for_a_code(client, user):
    secret = _enable_totp(client, user)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    client.post("/accounts/logout/")
    cache.clear()  # the activation code may be reused only after the used-code memo is gone

    response = client.post(
        "/accounts/login/", {"login": user.email, "password": UserFactory.PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_wrong_activation_code_enables_nothing(client, user):
    client.force_login(user)
    client.post("/accounts/reauthenticate/", {"password": UserFactory.PASSWORD})
    client.get("/accounts/2fa/totp/activate/")

    response = client.post("/accounts/2fa/totp/activate/", {"code": "123456"})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_admin_requires_mfa_for_staff(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.post("/accounts/login/", {"login": staff.email, "password": UserFactory.PASSWORD})

    response = client.get("/admin/", follow=True)

    urls = [url for url, _status in response.redirect_chain]
    assert "/accounts/2fa/totp/activate/" in urls
    assert "/admin/" not in urls[-1]
    assert "two-factor authentication before using the admin" in response.content.decode()


@pytest.mark.django_db
def test_admin_opens_for_staff_with_mfa(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    _enable_totp(client, staff)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Pacer administration" in response.content.decode()


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_non_staff_never_reach_the_admin(client, user):
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response.url
