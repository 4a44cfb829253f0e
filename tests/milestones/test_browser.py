import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from apps.milestones.models import Milestone, Status
from tests.browser.helpers import wait_for_htmx


def open_row(page, title):
    """Show a row's controls, as a person does before changing it. htmx wires up the
    swapped-in controls and then focuses the status, so focus means they are ready."""
    page.get_by_role("link", name=f"Change “{title}”").click()
    expect(page.get_by_label(f"Status of “{title}”")).to_be_focused()
    wait_for_htmx(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_create_plan_from_template_mark_done_and_see_progress(page, browser_login, student):
    browser_login(page, student)

    page.goto("/plans/")
    page.get_by_role("link", name="Start from a template").click()
    page.get_by_label("First paper (12 months)").check()
    page.get_by_label("Start date").fill("2026-01-05")
    page.get_by_role("button", name="Create plan").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("First paper (12 months)")
    progress = page.locator("#progress-done")
    expect(progress).to_have_text("0 of 12 done")

    # A row shows its controls when asked, so a long plan stays a light page.
    open_row(page, "Pick a question small enough to finish")
    page.get_by_label("Status of “Pick a question small enough to finish”").select_option("done")

    expect(progress).to_have_text("1 of 12 done")
    expect(page.locator("#plan-progress")).to_contain_text("8%")
    first = Milestone.objects.get(title="Pick a question small enough to finish")
    assert first.status == Status.DONE
    assert first.completed_at is not None

    # It depends on an unfinished milestone, so it asks first and changes nothing.
    open_row(page, "Reproduce the strongest baseline")
    page.get_by_label("Status of “Reproduce the strongest baseline”").select_option("done")
    expect(page.get_by_role("alert")).to_contain_text("not finished yet: “Read the related work”")
    expect(progress).to_have_text("1 of 12 done")
    page.get_by_role("button", name="Mark done anyway").click()
    # Its template also asks for evidence, which it explains once confirmed.
    expect(page.get_by_role("alert")).to_contain_text("asks for evidence")
    page.get_by_label("Evidence link").fill("https://github.com/example/baseline")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(progress).to_have_text("2 of 12 done")
    expect(page.locator("body")).not_to_have_text(re.compile("asks for evidence"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_add_edit_reorder_and_delete_inline(page, browser_login, student):
    from tests.milestones.factories import MilestoneFactory, PlanFactory

    plan = PlanFactory(owner=student, title="Industry route")
    MilestoneFactory(
        plan=plan,
        title="Reproduce a paper",
        position=1,
        target_date=plan.start_date + dt.timedelta(days=30),
    )
    console_errors = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    browser_login(page, student)
    page.goto(f"/plans/{plan.pk}/")

    add = page.locator("#add-milestone")
    add.get_by_label("Title").fill("Write to three researchers")
    add.get_by_label("Target date").fill((plan.start_date + dt.timedelta(days=49)).isoformat())
    add.get_by_label("Success criterion").fill("Three emails sent")
    add.get_by_role("button", name="Add milestone").click()
    expect(add.get_by_role("status")).to_contain_text("Added “Write to three researchers”")
    expect(page.locator("#progress-done")).to_have_text("0 of 2 done")

    # Keyboard reorder: the moved item's button keeps focus, so pressing again keeps moving.
    open_row(page, "Write to three researchers")
    page.get_by_role("button", name="Move “Write to three researchers” up").focus()
    page.keyboard.press("Enter")
    titles = page.locator(".milestone-title")
    expect(titles.first).to_have_text("Write to three researchers")
    expect(page.get_by_role("button", name="Move “Write to three researchers” up")).to_be_focused()

    open_row(page, "Reproduce a paper")
    page.get_by_role("link", name="Edit “Reproduce a paper”").click()
    page.locator(".milestone-edit-form").get_by_label("Title").fill("Reproduce a PPO paper")
    page.locator(".milestone-edit-form").get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Reproduce a PPO paper", exact=True)).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete “Reproduce a PPO paper”").click()
    expect(page.get_by_role("link", name="Reproduce a PPO paper", exact=True)).to_have_count(0)
    expect(page.locator("#progress-done")).to_have_text("0 of 1 done")
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dependency_picker_loads_when_opened_and_the_new_milestone_depends(
    page, browser_login, student
):
    from tests.milestones.factories import MilestoneFactory, PlanFactory

    plan = PlanFactory(owner=student, title="Industry route")
    first = MilestoneFactory(plan=plan, title="Reproduce a paper")
    browser_login(page, student)
    page.goto(f"/plans/{plan.pk}/")

    add = page.locator("#add-milestone")
    # The plan page carries no checkbox per milestone until the picker is opened.
    expect(add.get_by_role("checkbox")).to_have_count(0)
    add.get_by_text("Depends on…").click()
    add.get_by_label("Reproduce a paper").check()
    add.get_by_label("Title").fill("Extend the paper")
    add.get_by_label("Target date").fill((plan.start_date + dt.timedelta(days=60)).isoformat())
    add.get_by_label("Success criterion").fill("A new result")
    add.get_by_role("button", name="Add milestone").click()

    expect(add.get_by_role("status")).to_contain_text("Added “Extend the paper”")
    added = Milestone.objects.get(title="Extend the paper")
    assert list(added.dependencies.all()) == [first]
