"""Journey: a coordinator invites a co-coordinator from the programme page; the invitee
follows the emailed link, accepts, and runs the programme; the first removes them."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.matching.factories import CohortFactory, ProgrammeFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_invite_accept_and_remove_a_co_coordinator(page, browser, live_server, browser_login):
    cora = UserFactory(is_coordinator=True, display_name="Cora Coordinator")
    programme = ProgrammeFactory(coordinator=cora, name="RL Fellows")
    CohortFactory(programme=programme, name="2027 intake")
    invitee = UserFactory(is_mentor=True, display_name="Ines Invitee", email="ines@example.org")

    browser_login(page, cora)
    page.goto(f"/mentors/programmes/{programme.pk}/")
    page.get_by_label("Invite co-coordinators").fill("ines@example.org")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("1 co-coordinator invitation(s) sent.")).to_be_visible()
    link = re.search(r"https?://\S+/coordinator-invitations/[0-9a-f-]+/", mail.outbox[0].body)
    assert link is not None

    other = browser.new_context(base_url=live_server.url)
    ines_page = other.new_page()
    ines_page.set_default_timeout(10_000)
    browser_login(ines_page, invitee)
    ines_page.goto(urlsplit(link.group(0)).path)
    ines_page.get_by_role("button", name="Accept invitation").click()
    expect(ines_page.get_by_text("You now co-coordinate RL Fellows.")).to_be_visible()
    expect(ines_page.get_by_role("link", name="2027 intake")).to_be_visible()

    page.reload()
    row = page.locator("li", has_text="Ines Invitee")
    row.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("Co-coordinator removed.")).to_be_visible()
    ines_page.reload()
    expect(ines_page.get_by_text("2027 intake")).to_have_count(0)
    other.close()
