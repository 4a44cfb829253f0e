import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory
from tests.matching.factories import (
    CohortFactory,
    MembershipFactory,
    MentorProfileFactory,
    MentorshipFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("matching:mentorship_list")


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code == 302


def test_student_sees_own_mentorships_not_others(client, student, mentor):
    MentorshipFactory(student=student, mentor=mentor)
    other = MentorshipFactory(mentor__display_name="Someone Else's Mentor")
    client.force_login(student)
    body = client.get(URL).content.decode()
    assert mentor.name in body
    assert "What " + mentor.name + " sees" in body
    assert other.mentor.name not in body
    assert other.student.name not in body


def test_mentor_sees_requests_with_messages_and_mentees(client, student, mentor):
    MentorProfileFactory(user=mentor, capacity=3)
    MentorshipFactory(student=student, mentor=mentor, status="pending", message="<script>x")
    MentorshipFactory(mentor=mentor, student__display_name="Active Mentee")
    client.force_login(mentor)
    body = client.get(URL).content.decode()
    assert "Requests waiting for you" in body
    assert "&lt;script&gt;x" in body
    assert "Active Mentee" in body
    assert "1 of 3 places taken" in body


def test_query_count_constant(client, mentor, django_assert_num_queries):
    MentorProfileFactory(user=mentor)
    client.force_login(mentor)
    MentorshipFactory(mentor=mentor, status="pending")
    MentorshipFactory(mentor=mentor)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for _ in range(4):
        MentorshipFactory(mentor=mentor, status="pending")
        MentorshipFactory(mentor=mentor, status="ended")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(URL)


@pytest.fixture
def pending(student, mentor):
    MentorProfileFactory(user=mentor, capacity=1)
    return MentorshipFactory(student=student, mentor=mentor, status="pending")


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_only_the_mentor_can_answer(client, pending, student, action):
    url = reverse(f"matching:mentorship_{action}", args=[pending.pk])
    for outsider in (student, UserFactory(is_mentor=True)):
        client.force_login(outsider)
        assert client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_mentor_accepts(client, pending, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("matching:mentorship_accept", args=[pending.pk]), {"note": "Welcome"}, follow=True
    )
    pending.refresh_from_db()
    assert pending.status == "active"
    assert "You now mentor" in response.content.decode()


def test_accept_over_capacity_shows_error_and_changes_nothing(client, pending, mentor):
    MentorshipFactory(mentor=mentor)
    client.force_login(mentor)
    response = client.post(reverse("matching:mentorship_accept", args=[pending.pk]), follow=True)
    assert "at capacity" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_mentor_declines_with_note(client, pending, mentor):
    client.force_login(mentor)
    client.post(reverse("matching:mentorship_decline", args=[pending.pk]), {"note": "Sorry"})
    pending.refresh_from_db()
    assert (pending.status, pending.response_note) == ("declined", "Sorry")


def test_student_withdraws_but_others_cannot(client, pending, student):
    url = reverse("matching:mentorship_withdraw", args=[pending.pk])
    client.force_login(UserFactory(is_student=True))
    assert client.post(url).status_code == 404
    client.force_login(student)
    client.post(url)
    pending.refresh_from_db()
    assert pending.status == "withdrawn"


def test_end_needs_reason_and_a_party(client, student, mentor):
    m = MentorshipFactory(student=student, mentor=mentor)
    url = reverse("matching:mentorship_end", args=[m.pk])
    client.force_login(UserFactory())
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(student)
    response = client.post(url, {"reason": ""}, follow=True)
    assert "give a reason" in response.content.decode()
    m.refresh_from_db()
    assert m.status == "active"
    client.post(url, {"reason": "Moving on"})
    m.refresh_from_db()
    assert m.status == "ended"


def test_sharing_toggle_by_mentee_only(client, student, mentor):
    m = MentorshipFactory(student=student, mentor=mentor)
    url = reverse("matching:mentorship_sharing", args=[m.pk])
    for outsider in (mentor, UserFactory(is_student=True)):
        client.force_login(outsider)
        assert client.post(url, {"areas": ["reading"]}).status_code == 404
    m.refresh_from_db()
    assert (m.share_plan, m.share_reading) == (True, False)
    client.force_login(student)
    response = client.post(url, {"areas": ["reading", "papers"]}, headers={"HX-Request": "true"})
    assert "Saved." in response.content.decode()
    assert "<html" not in response.content.decode()
    m.refresh_from_db()
    assert (m.share_plan, m.share_reading, m.share_papers) == (False, True, True)
    assert Mentorship.objects.get(pk=m.pk).shares("papers")


def test_student_is_pointed_to_a_round_collecting_choices(client, student):
    cohort = CohortFactory()
    MembershipFactory(cohort=cohort, user=student, role="student")
    open_round = RoundFactory(cohort=cohort, status="open", name="Autumn round")
    choices_url = reverse("matching:round_choices", args=[open_round.pk])
    client.force_login(student)
    assert choices_url in client.get(URL).content.decode()
    open_round.status = "done"
    open_round.save()
    assert choices_url not in client.get(URL).content.decode()


def test_mentor_in_a_cohort_is_not_asked_to_rank(client, mentor):
    cohort = CohortFactory()
    MembershipFactory(cohort=cohort, user=mentor, role="mentor")
    open_round = RoundFactory(cohort=cohort, status="open")
    client.force_login(mentor)
    body = client.get(URL).content.decode()
    assert reverse("matching:round_choices", args=[open_round.pk]) not in body
