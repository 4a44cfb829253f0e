"""The key journey in a real browser: import a BibTeX file, mark an item read with one
click (htmx), then run a maths review session."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import FloatRect, Locator, expect

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
    page.get_by_role("button", name="Import into “RL foundations”").click()
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_card_with_a_fraction_and_a_summation_is_laid_out_as_maths(page, browser_login):
    student = UserFactory(is_student=True)
    ReviewCardFactory(
        owner=student,
        prompt=r"Simplify $\frac{a+b}{c}$ and then:",
        answer="$$\\sum_{i=1}^{n} \\frac{1}{i^2}$$",
    )
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # The live server's first response can take over 10 s on a loaded machine, beyond
    # the harness's default wait; later pages are quick.
    page.goto("/healthz", timeout=60_000)
    browser_login(page, student)

    page.goto("/reading/review/session/")
    inline = page.locator(".rl-prompt math")
    expect(inline).to_be_visible()
    page.get_by_role("button", name="Show answer").click()
    display = page.locator(".rl-answer math")
    expect(display).to_be_visible()
    Path("test-artifacts").mkdir(exist_ok=True)
    page.locator("#review-card").screenshot(path="test-artifacts/review-card-maths.png")

    line = page.locator(".rl-prompt p").evaluate("p => parseFloat(getComputedStyle(p).lineHeight)")
    numerator, denominator = (_box(page.locator(".rl-prompt mfrac > *").nth(n)) for n in (0, 1))
    upper, sigma, lower = (
        _box(page.locator(".rl-answer munderover > *").nth(n)) for n in (2, 0, 1)
    )
    summation = _box(display)
    # Laid out as maths, not as a run of letters: the numerator over the denominator,
    # the limits above and below the sum sign, and the display formula taller than a line.
    assert numerator["y"] + numerator["height"] <= denominator["y"] + 1
    assert upper["y"] + upper["height"] <= sigma["y"] + 1
    assert sigma["y"] + sigma["height"] <= lower["y"] + 1
    assert summation["height"] > 1.5 * line
    assert display.evaluate("m => getComputedStyle(m).display") == "block math"
    assert errors == []


def _box(locator: Locator) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None, locator
    return box
