"""The timeline on a phone: the milestones run down the page year by year, instead of a
drawing that would show little but its row labels; on a desktop the drawing stays."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.milestones.models import Status
from tests.milestones.factories import MilestoneFactory, PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_OVERFLOWS = "() => document.documentElement.scrollWidth > window.innerWidth"


def test_phone_lists_the_timeline_by_year_and_desktop_draws_it(page, browser_login, student):
    today = dt.date.today()
    plan = PlanFactory(owner=student, start_date=today - dt.timedelta(days=400))
    MilestoneFactory(plan=plan, title="Read the survey", target_date=today - dt.timedelta(days=30))
    MilestoneFactory(
        plan=plan,
        title="Submit to a workshop",
        target_date=today + dt.timedelta(days=400),
        status=Status.PLANNED,
    )
    browser_login(page, student)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/plans/{plan.pk}/timeline/")
    phone = page.get_by_role("list", name="Milestones by date")
    expect(phone).to_be_visible()
    expect(page.locator("svg.timeline")).to_be_hidden()
    late = phone.get_by_role("listitem").filter(has_text="Read the survey").last
    expect(late).to_contain_text("(overdue)")
    later_year = str((today + dt.timedelta(days=400)).year)
    expect(phone.get_by_role("heading", name=later_year)).to_be_visible()
    expect(phone.get_by_role("link", name="Submit to a workshop")).to_be_visible()
    assert not page.evaluate(PAGE_OVERFLOWS)

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator("svg.timeline")).to_be_visible()
    expect(phone).to_be_hidden()
