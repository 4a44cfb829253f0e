"""The milestone status select saves a committed choice, not every arrow-key step."""

import pytest
from playwright.sync_api import expect

from apps.milestones.models import Milestone, Status
from tests.browser.helpers import wait_for_htmx
from tests.milestones.factories import MilestoneFactory, PlanFactory
from tests.milestones.test_browser import open_row

TITLE = "Read the related work"


def _is_status_post(request) -> bool:
    return request.method == "POST" and request.url.endswith("/status/")


def _status_posts(page) -> list[str]:
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if _is_status_post(r) else None)
    return posts


def _saved_once(page, posts: list[str], milestone: Milestone, commit) -> None:
    """``commit()`` sends one status post, which saves the milestone as in progress."""
    with page.expect_request(_is_status_post):
        commit()
    wait_for_htmx(page)
    assert len(posts) == 1
    assert Milestone.objects.get(pk=milestone.pk).status == Status.IN_PROGRESS


def _open_status(page, browser_login, student) -> tuple[Milestone, list[str]]:
    """A planned milestone's row opened on its plan, and the status posts recorded from
    then on."""
    plan = PlanFactory(owner=student)
    milestone = MilestoneFactory(plan=plan, title=TITLE, status=Status.PLANNED)
    browser_login(page, student)
    page.goto(f"/plans/{plan.pk}/")
    open_row(page, TITLE)
    return milestone, _status_posts(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_arrow_keys_browse_and_enter_saves_once(page, browser_login, student):
    milestone, posts = _open_status(page, browser_login, student)
    select = page.get_by_label(f"Status of “{TITLE}”")

    select.focus()
    page.keyboard.press("ArrowDown")  # In progress
    page.keyboard.press("ArrowDown")  # Done
    expect(select).to_have_value("done")
    page.wait_for_timeout(600)
    assert posts == []
    assert Milestone.objects.get(pk=milestone.pk).status == Status.PLANNED

    page.keyboard.press("ArrowUp")  # back to In progress, then committed
    _saved_once(page, posts, milestone, lambda: page.keyboard.press("Enter"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leaving_the_select_commits_and_escape_puts_the_choice_back(page, browser_login, student):
    milestone, posts = _open_status(page, browser_login, student)
    select = page.get_by_label(f"Status of “{TITLE}”")

    select.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(select).to_have_value("planned")
    page.keyboard.press("Tab")
    page.wait_for_timeout(600)
    assert posts == []

    select.focus()
    page.keyboard.press("ArrowDown")
    _saved_once(page, posts, milestone, lambda: page.keyboard.press("Tab"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_choice_picked_from_the_list_saves_at_once(page, browser_login, student):
    milestone, posts = _open_status(page, browser_login, student)

    select = page.get_by_label(f"Status of “{TITLE}”")
    _saved_once(page, posts, milestone, lambda: select.select_option("in_progress"))
