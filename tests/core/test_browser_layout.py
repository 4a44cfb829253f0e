"""The site header on a phone and on a desktop: every page of the navigation can be
reached at 375 px through the menu button, and at 1280 px the header stays on one line
whatever the length of the person's name."""

import pytest

from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def _overflow(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_phone_navigation_opens_from_the_menu_button(page, browser_login):
    student = UserFactory(is_student=True, display_name="Priya Patel")
    page.set_viewport_size(PHONE)
    browser_login(page, student)

    menu = page.get_by_role("button", name="Menu")
    papers = page.get_by_role("navigation", name="Main").get_by_role("link", name="Papers")
    assert menu.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"
    assert not papers.is_visible()
    assert _overflow(page) <= 0

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert papers.is_visible()
    links = page.get_by_role("navigation", name="Main").get_by_role("link").all()
    assert len(links) >= 6
    for link in links:
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    assert _overflow(page) <= 0

    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not papers.is_visible()

    menu.click()
    papers.click()
    page.wait_for_url("**/research/**")
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "false"


def test_desktop_header_stays_on_one_line_with_a_long_name(page, browser_login):
    person = UserFactory(is_student=True, is_mentor=True, display_name="Alexandra Ro")
    browser_login(page, person)

    assert not page.get_by_role("button", name="Menu").is_visible()
    brand = page.locator(".brand").bounding_box()
    account = page.get_by_role("navigation", name="Account").bounding_box()
    items = [li.bounding_box() for li in page.locator(".main-nav li").all()]
    assert len(items) >= 8
    assert brand is not None
    assert account is not None
    middle = brand["y"] + brand["height"] / 2
    for box in [*items, account]:
        assert box is not None
        assert box["y"] <= middle <= box["y"] + box["height"], box

    # The name opens the account menu with settings and sign-out.
    page.get_by_text("Alexandra Ro", exact=True).click()
    sign_out = page.get_by_role("button", name="Sign out")
    assert sign_out.is_visible()
    sign_out.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Sign in").first.is_visible()


def _luminance(rgb: str) -> float:
    channels = [int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_keyboard_focus_ring_stands_out_from_the_page(page, browser_login):
    browser_login(page, UserFactory(is_student=True, display_name="Priya Patel"))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert _contrast(ring, background) >= 3
