"""Helpers shared by the browser tests."""

from typing import Any

from playwright.sync_api import Page


def wait_for_htmx(page: Page) -> None:
    """Wait until htmx has finished every swap and settle, so the swapped-in controls
    carry their listeners: a key pressed or a select changed before that reaches a
    form htmx has not wired up yet (a person cannot act that fast; a test can)."""
    busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
    page.wait_for_function(f"() => !document.querySelector('{busy}')")


def open_tab(browser, live_server) -> tuple[Any, Any, list[str]]:
    """A new browser context and tab on the live server, with the console's errors and
    the page's exceptions collected in the list returned beside them."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    return context, tab, problems
