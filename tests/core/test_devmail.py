"""The development mail page: every email a development install sends is printed and
kept, and a DEBUG-only page lists the latest with their text and HTML parts."""

from __future__ import annotations

import importlib

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from apps.core import devmail

BACKEND = "apps.core.devmail.ConsoleAndStoreBackend"


@pytest.fixture
def mail_dir(tmp_path, settings):
    settings.EMAIL_BACKEND = BACKEND
    settings.DEV_MAIL_DIR = str(tmp_path / "mail")
    return tmp_path / "mail"


def _send(subject: str, *, to: str = "ada@example.org", html: str | None = None) -> None:
    message = mail.EmailMultiAlternatives(
        subject,
        f"Text of {subject}",
        "pacer@example.org",
        [to],
        headers={"List-Unsubscribe": "<https://pacer.example.org/u/1>"},
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def test_sent_email_is_printed_and_kept(mail_dir, capsys):
    _send("Your weekly digest", html="<p>Three things <b>due</b></p>")

    assert "Subject: Your weekly digest" in capsys.readouterr().out
    [stored] = devmail.stored_emails()
    assert stored.subject == "Your weekly digest"
    assert stored.to == "ada@example.org"
    assert stored.text.strip() == "Text of Your weekly digest"
    assert "<b>due</b>" in stored.html
    assert ("List-Unsubscribe", "<https://pacer.example.org/u/1>") in stored.headers


def test_newest_first_and_only_the_last_ones_kept(mail_dir, monkeypatch):
    monkeypatch.setattr(devmail, "KEEP", 3)
    for n in range(5):
        _send(f"Message {n}")

    assert [m.subject for m in devmail.stored_emails()] == ["Message 4", "Message 3", "Message 2"]
    assert len(list(mail_dir.glob("*.eml"))) == 3


def test_an_id_that_is_not_a_stored_file_name_is_not_looked_up(mail_dir):
    _send("Hello")
    (mail_dir.parent / "secret.eml").write_text("Subject: secret\n\nno")

    assert devmail.stored_email("../secret") is None
    assert devmail.stored_email("missing-id") is None


@override_settings(DEBUG=True, ROOT_URLCONF="tests.core.devmail_urls")
def test_the_page_lists_emails_and_shows_text_and_html(client, mail_dir):
    _send("Deadline in 7 days", html="<p>Plan <script>alert(1)</script></p>")
    [stored] = devmail.stored_emails()

    listing = client.get(reverse("dev_mail_list"))
    assert listing.status_code == 200
    assert b"Deadline in 7 days" in listing.content
    detail_url = reverse("dev_mail_detail", args=[stored.id])
    assert detail_url.encode() in listing.content

    detail = client.get(detail_url)
    assert detail.status_code == 200
    assert b"Text of Deadline in 7 days" in detail.content
    assert b"List-Unsubscribe" in detail.content
    # The HTML part is framed from its own URL, sandboxed, never inlined in the page.
    assert b"<script>alert(1)</script>" not in detail.content
    html = client.get(reverse("dev_mail_html", args=[stored.id]))
    assert html.status_code == 200
    assert b"<p>Plan" in html.content
    assert html["Content-Security-Policy"].startswith("sandbox;")


@override_settings(DEBUG=True, ROOT_URLCONF="tests.core.devmail_urls")
def test_the_page_has_an_empty_state(client, mail_dir):
    response = client.get(reverse("dev_mail_list"))

    assert response.status_code == 200
    assert b"No email yet" in response.content


@override_settings(ROOT_URLCONF="tests.core.devmail_urls")
def test_the_views_answer_404_without_debug(client, mail_dir):
    _send("Private")
    [stored] = devmail.stored_emails()

    assert client.get(reverse("dev_mail_list")).status_code == 404
    assert client.get(reverse("dev_mail_detail", args=[stored.id])).status_code == 404
    assert client.get(reverse("dev_mail_html", args=[stored.id])).status_code == 404


def test_the_project_routes_the_mail_page_only_with_debug(settings):
    import config.urls

    try:
        settings.DEBUG = True
        importlib.reload(config.urls)
        clear_url_caches()
        assert reverse("dev_mail_list") == "/dev/mail/"
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()
    with pytest.raises(NoReverseMatch):
        reverse("dev_mail_list")
