import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.research.models import Draft, Stage
from tests.research.factories import VenueDeadlineFactory, VenueFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_draft_through_two_stages_and_an_email_with_follow_up(page, browser_login, student):
    venue = VenueFactory(title="NeurIPS")
    VenueDeadlineFactory(venue=venue, in_days=40)
    browser_login(page, student)

    # Create a draft.
    page.goto("/research/papers/")
    page.get_by_role("link", name="Add your first draft").click()
    page.get_by_label("Title").fill("Sparse rewards, dense insights")
    page.get_by_label("Target venue").select_option(label="NeurIPS")
    page.get_by_role("button", name="Add draft").click()
    expect(page.get_by_test_id("countdown")).to_contain_text(re.compile(r"in \d+ days"))

    # Move it through two stages on the board, by keyboard, without a page load.
    page.goto("/research/papers/")
    move = page.get_by_role("button", name="Move “Sparse rewards, dense insights” to Outline")
    move.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#board-status")).to_have_text(
        "Moved “Sparse rewards, dense insights” to Outline."
    )
    to_drafting = page.get_by_role(
        "button", name="Move “Sparse rewards, dense insights” to Drafting"
    )
    expect(to_drafting).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#stage-drafting").locator("xpath=..")).to_contain_text(
        "Sparse rewards, dense insights"
    )
    draft = Draft.objects.get()
    assert draft.stage == Stage.DRAFTING
    assert list(draft.stage_changes.values_list("to_stage", flat=True)) == [
        Stage.IDEA,
        Stage.OUTLINE,
        Stage.DRAFTING,
    ]

    # Log an email to a researcher and see the follow-up date.
    page.goto("/research/outreach/")
    page.get_by_role("link", name="Add a researcher").first.click()
    page.get_by_label("Researcher's name").fill("Dr Helena Okafor")
    page.get_by_label("Email").fill("okafor@example.edu")
    page.get_by_label("Follow up after (days)").fill("7")
    page.get_by_role("button", name="Add researcher").click()
    expect(page.get_by_role("link", name="Open a prepared email")).to_have_attribute(
        "href", re.compile(r"^mailto:okafor@example\.edu\?subject=[^ ]+&body=Dear%20Dr%20Helena")
    )
    sent_on = timezone.localdate(timezone=dt.UTC) - dt.timedelta(days=1)
    page.get_by_label("What happened").select_option(label="Email sent")
    page.get_by_label("Date").fill(sent_on.isoformat())
    page.get_by_role("button", name="Log it").click()
    follow_up = sent_on + dt.timedelta(days=7)
    expect(page.get_by_test_id("follow-up")).to_contain_text(
        f"Follow up on {follow_up:%A} {follow_up.day} {follow_up:%B %Y}"
    )
    expect(page.get_by_test_id("contact-status")).to_have_text("Emailed")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_previews_then_imports_a_catalogue_file(page, browser_login, coordinator):
    from pathlib import Path

    from apps.research.models import Venue

    browser_login(page, coordinator)
    page.goto("/research/venues/")
    page.get_by_role("link", name="Import a catalogue file").click()
    mixed = Path(__file__).parent / "fixtures" / "venues" / "mixed.yml"
    page.get_by_label("Catalogue file (.yml or .yaml)").set_input_files(mixed)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("import-counts")).to_contain_text("7 new, 0 changed, 0 unchanged")
    expect(page.get_by_role("heading", name="Rejected entries")).to_be_visible()
    assert Venue.objects.count() == 0
    page.get_by_role("button", name="Import 7 new and 0 changed venues").click()
    expect(page.get_by_text("Catalogue imported from mixed.yml: 7 venues created")).to_be_visible()
    expect(page.get_by_text("Full paper (Round 2)")).to_be_visible()
    assert Venue.objects.count() == 7
