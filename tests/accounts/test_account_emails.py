"""Account emails (sign-up confirmation, password reset) speak as Pacer and come in
Pacer's email layout, with an HTML part beside the text."""

import re

import pytest
from django.core import mail

from tests.accounts.factories import UserFactory

PASSWORD = "a-long-and-unusual-passphrase-7"


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.mark.django_db
def test_signup_confirmation_is_branded(client):
    client.post(
        "/accounts/signup/",
        {"email": "new.person@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    [message] = mail.outbox
    assert message.subject.startswith("[Pacer] ")
    assert message.body.startswith("Hello from Pacer!")
    assert "testserver!" not in message.body
    html = _html(message)
    assert "&#9650; Pacer" in html
    [link] = re.findall(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert f'<a href="{link}"' in html


@pytest.mark.django_db
def test_password_reset_is_branded_and_escapes_the_text(client):
    user = UserFactory(email="reset.me@example.org")

    client.post("/accounts/password/reset/", {"email": user.email})

    [message] = mail.outbox
    assert message.body.startswith("Hello from Pacer!")
    html = _html(message)
    assert "&#9650; Pacer" in html
    assert "/accounts/password/reset/key/" in html
    assert "<script" not in html
