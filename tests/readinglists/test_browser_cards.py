"""Review cards in a real browser: importing a file through its preview at desktop width,
and managing cards inline (edit, suspend, delete) on a phone with nothing off-screen."""

import pytest
from playwright.sync_api import expect

from apps.readinglists.models import CardImport, ReviewCard
from tests.accounts.factories import UserFactory
from tests.browser.helpers import wait_for_htmx
from tests.readinglists.factories import ReviewCardFactory

PHONE = {"width": 375, "height": 740}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_cards_through_the_preview(page, browser_login, tmp_path):
    student = UserFactory(is_student=True, display_name="Ines Import")
    ReviewCardFactory(owner=student, prompt="State Bayes' rule")
    upload = tmp_path / "deck.tsv"
    upload.write_text(
        "front\tback\ttopic\n"
        "Simplify $\\frac{a+b}{c}$\t$$\\sum_{i=1}^{n} \\frac{1}{i^2}$$\tCalculus\n"
        "state bayes' rule\tduplicate\t\n"
        "\tno front\t\n",
        encoding="utf-8-sig",
    )
    browser_login(page, student)

    page.goto("/reading/review/")
    page.get_by_role("link", name="Import cards from CSV or TSV").click()
    page.get_by_label("CSV or TSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Preview import").click()

    expect(page.get_by_text("1 card to add")).to_be_visible()
    expect(page.get_by_text("2 rows refused")).to_be_visible()
    refused = page.locator("section", has=page.get_by_role("heading", name="Not imported"))
    expect(refused.get_by_role("row", name="3 state bayes' rule")).to_contain_text(
        "Duplicate of a card you already have."
    )
    expect(refused.get_by_role("row")).to_have_count(3)  # header and two rows
    expect(refused).to_contain_text("Empty front.")
    fraction = page.locator("table math mfrac").first
    expect(fraction).to_be_visible()
    # Laid out as a fraction: the numerator sits above the denominator.
    parts = fraction.locator(":scope > *")
    top, bottom = parts.nth(0).bounding_box(), parts.nth(1).bounding_box()
    assert top is not None
    assert bottom is not None
    assert top["y"] + top["height"] <= bottom["y"] + 1
    assert ReviewCard.objects.filter(owner=student).count() == 1
    assert _overflow(page) <= 0

    page.get_by_role("button", name="Add 1 card").click()

    expect(page.get_by_text("Imported 1 card; they are due now.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cards")
    assert ReviewCard.objects.filter(owner=student).count() == 2
    assert CardImport.objects.get().confirmed_at is not None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manage_cards_inline_on_a_phone(page, browser_login):
    student = UserFactory(is_student=True, display_name="Pia Phone")
    card = ReviewCardFactory(
        owner=student,
        prompt="A long prompt about $\\sum_{i=1}^{n} x_i$ that must wrap on a narrow screen "
        "without pushing the page sideways: supercalifragilisticexpialidocious",
        topic="learning_theory",
    )
    ReviewCardFactory(owner=student, prompt="Keep this card")
    page.set_viewport_size(PHONE)
    browser_login(page, student)

    page.goto("/reading/review/cards/")
    expect(page.get_by_text("2 cards")).to_be_visible()
    assert _overflow(page) <= 0
    row = page.locator(f"#card-{card.pk}")

    row.get_by_role("button", name="Suspend card").click()
    expect(row.get_by_text("Suspended", exact=True)).to_be_visible()
    expect(page.locator("#cards-announce")).to_have_text(
        "Card suspended: it will not come up for review."
    )
    assert ReviewCard.objects.get(pk=card.pk).suspended

    wait_for_htmx(page)
    row.get_by_role("link", name="Edit card").click()
    front = row.get_by_label("Front")
    expect(front).to_be_visible()
    assert _overflow(page) <= 0
    front.fill("Edited on the phone: $x^2$")
    row.get_by_role("button", name="Save card").click()
    expect(row.locator("math msup")).to_be_visible()
    assert ReviewCard.objects.get(pk=card.pk).prompt == "Edited on the phone: $x^2$"

    wait_for_htmx(page)
    row.get_by_role("link", name="Delete card").click()
    expect(row).to_contain_text("This cannot be undone.")
    row.get_by_role("link", name="Keep it").click()
    expect(row.get_by_role("button", name="Unsuspend card")).to_be_visible()
    wait_for_htmx(page)
    row.get_by_role("link", name="Delete card").click()
    row.get_by_role("button", name="Delete card").click()
    expect(page.locator(f"#card-{card.pk}")).to_have_count(0)
    expect(page.locator("#cards-announce")).to_have_text("Card deleted.")
    assert list(ReviewCard.objects.values_list("prompt", flat=True)) == ["Keep this card"]

    page.get_by_label("State").select_option("suspended")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No cards here")).to_be_visible()
    assert _overflow(page) <= 0
