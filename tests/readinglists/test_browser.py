"""The key journey in a real browser: import a BibTeX file, mark an item read with one
click (htmx), then run a maths review session."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.readinglists.models import Progress, ReviewLog
from tests.accounts.factories import UserFactory
from tests.readinglists.factories import ReadingListFactory, ReviewCardFactory

RECORDED = Path(__file__).parent / "recorded"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_mark_read_and_review(page, browser_login):
    student = UserFactory(is_student=True, display_name="Bea Browser")
    reading_list = ReadingListFactory(owner=student, title="RL foundations")
    ReviewCardFactory(owner=student, prompt="Define the KL divergence", answer="Σ p log(p/q)")
    ReviewCardFactory(owner=student, prompt="State Bayes' rule", answer="posterior ∝ lik * prior")
    browser_login(page, student)

    page.goto(f"/reading/lists/{reading_list.pk}/")
    page.get_by_role("link", name="Import BibTeX / DOIs").click()
    page.get_by_label("BibTeX file (.bib)").set_input_files(str(RECORDED / "sample.bib"))
    page.get_by_role("button", name="Preview import").click()
    expect(page.get_by_text("5 to add")).to_be_visible()
    expect(page.get_by_role("cell", name="Über die Entwicklung zufälliger Graphen")).to_be_visible()
    page.get_by_role("button", name="Import 5 items").click()
    expect(page.get_by_text("Imported 5 items.")).to_be_visible()

    row = page.locator("tr", has_text="Human-level control through deep")
    mark_read = row.get_by_role("button", name=re.compile(r"as read$"))
    expect(mark_read).to_have_attribute("aria-pressed", "false")
    mark_read.click()
    # htmx swapped the control in place: the same button is now pressed.
    expect(mark_read).to_have_attribute("aria-pressed", "true")
    assert page.url.endswith(f"/reading/lists/{reading_list.pk}/")
    assert Progress.objects.get(user=student).status == "read"

    page.goto("/reading/review/session/")
    for grade in ("Good", "Easy"):
        page.get_by_role("button", name="Show answer").click()
        expect(page.get_by_role("button", name=grade)).to_be_visible()
        page.get_by_role("button", name=grade).click()
    expect(page.get_by_text("All done for now")).to_be_visible()
    assert ReviewLog.objects.filter(user=student).count() == 2
