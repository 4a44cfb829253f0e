"""The papers board shows every stage inside the page, on a desktop and on a phone,
including a paper under review (beyond "Submitted")."""

import pytest

from apps.research.models import Stage
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
