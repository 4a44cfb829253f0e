"""Journey: after a meeting the mentee follows the prompt and answers in a few clicks;
the coordinator sees the answer and the note on the programme page."""

import pytest
from playwright.sync_api import expect

from apps.meetings.models import MeetingFeedback
from tests.accounts.factories import UserFactory
from tests.core.test_browser_accessibility import _violations
from tests.matching.factories import CohortFactory, MembershipFactory, MentorshipFactory
from tests.meetings.feedback_factories import MeetingFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_mentee_gives_feedback_and_the_coordinator_sees_it(
    page, browser, live_server, browser_login
):
    coordinator = UserFactory(is_coordinator=True, display_name="Cora Coordinator")
    cohort = CohortFactory(programme__coordinator=coordinator)
    mentorship = MentorshipFactory(
        student=UserFactory(is_student=True, display_name="Stella Student"),
        mentor=UserFactory(is_mentor=True, display_name="Marco Mentor"),
    )
    MembershipFactory(cohort=cohort, user=mentorship.student, role="student")
    MembershipFactory(cohort=cohort, user=mentorship.mentor, role="mentor")
    MeetingFactory(mentorship=mentorship, purpose="Related-work section", agenda="AGENDA-SECRET")

    browser_login(page, mentorship.student)
    page.goto("/meetings/")
    page.get_by_role("link", name="How was this meeting? Answer in 30 seconds").click()
    expect(
        page.get_by_role("heading", name="How was your meeting with Marco Mentor?")
    ).to_be_visible()
    # axe-core at 1280 and 375 px, then the answer is given at 1280 px.
    assert _violations(page, "feedback form") == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("radio", name="4").check()
    page.get_by_role("radio", name="Still deciding").check()
    page.get_by_label("Private note to the programme's coordinator (optional)").fill(
        "Helpful, but we rarely agree on times."
    )
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you: your feedback is saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Update feedback")).to_be_visible()
    answer = MeetingFeedback.objects.get(author=mentorship.student)
    assert (answer.useful, answer.fit) == (4, "deciding")

    page.goto("/meetings/")
    expect(page.get_by_text("How was this meeting? Answer in 30 seconds")).to_have_count(0)

    coordinator_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    coordinator_page = coordinator_context.new_page()
    coordinator_page.set_default_timeout(10_000)
    browser_login(coordinator_page, coordinator)
    coordinator_page.goto(f"/dashboards/coordinator/programmes/{cohort.programme_id}/")
    row = coordinator_page.locator("tr", has_text="Stella Student").filter(has_text="Marco Mentor")
    expect(row).to_contain_text("Helpful, but we rarely agree on times.")
    expect(row.get_by_text("mentee: Still deciding, useful 4/5")).to_be_attached()
    expect(coordinator_page.locator("body")).not_to_contain_text("AGENDA-SECRET")
    assert _violations(coordinator_page, "programme page") == []
    coordinator_context.close()
