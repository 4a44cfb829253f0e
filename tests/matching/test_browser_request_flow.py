"""Journey: a student finds a mentor and asks; the mentor accepts; both see it."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorProfileFactory, StudentPreferencesFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_student_requests_mentor_accepts_both_see_it(page, browser, live_server, browser_login):
    student = UserFactory(is_student=True, display_name="Stella Student")
    StudentPreferencesFactory(
        user=student, interests="policy-gradient methods", tags="RL", preferred_cadence="weekly"
    )
    mentor = MentorProfileFactory(
        user=UserFactory(is_mentor=True, display_name="Marco Mentor"),
        research_areas="Policy-gradient methods for robotics",
        cadence="weekly",
        capacity=2,
    ).user

    browser_login(page, student)
    page.goto("/mentors/")
    card = page.locator("article", has_text="Marco Mentor")
    expect(card).to_contain_text("weekly meetings as you prefer")
    card.get_by_role("link", name="Marco Mentor").click()
    page.get_by_label("Message").fill("I'd love guidance on my first RL paper.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Request sent to Marco Mentor.")).to_be_visible()
    expect(page.locator("article", has_text="Marco Mentor")).to_contain_text("Requested")

    mentor_context = browser.new_context(base_url=live_server.url)
    mentor_page = mentor_context.new_page()
    mentor_page.set_default_timeout(10_000)
    browser_login(mentor_page, mentor)
    mentor_page.goto("/mentors/mentorships/")
    request_card = mentor_page.locator("article", has_text="Stella Student")
    expect(request_card).to_contain_text("I'd love guidance on my first RL paper.")
    request_card.get_by_label(re.compile("Note to Stella Student")).fill("Welcome aboard!")
    request_card.get_by_role("button", name="Accept").click()
    expect(mentor_page.get_by_text("You now mentor Stella Student.")).to_be_visible()
    expect(mentor_page.get_by_role("link", name="Private notes")).to_be_visible()
    mentor_context.close()

    page.goto("/mentors/mentorships/")
    mine = page.locator("article", has_text="Marco Mentor")
    expect(mine).to_contain_text("Active")
    expect(mine).to_contain_text("Welcome aboard!")
    # The sharing toggle saves through htmx without a page load.
    mine.get_by_label("Reading and maths review").check()
    expect(mine.get_by_text("Saved.")).to_be_visible()
    from apps.matching.models import Mentorship

    saved = Mentorship.objects.get(student=student, mentor=mentor)
    assert (saved.status, saved.share_plan, saved.share_reading) == ("active", True, True)
