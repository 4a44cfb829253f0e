"""One fit figure for a pair, wherever it is shown: mentor search, the mentor's page and
a matching round all score the pair the same way, whoever else is being scored."""

import re

import pytest
from django.urls import reverse

from apps.matching import fit, rounds
from apps.matching.features import mentor_features, student_features
from apps.matching.models import ProposedPair
from tests.matching.factories import (
    CohortFactory,
    MembershipFactory,
    MentorProfileFactory,
    RoundFactory,
    StudentPreferencesFactory,
)

pytestmark = pytest.mark.django_db

FIT = re.compile(r"Fit (\d+)%")


@pytest.fixture
def pair(student):
    StudentPreferencesFactory(
        user=student,
        interests="Reinforcement learning for robotics, policy-gradient methods, sim-to-real",
        tags="RL, robotics",
    )
    mentor = MentorProfileFactory(
        research_areas="Deep reinforcement learning for robotics; policy-gradient methods "
        "and sim-to-real transfer.",
        topic_tags="RL, robotics",
        method_tags="policy-gradient methods, actor-critic",
    )
    # Mentors who are not accepting are left out of the default search but were part of
    # the set the mentor's page scored, which used to move the figure.
    for areas in (
        "Reinforcement learning theory, bandits and regret bounds.",
        "Robotics, manipulation and reinforcement learning from demonstrations.",
        "Policy-gradient methods, variance reduction and natural gradients.",
    ):
        MentorProfileFactory(research_areas=areas, accepting=False)
    return student, mentor


def test_search_and_the_mentors_page_show_the_same_fit(client, pair):
    student, mentor = pair
    client.force_login(student)

    detail = client.get(reverse("matching:mentor_detail", args=[mentor.user_id])).content
    on_page = int(FIT.search(detail.decode()).group(1))
    body = client.get(reverse("matching:mentor_search")).content.decode()
    # Each result starts with the mentor's name and then shows the badge.
    after_name = body[body.index(mentor.user.name) :]
    in_search = int(FIT.search(after_name).group(1))

    assert in_search == on_page
    expected = fit.pair_fit(
        student_features(student, student.student_preferences),
        mentor_features(mentor, free_places=mentor.capacity),
    )
    assert on_page == expected.percent


def test_a_round_scores_the_pair_as_search_does(pair, django_capture_on_commit_callbacks):
    student, mentor = pair
    cohort = CohortFactory()
    MembershipFactory(cohort=cohort, user=student, role="student")
    MembershipFactory(cohort=cohort, user=mentor.user, role="mentor")
    other = MentorProfileFactory(research_areas="Causal inference and econometrics.")
    MembershipFactory(cohort=cohort, user=other.user, role="mentor")
    matching_round = RoundFactory(cohort=cohort)

    with django_capture_on_commit_callbacks(execute=True):
        rounds.round_start(matching_round=matching_round)

    proposed = ProposedPair.objects.get(round=matching_round, student=student)
    assert proposed.mentor_id == mentor.user_id
    alone = fit.pair_fit(
        student_features(student, student.student_preferences),
        mentor_features(mentor, free_places=mentor.capacity),
    )
    assert proposed.score == pytest.approx(alone.total)
    assert proposed.percent == alone.percent


@pytest.mark.parametrize(
    ("total", "percent"),
    [
        (0.0, 0),
        (0.125, 13),
        (0.625, 63),
        (0.535, 54),
        (0.5349999, 53),
        (0.545, 55),
        (0.99995, 100),
        (1.0, 100),
    ],
)
def test_the_percentage_rounds_half_up_once(total, percent):
    assert fit.fit_percent(total) == percent


def test_a_swapped_pair_shows_its_own_fit(pair, django_capture_on_commit_callbacks):
    student, mentor = pair
    cohort = CohortFactory()
    other_student = StudentPreferencesFactory(interests="Causal inference, econometrics").user
    other = MentorProfileFactory(research_areas="Causal inference and econometrics.")
    for user, role in ((student, "student"), (other_student, "student")):
        MembershipFactory(cohort=cohort, user=user, role=role)
    for profile in (mentor, other):
        MembershipFactory(cohort=cohort, user=profile.user, role="mentor")
    matching_round = RoundFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        rounds.round_start(matching_round=matching_round)
    first = ProposedPair.objects.get(round=matching_round, student=student)
    second = ProposedPair.objects.get(round=matching_round, student=other_student)
    matching_round.refresh_from_db()

    rounds.pair_swap(matching_round=matching_round, first_id=first.pk, second_id=second.pk)

    first.refresh_from_db()
    assert first.mentor_id == other.user_id
    swapped = fit.pair_fit(
        student_features(student, student.student_preferences),
        mentor_features(other, free_places=other.capacity),
    )
    assert first.score == pytest.approx(swapped.total)
    assert (
        first.percent
        < fit.pair_fit(
            student_features(student, student.student_preferences),
            mentor_features(mentor, free_places=mentor.capacity),
        ).percent
    )
