"""axe-core finds no WCAG 2.1 A/AA violation on any page a person reaches, as a student,
a mentor, a coordinator and a visitor who has not signed up, on a desktop and on a phone.

The pages are those the link crawl reaches from each person's home, over the demo
programme (plans, papers, reading lists, a review deck, mentees, a matching round), so
a page with data is checked, not only its empty state."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User
from apps.core.demo import DEMO_COORDINATOR, DEMO_MENTOR, DEMO_PASSWORD, DEMO_STUDENT
from tests.browser.crawl import reachable_pages
from tests.browser.helpers import wait_for_htmx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# The pages of each role's week that the crawl must reach, so a broken link or a
# renamed route cannot quietly shrink what is checked.
EXPECTED = {
    DEMO_STUDENT: ["/home/", "/plans/", "/research/papers/", "/reading/", "/reading/review/"],
    DEMO_MENTOR: ["/home/", "/dashboards/mentor/", "/dashboards/mentor/mentees/"],
    DEMO_COORDINATOR: ["/home/", "/dashboards/coordinator/", "/mentors/programmes/"],
    None: ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"],
}

NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

# axe-core as the package bundles it, put into each page once and run at both widths.
AXE_SCRIPT = Axe().axe_script
RUN_AXE = "options => axe.run(document, options)"


def _violations(tab, url: str) -> list[str]:
    found = []
    tab.evaluate(AXE_SCRIPT)
    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 900})
        # Let the page answer the resize (tables that now scroll become focusable) as
        # it would long before a person could act.
        tab.evaluate(NEXT_FRAMES)
        menu = tab.get_by_role("button", name="Menu")
        if width < 700 and menu.is_visible():
            menu.click()  # the navigation's links are checked as the phone shows them
        results = tab.evaluate(RUN_AXE, AXE_OPTIONS)
        for violation in results["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            found.append(f"{violation['id']} on {url} at {width} px: {'; '.join(targets[:5])}")
    return found


@pytest.mark.parametrize("email", [DEMO_STUDENT, DEMO_MENTOR, DEMO_COORDINATOR, None])
def test_no_page_has_an_accessibility_violation(page, browser_login, email):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client()
    if email:
        person = User.objects.get(email=email)
        client.force_login(person)
        browser_login(page, person, password=DEMO_PASSWORD)
    pages = reachable_pages(client, "/home/" if email else "/")
    for expected in EXPECTED[email]:
        assert any(url.startswith(expected) for url in pages), (expected, pages)

    found: list[str] = []
    for url in pages:
        page.goto(url)
        found += _violations(page, url)
    assert not found, f"{len(found)} violations on {len(pages)} pages:\n" + "\n".join(found)


def _states_violations(tab, states) -> list[str]:
    found: list[str] = []
    for name, reach in states:
        tab.set_viewport_size({"width": WIDTHS[0], "height": 900})
        reach(tab)
        wait_for_htmx(tab)
        found += _violations(tab, name)
    return found


def _submit_empty(url: str, button: str):
    def reach(tab) -> None:
        tab.goto(url)
        # Past the browser's own checks, so the page shows the server's error messages.
        tab.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
        tab.locator("main").get_by_role("button", name=button, exact=True).last.click()
        tab.wait_for_load_state("networkidle")
        wait_for_htmx(tab)
        assert tab.locator(".errorlist").count(), f"{url}: no error shown"

    return reach


def _open_first(url: str, role: str, name: str):
    def reach(tab) -> None:
        tab.goto(url)
        tab.locator("main").get_by_role(role, name=name).first.click()
        tab.wait_for_load_state("networkidle")

    return reach


def test_forms_with_errors_and_opened_panels_have_no_violation(page, browser_login):
    """What the crawl does not reach by links: a form sent empty (its error messages and
    their links to the fields), a row opened for editing, a card's answer, the account menu."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    found = _states_violations(
        page,
        [
            ("sign-up sent empty", _submit_empty("/accounts/signup/", "Sign Up")),
            ("log-in sent empty", _submit_empty("/accounts/login/", "Sign In")),
        ],
    )
    student = User.objects.get(email=DEMO_STUDENT)
    browser_login(page, student, password=DEMO_PASSWORD)
    plan = f"/plans/{student.plans.get(is_primary=True).pk}/"

    def account_menu(tab) -> None:
        tab.goto("/home/")
        tab.get_by_text(student.name, exact=True).click()

    found += _states_violations(
        page,
        [
            ("account menu", account_menu),
            ("new milestone sent empty", _submit_empty(plan, "Add milestone")),
            ("milestone opened to change", _open_first(plan, "link", "Change")),
            ("a card's answer", _open_first("/reading/review/session/", "button", "Show answer")),
            ("new draft sent empty", _submit_empty("/research/papers/new/", "Add draft")),
        ],
    )
    assert not found, "\n".join(found)


def test_a_table_wider_than_a_phone_can_be_scrolled_from_the_keyboard(page, browser_login, student):
    browser_login(page, student)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/plans/templates/builtin-research-scientist/")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
    assert wrap.get_attribute("tabindex") == "0"
    assert wrap.get_attribute("role") == "region"
    assert wrap.get_attribute("aria-label") == page.locator("h1").inner_text().strip()
    wrap.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.table-wrap').scrollLeft > 0")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.evaluate(NEXT_FRAMES)
    assert wrap.get_attribute("tabindex") is None
    assert wrap.get_attribute("role") is None
