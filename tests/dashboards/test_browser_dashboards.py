"""Key journeys in Chromium: a mentor triages and comments; a student's progress
shows up in the mentor's table."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.milestones.models import Milestone, MilestoneComment
from tests.accounts.factories import UserFactory
from tests.browser.helpers import wait_for_htmx
from tests.dashboards.factories import fill_student_data, give_mentees, make_students

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row_names(page) -> list[str]:
    return [
        t.strip() for t in page.locator("#mentee-table tbody th[scope=row]").all_text_contents()
    ]


def test_mentor_sorts_opens_a_mentee_and_comments(page, browser_login):
    mentor = UserFactory(is_mentor=True, display_name="Demo Mentor")
    calm = make_students(1, prefix="alice")
    worried = make_students(1, prefix="zoe")
    give_mentees(mentor, calm + worried)
    fill_student_data(calm, overdue=0)
    fill_student_data(worried, overdue=4, milestones=6)

    browser_login(page, mentor)
    page.get_by_role("link", name="My mentees").click()
    page.wait_for_load_state("networkidle")
    # Most worrying first by default.
    assert _row_names(page)[0] == worried[0].display_name

    page.locator("#mentee-table thead a[data-sort=name]").click()
    page.wait_for_url("**sort=name**")
    page.wait_for_load_state("networkidle")
    assert _row_names(page) == [calm[0].display_name, worried[0].display_name]
    assert page.locator("th[aria-sort=ascending]").count() == 1

    page.locator("#mentee-table").get_by_role("link", name=worried[0].display_name).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).text_content().strip() == worried[0].display_name

    milestone = Milestone.objects.filter(plan__owner=worried[0]).order_by("target_date").first()
    page.get_by_label("Milestone", exact=True).select_option(str(milestone.pk))
    page.get_by_label("Comment", exact=True).fill("Let us talk about the overdue ones on Friday.")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Let us talk about the overdue ones on Friday.").is_visible()
    comment = MilestoneComment.objects.get()
    assert (comment.author_id, comment.milestone_id) == (mentor.pk, milestone.pk)


def test_student_marks_done_and_mentor_table_reflects_it(page, browser, live_server, browser_login):
    mentor = UserFactory(is_mentor=True, display_name="Demo Mentor")
    student = UserFactory(is_student=True, display_name="Demo Student")
    give_mentees(mentor, [student])
    fill_student_data([student], milestones=4, overdue=1, done=1)
    open_one = Milestone.objects.filter(plan__owner=student, status="planned").order_by("pk").last()

    # The student marks a milestone done with the plans app's own status control.
    browser_login(page, student)
    page.goto(reverse("milestones:plan_detail", args=[open_one.plan_id]))
    page.get_by_role("link", name=f"Change “{open_one.title}”").click()
    status = page.get_by_label(f"Status of “{open_one.title}”")
    expect(status).to_be_focused()
    wait_for_htmx(page)
    with page.expect_response(lambda r: "/status/" in r.url and r.status == 200):
        status.select_option("done")
    open_one.refresh_from_db()
    assert open_one.status == "done"

    mentor_context = browser.new_context(base_url=live_server.url)
    mentor_context.set_default_timeout(10_000)
    try:
        tab = mentor_context.new_page()
        browser_login(tab, mentor)
        tab.goto(reverse("dashboards:mentor"))
        row = tab.locator(f"tr[data-student='{student.pk}']")
        assert "2/4" in row.inner_text()
    finally:
        mentor_context.close()
