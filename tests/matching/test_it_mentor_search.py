import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.matching.models import Mentorship
from tests.matching.factories import (
    CohortFactory,
    MembershipFactory,
    MentorProfileFactory,
    MentorshipFactory,
    RoundFactory,
    StudentPreferencesFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("matching:mentor_search")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_results_ranked_by_fit_with_explanation(client, student):
    StudentPreferencesFactory(
        user=student,
        interests="causal inference",
        tags="causal inference",
        preferred_cadence="weekly",
    )
    MentorProfileFactory(
        user__display_name="Far Mentor",
        research_areas="protein folding",
        topic_tags="biology",
        method_tags="",
    )
    MentorProfileFactory(
        user__display_name="Near Mentor",
        research_areas="causal inference",
        topic_tags="causal inference",
        cadence="weekly",
        capacity=5,
    )
    client.force_login(student)
    body = client.get(URL).content.decode()
    assert body.index("Near Mentor") < body.index("Far Mentor")
    assert "shares: causal inference" in body
    assert "weekly meetings as you prefer" in body
    assert "5 of 5 places free" in body


def test_full_text_search_filters_and_stems(client, student):
    MentorProfileFactory(
        user__display_name="Robot Person",
        research_areas="robotics and control",
        topic_tags="",
        method_tags="",
    )
    MentorProfileFactory(
        user__display_name="Stats Person",
        research_areas="Bayesian statistics",
        topic_tags="",
        method_tags="",
    )
    client.force_login(student)
    body = client.get(URL, {"q": "robot"}).content.decode()
    assert "Robot Person" in body
    assert "Stats Person" not in body


def test_filters_and_not_accepting_hidden_by_default(client, student):
    MentorProfileFactory(user__display_name="Closed Mentor", accepting=False)
    MentorProfileFactory(
        user__display_name="Faculty Mentor", seniority="faculty", can_supervise_phd=True
    )
    client.force_login(student)
    assert "Closed Mentor" not in client.get(URL).content.decode()
    assert "Closed Mentor" in client.get(URL, {"include_full": "on"}).content.decode()
    body = client.get(URL, {"seniority": "faculty", "phd": "on"}).content.decode()
    assert "Faculty Mentor" in body
    assert "Closed Mentor" not in body


def test_htmx_returns_only_results(client, student):
    MentorProfileFactory(user__display_name="Some Mentor")
    client.force_login(student)
    body = client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert "Some Mentor" in body
    assert "<html" not in body


def test_user_text_is_escaped(client, student):
    MentorProfileFactory(
        research_areas="<script>alert(1)</script>",
        topic_tags="<b>x</b>",
        user__display_name="<img src=x onerror=alert(1)>",
    )
    client.force_login(student)
    body = client.get(URL).content.decode()
    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;" in body


def _grow(n):
    for _ in range(n):
        profile = MentorProfileFactory()
        MentorshipFactory(mentor=profile.user, status=Mentorship.Status.ACTIVE)


def test_query_count_does_not_grow_with_mentors(client, student, django_assert_num_queries):
    client.force_login(student)
    _grow(2)
    client.get(URL)  # warm up session and caches
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    _grow(8)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(URL)


def test_mentor_profile_link_only_for_mentors(client, student):
    profile_url = reverse("matching:mentor_profile")
    client.force_login(student)
    assert f'href="{profile_url}"' not in client.get(URL).content.decode()
    student.is_mentor = True
    student.save()
    assert f'href="{profile_url}"' in client.get(URL).content.decode()


def test_current_and_requested_mentors_are_marked(client, student):
    active = MentorProfileFactory(user__display_name="Current Mentor")
    pending = MentorProfileFactory(user__display_name="Asked Mentor")
    ended = MentorProfileFactory(user__display_name="Former Mentor")
    MentorProfileFactory(user__display_name="New Mentor")
    MentorshipFactory(student=student, mentor=active.user, status=Mentorship.Status.ACTIVE)
    MentorshipFactory(student=student, mentor=pending.user, status=Mentorship.Status.PENDING)
    MentorshipFactory(student=student, mentor=ended.user, status=Mentorship.Status.ENDED)
    # Another student's mentorship marks nothing for this one.
    MentorshipFactory(mentor=ended.user, status=Mentorship.Status.ACTIVE)
    client.force_login(student)
    body = client.get(URL, {"include_full": "on"}).content.decode()
    cards = {c.split("</a></h2>")[0].rsplit(">", 1)[1]: c for c in body.split("mentor-card")[1:]}
    assert "Already your mentor" in cards["Current Mentor"]
    assert "Request sent" in cards["Asked Mentor"]
    for name in ("Former Mentor", "New Mentor"):
        assert "Already your mentor" not in cards[name]
        assert "Request sent" not in cards[name]
    assert "Request sent" not in cards["Current Mentor"]


def test_open_round_is_linked_for_its_students_only(client, student):
    cohort = CohortFactory(name="Spring cohort")
    MembershipFactory(cohort=cohort, user=student, role="student")
    open_round = RoundFactory(cohort=cohort, status="open", name="Spring round")
    RoundFactory(cohort=cohort, status="draft", name="Later round")
    RoundFactory(cohort=cohort, status="open", collect_choices=False, name="Fit-only round")
    RoundFactory(status="open", name="Elsewhere round")
    client.force_login(student)
    body = client.get(URL).content.decode()
    assert reverse("matching:round_choices", args=[open_round.pk]) in body
    assert "Spring round" in body
    for other in ("Later round", "Fit-only round", "Elsewhere round"):
        assert other not in body


def test_query_count_does_not_grow_with_own_mentorships_or_rounds(
    client, student, django_assert_num_queries
):
    def grow(n):
        for _ in range(n):
            profile = MentorProfileFactory()
            MentorshipFactory(student=student, mentor=profile.user, status="pending")
            cohort = CohortFactory()
            MembershipFactory(cohort=cohort, user=student, role="student")
            RoundFactory(cohort=cohort, status="open")

    client.force_login(student)
    grow(1)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    grow(5)
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(URL).content.decode()
    assert body.count("Request sent") == 6
