"""The papers board shows every stage inside the page, on a desktop and on a phone,
including a paper under review (beyond "Submitted")."""

import pytest
from playwright.sync_api import expect

from apps.research.models import Stage
from tests.browser.helpers import wait_for_htmx
from tests.research.factories import DraftFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_every_stage_fits_the_page(page, browser_login, student, width):
    DraftFactory(owner=student, title="Under review paper", stage=Stage.UNDER_REVIEW)
    DraftFactory(owner=student, title="Early idea", stage=Stage.IDEA)
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, student)

    page.goto("/research/papers/")

    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    board = page.locator(".board")
    assert board.evaluate("b => b.scrollWidth - b.clientWidth") <= 0
    columns = page.locator(".board-column").all()
    assert len(columns) == len(Stage)
    for column in columns:
        box = column.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
    assert page.get_by_text("Under review paper").is_visible()


def _drag(page, card, stage: str) -> None:
    # Take the card by its top corner: its title link and buttons keep their clicks.
    box = card.bounding_box()
    assert box is not None
    card.drag_to(
        page.locator(f'.board-cards[data-stage="{stage}"]'),
        source_position={"x": box["width"] - 6, "y": 4},
    )


def test_drag_a_paper_to_another_stage_and_the_buttons_still_work(page, browser_login, student):
    draft = DraftFactory(owner=student, title="Sparse rewards", stage=Stage.IDEA)
    DraftFactory(owner=student, title="Dense insights", stage=Stage.SUBMITTED)
    browser_login(page, student)
    page.goto("/research/papers/")
    card = page.locator(f"#draft-{draft.pk}")

    _drag(page, card, Stage.DRAFTING)

    expect(page.locator("#board-status")).to_have_text("Moved “Sparse rewards” to Drafting.")
    drafting = page.locator(f'.board-cards[data-stage="{Stage.DRAFTING}"]')
    expect(drafting.locator(f"#draft-{draft.pk}")).to_be_visible()
    draft.refresh_from_db()
    assert draft.stage == Stage.DRAFTING
    assert list(draft.stage_changes.values_list("from_stage", "to_stage")) == [
        ("", Stage.IDEA),
        (Stage.IDEA, Stage.DRAFTING),
    ]
    page.reload()
    expect(drafting.locator(f"#draft-{draft.pk}")).to_contain_text("Sparse rewards")
    expect(page.locator(f'.board-cards[data-stage="{Stage.IDEA}"] .board-card')).to_have_count(0)

    # The keyboard buttons still move it, and the board they bring back can be dragged on.
    page.get_by_role("button", name="Move “Sparse rewards” to Internal review").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#board-status")).to_have_text("Moved “Sparse rewards” to Internal review.")
    wait_for_htmx(page)
    _drag(page, page.locator(f"#draft-{draft.pk}"), Stage.PUBLISHED)
    expect(page.locator("#board-status")).to_have_text("Moved “Sparse rewards” to Published.")
    draft.refresh_from_db()
    assert draft.stage == Stage.PUBLISHED
    expect(page.locator("#board-error")).to_be_hidden()


def test_a_refused_move_puts_the_card_back_with_the_reason(page, browser_login, student):
    draft = DraftFactory(owner=student, title="Sparse rewards", stage=Stage.OUTLINE)
    browser_login(page, student)
    page.goto("/research/papers/")
    outline = page.locator(f'.board-cards[data-stage="{Stage.OUTLINE}"]')
    # A stage the server does not know, as a stale or tampered page would send.
    page.locator(f'.board-cards[data-stage="{Stage.ACCEPTED}"]').evaluate(
        "list => list.dataset.stage = 'nowhere'"
    )

    _drag(page, page.locator(f"#draft-{draft.pk}"), "nowhere")

    error = page.get_by_role("alert")
    expect(error).to_have_text(
        "“Sparse rewards” cannot move there: choose one of the listed stages."
    )
    expect(outline.locator(f"#draft-{draft.pk}")).to_be_visible()
    draft.refresh_from_db()
    assert draft.stage == Stage.OUTLINE

    # The next move that works clears the message.
    _drag(page, page.locator(f"#draft-{draft.pk}"), Stage.DRAFTING)
    expect(page.locator("#board-status")).to_have_text("Moved “Sparse rewards” to Drafting.")
    expect(page.locator("#board-error")).to_be_hidden()


def test_a_paper_deleted_elsewhere_goes_back_with_a_message(
    browser, live_server, browser_login, student
):
    # Its own tab: the refused request is a 404 that the console reports, and only that.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    gone = DraftFactory(owner=student, title="Deleted elsewhere", stage=Stage.OUTLINE)
    browser_login(tab, student)
    tab.goto("/research/papers/")

    card = tab.locator(f"#draft-{gone.pk}")
    gone.delete()
    _drag(tab, card, Stage.DRAFTING)

    expect(tab.get_by_role("alert")).to_have_text(
        "“Deleted elsewhere” could not be moved: reload the page and try again."
    )
    outline = tab.locator(f'.board-cards[data-stage="{Stage.OUTLINE}"]')
    expect(outline.locator(".board-card")).to_have_count(1)
    expect(outline).to_contain_text("Deleted elsewhere")
    context.close()
    assert problems, "the refused request is in the console"
    assert all("404" in problem for problem in problems), problems
