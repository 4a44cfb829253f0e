import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.matching.models import Cohort, CohortInvitation, MatchingRound, Programme, ProposedPair
from tests.accounts.factories import UserFactory
from tests.matching.factories import (
    CohortFactory,
    MembershipFactory,
    MentorProfileFactory,
    ProgrammeFactory,
    RoundFactory,
    StudentPreferencesFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(coordinator):
    cohort = CohortFactory(programme=ProgrammeFactory(coordinator=coordinator, name="Mine"))
    for areas in ("reinforcement learning", "causal inference"):
        prefs = StudentPreferencesFactory(interests=areas)
        MembershipFactory(cohort=cohort, user=prefs.user, role="student")
        profile = MentorProfileFactory(research_areas=areas, capacity=1)
        MembershipFactory(cohort=cohort, user=profile.user, role="mentor")
    return cohort


@pytest.fixture
def matching_round(cohort):
    return RoundFactory(cohort=cohort)


def _coordinator_urls(cohort, matching_round, pair_pk=1):
    return [
        ("get", reverse("matching:programme_detail", args=[cohort.programme_id])),
        ("get", reverse("matching:cohort_detail", args=[cohort.pk])),
        ("get", reverse("matching:round_detail", args=[matching_round.pk])),
        ("get", reverse("matching:round_progress", args=[matching_round.pk])),
        ("post", reverse("matching:round_open", args=[matching_round.pk])),
        ("post", reverse("matching:round_run", args=[matching_round.pk])),
        ("post", reverse("matching:round_publish", args=[matching_round.pk])),
        ("post", reverse("matching:pair_lock", args=[matching_round.pk, pair_pk])),
        ("post", reverse("matching:pair_swap", args=[matching_round.pk, pair_pk])),
    ]


def test_programme_list_shows_only_own_programmes(client, coordinator, cohort):
    ProgrammeFactory(name="Someone Else's")
    client.force_login(coordinator)
    body = client.get(reverse("matching:programme_list")).content.decode()
    assert "Mine" in body
    assert "Someone Else" not in body


def test_other_coordinator_student_and_mentor_get_404_everywhere(client, cohort, matching_round):
    member_student = cohort.memberships.filter(role="student").first().user
    member_mentor = cohort.memberships.filter(role="mentor").first().user
    for outsider in (UserFactory(is_coordinator=True), member_student, member_mentor):
        client.force_login(outsider)
        for method, url in _coordinator_urls(cohort, matching_round):
            assert getattr(client, method)(url).status_code == 404, (outsider, url)
    matching_round.refresh_from_db()
    assert matching_round.status == "draft"


def test_anonymous_redirected_everywhere(client, cohort, matching_round):
    for method, url in _coordinator_urls(cohort, matching_round):
        assert getattr(client, method)(url).status_code == 302


def test_create_programme_and_cohort(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("matching:programme_list"), {"name": "Fellows"})
    programme = Programme.objects.get(name="Fellows")
    assert response["Location"] == reverse("matching:programme_detail", args=[programme.pk])
    client.post(reverse("matching:programme_detail", args=[programme.pk]), {"name": "2027"})
    assert Cohort.objects.filter(programme=programme, name="2027").exists()


def test_non_coordinator_cannot_create_programme(client, student):
    client.force_login(student)
    client.post(reverse("matching:programme_list"), {"name": "Sneaky"})
    assert not Programme.objects.exists()


def test_invite_validates_addresses(client, coordinator, cohort):
    client.force_login(coordinator)
    url = reverse("matching:cohort_detail", args=[cohort.pk])
    response = client.post(
        url, {"invite": "1", "emails": "ok@example.org, not-an-email", "role": "student"}
    )
    assert "not-an-email is not a valid email address" in response.content.decode()
    assert not CohortInvitation.objects.exists()
    client.post(url, {"invite": "1", "emails": "ok@example.org\nb@example.org", "role": "student"})
    assert CohortInvitation.objects.count() == 2


def test_full_round_flow_through_pages(
    client, coordinator, cohort, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    client.post(
        reverse("matching:cohort_detail", args=[cohort.pk]),
        {"create_round": "1", "name": "Spring", "algorithm": "optimal"},
    )
    matching_round = MatchingRound.objects.get(name="Spring")
    detail = reverse("matching:round_detail", args=[matching_round.pk])
    client.post(reverse("matching:round_open", args=[matching_round.pk]))
    matching_round.refresh_from_db()
    assert matching_round.status == "open"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:round_run", args=[matching_round.pk]))
    body = client.get(detail).content.decode()
    assert "Match rate:</strong> 100%" in body
    assert "Mean rank obtained:</strong> 1" in body
    assert "shares:" in body
    progress = client.get(
        reverse("matching:round_progress", args=[matching_round.pk]), headers={"HX-Request": "true"}
    )
    assert progress["HX-Refresh"] == "true"
    first, second = ProposedPair.objects.filter(round=matching_round)
    client.post(
        reverse("matching:pair_swap", args=[matching_round.pk, first.pk]), {"other": second.pk}
    )
    first.refresh_from_db()
    assert first.locked
    client.post(reverse("matching:pair_lock", args=[matching_round.pk, first.pk]))
    first.refresh_from_db()
    assert not first.locked
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:round_publish", args=[matching_round.pk]), follow=True
        )
    assert "2 mentorships created" in response.content.decode()


def test_progress_partial_polls_while_running(client, coordinator, matching_round):
    MatchingRound.objects.filter(pk=matching_round.pk).update(
        status="running", progress=40, progress_message="Scoring fit"
    )
    client.force_login(coordinator)
    body = client.get(
        reverse("matching:round_progress", args=[matching_round.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert '<progress id="progress-bar" max="100" value="40"' in body
    assert "Scoring fit" in body


def test_bad_weights_show_error(client, coordinator, matching_round):
    client.force_login(coordinator)
    response = client.post(
        reverse("matching:round_detail", args=[matching_round.pk]),
        {
            "algorithm": "stable",
            "weight_interest": -1,
            "weight_tags": 0,
            "weight_style": 0,
            "weight_seniority": 0,
            "weight_timezone": 0,
        },
    )
    assert "Weights cannot be negative" in response.content.decode()
    matching_round.refresh_from_db()
    assert matching_round.weight_interest == 0.4


def test_run_with_no_mentors_shows_error(client, coordinator):
    cohort = CohortFactory(programme=ProgrammeFactory(coordinator=coordinator))
    matching_round = RoundFactory(cohort=cohort)
    client.force_login(coordinator)
    response = client.post(reverse("matching:round_run", args=[matching_round.pk]), follow=True)
    assert "no mentors" in response.content.decode()


def test_round_results_query_count_constant(
    client, coordinator, django_capture_on_commit_callbacks
):

    def build(n):
        cohort = CohortFactory(programme=ProgrammeFactory(coordinator=coordinator))
        for _ in range(n):
            prefs = StudentPreferencesFactory()
            MembershipFactory(cohort=cohort, user=prefs.user, role="student")
            MembershipFactory(
                cohort=cohort, user=MentorProfileFactory(capacity=1).user, role="mentor"
            )
        matching_round = RoundFactory(cohort=cohort)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("matching:round_run", args=[matching_round.pk]))
        return reverse("matching:round_detail", args=[matching_round.pk])

    client.force_login(coordinator)
    small_url, large_url = build(2), build(6)
    client.get(small_url)
    with CaptureQueriesContext(connection) as small:
        client.get(small_url)
    with CaptureQueriesContext(connection) as large:
        assert "Proposed pairs" in client.get(large_url).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
