import pytest
from allauth.account.models import EmailAddress

from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_changing_the_email_address_asks_for_the_password_first(client, user):
    client.force_login(user)

    response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.org"})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="new@example.org").exists()

    client.post("/accounts/reauthenticate/", {"password": UserFactory.PASSWORD})
    client.post("/accounts/email/", {"action_add": "", "email": "new@example.org"})
    assert EmailAddress.objects.filter(user=user, email="new@example.org", verified=False).exists()


@pytest.mark.django_db
def test_changing_the_password_needs_the_current_one(client, user):
    client.force_login(user)

    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "not-my-password",
            "password1": "brand-new-pass-77x",
            "password2": "brand-new-pass-77x",
        },
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(UserFactory.PASSWORD)


@pytest.mark.django_db
def test_password_reset_mails_a_link_without_revealing_accounts(client, user, mailoutbox):
    client.post("/accounts/password/reset/", {"email": user.email})
    client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert [m.to for m in mailoutbox] == [[user.email], ["nobody@example.org"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert "/accounts/password/reset/key/" not in mailoutbox[1].body
