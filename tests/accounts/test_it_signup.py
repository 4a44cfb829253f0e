import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from apps.accounts.models import User
from tests.accounts.factories import UserFactory

PASSWORD = "a-long-and-unusual-passphrase-7"


def _signup(client, email="new.person@example.org", password=PASSWORD):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": password, "password2": password}
    )


def _confirmation_link(message) -> str:
    match = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body)
    assert match, message.body
    return match.group(0).split("testserver", 1)[-1]


@pytest.mark.django_db
def test_signup_sends_verification_and_blocks_login_until_verified(client):
    response = _signup(client)

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="new.person@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]

    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new.person@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_verification_link_verifies_and_first_login_goes_to_onboarding(client):
    _signup(client)
    link = _confirmation_link(mail.outbox[0])

    response = client.post(link, follow=True)

    assert response.redirect_chain[-1][0] == "/account/welcome/"
    assert "Welcome to Pacer" in response.content.decode()
    assert EmailAddress.objects.get(email="new.person@example.org").verified
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new.person@example.org", "password": PASSWORD}
    )
    assert response.url == "/account/welcome/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("483920175520", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_created(client, password, message):
    response = _signup(client, password=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_signup_with_taken_email_is_refused(client, user):
    response = _signup(client, email=user.email)

    assert User.objects.filter(email=user.email).count() == 1
    # allauth prevents account enumeration: it answers as usual and mails the owner.
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_creates_a_new_session(client, user):
    client.get("/accounts/login/")
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None

    response = client.post(
        "/accounts/login/", {"login": user.email, "password": UserFactory.PASSWORD}
    )

    assert response.status_code == 302
    assert client.cookies["sessionid"].value != before


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(client, user):
    pages = [
        client.post(
            "/accounts/login/", {"login": user.email, "password": "wrong" * 4}
        ).content.decode()
        for _ in range(6)
    ]

    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    # Even the right password is refused while the limit holds.
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": UserFactory.PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
