"""Forms answered through htmx leave the console clean: no CSP violation when the
server answers with errors and the fragment is swapped in."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.milestones.factories import PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_empty_add_milestone_form_shows_errors_without_console_errors(page, browser_login):
    plan = PlanFactory(start_date=dt.date(2026, 1, 5))
    browser_login(page, plan.owner)
    page.goto(f"/plans/{plan.pk}/")
    add = page.locator("#add-milestone")
    add.get_by_role("button", name="Add milestone").click()
    expect(add.get_by_text("This field is required.").first).to_be_visible()
    add.get_by_role("button", name="Add milestone").click()
    expect(add.get_by_text("This field is required.").first).to_be_visible()
