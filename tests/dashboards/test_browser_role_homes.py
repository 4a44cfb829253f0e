"""The mentor's and the coordinator's home over the demo programme, on a desktop and on a
phone: every section renders and nothing overflows sideways."""

import io
import os

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.core.demo import DEMO_COORDINATOR, DEMO_MENTOR, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 375]
MENTOR_SECTIONS = [
    "Requests waiting",
    "Mentees who need you",
    "Milestones due this week",
    "Check-ins",
    "Comments waiting for you",
]
COORDINATOR_PARTS = ["Matching rounds", "Without a mentor", "Pairs flagged", "Invitations waiting"]


def _open_home(page, browser_login, email: str, width: int) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, User.objects.get(email=email), password=DEMO_PASSWORD)
    page.goto("/home/")
    page.wait_for_load_state("networkidle")


def _assert_fits(page, selector: str, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    for box in (el.bounding_box() for el in page.locator(selector).all()):
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width


def _keep(page, name: str) -> None:
    os.makedirs("test-artifacts", exist_ok=True)
    page.screenshot(path=f"test-artifacts/{name}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_mentor_home_shows_the_week_without_overflow(page, browser_login, width):
    _open_home(page, browser_login, DEMO_MENTOR, width)
    home = page.locator("#mentor-home")
    assert home.get_by_role("heading", name="Mentoring this week").is_visible()
    for name in MENTOR_SECTIONS:
        assert home.get_by_role("heading", name=name, exact=True).is_visible(), name
    # The demo requests wait, one close to expiring; the demo student is flagged.
    assert home.locator("#mentor-requests li").count() == 2
    assert home.get_by_text("expires in 2 days").is_visible()
    assert home.locator("#mentor-flagged li").count() >= 1
    # The demo student's answer to the mentor's comment is waiting.
    assert home.locator("#mentor-comments li").count() == 1
    _assert_fits(page, "#mentor-home .card", width)
    _keep(page, f"mentor-home-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_home_shows_each_programme_without_overflow(page, browser_login, width):
    _open_home(page, browser_login, DEMO_COORDINATOR, width)
    home = page.locator("#coordinator-home")
    assert home.get_by_role("heading", name="Your programmes this week").is_visible()
    programme = home.locator(".role-home-programme").first
    for name in COORDINATOR_PARTS:
        assert programme.get_by_role("heading", name=name, exact=True).is_visible(), name
    assert programme.get_by_text("26 of 30 students ranked mentors").is_visible()
    assert programme.get_by_text("to join a cohort").is_visible()
    _assert_fits(page, "#coordinator-home .card, #coordinator-home .role-home-part", width)
    _keep(page, f"coordinator-home-{width}")
