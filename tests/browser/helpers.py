"""Helpers shared by the browser tests."""

from playwright.sync_api import Page


def wait_for_htmx(page: Page) -> None:
    """Wait until htmx has finished every swap and settle, so the swapped-in controls
    carry their listeners: a key pressed or a select changed before that reaches a
    form htmx has not wired up yet (a person cannot act that fast; a test can)."""
    busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
    page.wait_for_function(f"() => !document.querySelector('{busy}')")
