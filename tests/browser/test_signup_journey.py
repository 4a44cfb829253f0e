import re

import pytest
from django.core import mail

from apps.accounts.models import User


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_up_verify_onboard_and_see_home(page):
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("river@example.org")
    page.get_by_label("Password:", exact=True).fill("a-river-runs-through-it-9")
    page.get_by_label("Password (again):").fill("a-river-runs-through-it-9")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Welcome to Pacer").wait_for()
    page.get_by_label("Display name").fill("River")
    page.get_by_label("Student").check()
    page.get_by_label("Mentor").check()
    page.get_by_label("Timezone").select_option("Europe/Berlin")
    page.get_by_label("Research interests").fill("graph neural networks")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Welcome, River").wait_for()
    assert page.url.endswith("/home/")
    assert page.get_by_role("navigation", name="Main").is_visible()
    user = User.objects.get(email="river@example.org")
    assert user.roles == ["student", "mentor"]
    assert user.timezone == "Europe/Berlin"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_onboarding_suggests_the_browsers_time_zone(browser, live_server, browser_login):
    from tests.accounts.factories import UserFactory

    newcomer = UserFactory(display_name="", onboarded_at=None, timezone="UTC")
    context = browser.new_context(base_url=live_server.url, timezone_id="America/Chicago")
    tab = context.new_page()
    try:
        browser_login(tab, newcomer)
        tab.get_by_role("heading", name="Welcome to Pacer").wait_for()
        assert tab.get_by_text("Four questions").is_visible()
        assert tab.get_by_label("Timezone").input_value() == "America/Chicago"
    finally:
        context.close()
