"""Journey: a student writes to their mentor; the mentor sees the unread badge, reads the
thread (the badge goes) and the student then sees "Seen", on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import wait_for_htmx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


def _overflow(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("size", SIZES)
def test_a_message_sent_shows_as_unread_on_the_other_side(
    page, browser, live_server, browser_login, size
):
    from apps.matching.models import Mentorship
    from tests.accounts.factories import UserFactory
    from tests.matching.factories import MentorshipFactory

    pair: Mentorship = MentorshipFactory(
        student=UserFactory(is_student=True, display_name="Stella Student"),
        mentor=UserFactory(is_mentor=True, display_name="Marco Mentor"),
    )
    page.set_viewport_size(SIZES[size])
    browser_login(page, pair.student)
    page.goto(f"/messages/{pair.pk}/")
    expect(page.get_by_role("heading", name="Messages with Marco Mentor")).to_be_visible()
    box = page.get_by_label("Message", exact=True)
    box.fill("Here is my **first** plot. Long words: " + "x" * 80)
    page.get_by_role("button", name="Send").click()
    wait_for_htmx(page)
    sent = page.locator(".chat-message").last
    expect(sent).to_contain_text("Here is my first plot.")
    expect(sent.locator("strong", has_text="first")).to_be_visible()
    expect(page.get_by_label("Message", exact=True)).to_have_value("")
    expect(page.get_by_label("Message", exact=True)).to_be_focused()
    assert _overflow(page) <= 0

    # A slip corrected within the edit window, in place.
    sent.get_by_role("link", name=re.compile("^Edit")).click()
    editor = page.get_by_label("Edit your message")
    expect(editor).to_be_focused()
    editor.fill("Here is my **first** plot, with a baseline.")
    page.get_by_role("button", name="Save").click()
    wait_for_htmx(page)
    expect(sent).to_contain_text("with a baseline.")
    expect(sent).to_contain_text("edited")

    mentor_context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    mentor_page = mentor_context.new_page()
    mentor_page.set_default_timeout(10_000)
    mentor_errors: list[str] = []
    mentor_page.on("console", lambda m: mentor_errors.append(m.text) if m.type == "error" else None)
    browser_login(mentor_page, pair.mentor)
    if size == "phone":
        mentor_page.get_by_role("button", name="Menu").click()
    nav = mentor_page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name="Messages 1 unread")
    expect(link).to_be_visible()
    assert _overflow(mentor_page) <= 0
    link.click()
    mentor_page.get_by_role("link", name="Stella Student").click()
    expect(mentor_page.locator(".chat-message").last).to_contain_text("with a baseline.")
    # Read now: the badge is gone from the page the thread opened on.
    expect(mentor_page.locator("[data-nav-badge]")).to_have_count(0)
    assert _overflow(mentor_page) <= 0
    mentor_context.close()
    assert mentor_errors == []

    page.reload()
    expect(page.locator(".chat-message").last).to_contain_text("Seen")
