import pytest
from django.urls import reverse

from apps.matching.models import RoundChoice
from tests.accounts.factories import UserFactory
from tests.matching.factories import (
    CohortFactory,
    MembershipFactory,
    MentorProfileFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(student):
    cohort = CohortFactory()
    MembershipFactory(cohort=cohort, user=student, role="student")
    other = UserFactory(is_student=True)
    MembershipFactory(cohort=cohort, user=other, role="student")
    mentors = [MentorProfileFactory().user for _ in range(2)]
    for m in mentors:
        MembershipFactory(cohort=cohort, user=m, role="mentor")
    return RoundFactory(cohort=cohort, status="open"), other, mentors


def test_student_ranks_mentors(client, student, setup):
    matching_round, _, mentors = setup
    client.force_login(student)
    url = reverse("matching:round_choices", args=[matching_round.pk])
    client.post(url, {"rank_1": mentors[1].pk, "rank_2": mentors[0].pk})
    ranked = list(RoundChoice.objects.filter(student=student).values_list("mentor_id", flat=True))
    assert ranked == [mentors[1].pk, mentors[0].pk]


def test_student_never_sees_another_students_choices(client, student, setup):
    matching_round, other, mentors = setup
    RoundChoice.objects.create(round=matching_round, student=other, mentor=mentors[1], rank=1)
    client.force_login(student)
    body = client.get(reverse("matching:round_choices", args=[matching_round.pk])).content.decode()
    assert "selected" not in body


def test_non_members_get_404(client, setup):
    matching_round, _, mentors = setup
    url = reverse("matching:round_choices", args=[matching_round.pk])
    for outsider in (
        UserFactory(is_student=True),
        mentors[0],
        matching_round.cohort.programme.coordinators.get(),
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_closed_round_refuses_choices(client, student, setup):
    matching_round, _, mentors = setup
    matching_round.status = "draft"
    matching_round.save()
    client.force_login(student)
    response = client.post(
        reverse("matching:round_choices", args=[matching_round.pk]), {"rank_1": mentors[0].pk}
    )
    assert "not collecting choices" in response.content.decode()
    assert not RoundChoice.objects.exists()
