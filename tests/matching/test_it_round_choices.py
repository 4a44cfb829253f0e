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


@pytest.mark.parametrize(
    ("status", "collect"), [("draft", True), ("open", False), ("running", True), ("done", True)]
)
def test_round_not_collecting_refuses_choices_and_keeps_them(
    client, student, setup, status, collect
):
    matching_round, _, mentors = setup
    RoundChoice.objects.create(round=matching_round, student=student, mentor=mentors[0], rank=1)
    matching_round.status = status
    matching_round.collect_choices = collect
    matching_round.save()
    client.force_login(student)
    response = client.post(
        reverse("matching:round_choices", args=[matching_round.pk]),
        {"rank_1": mentors[1].pk, "rank_2": mentors[0].pk},
        follow=True,
    )
    assert "not collecting choices; nothing was changed" in response.content.decode()
    ranked = list(RoundChoice.objects.values_list("student_id", "mentor_id", "rank"))
    assert ranked == [(student.pk, mentors[0].pk, 1)]


def test_round_not_collecting_shows_choices_read_only(client, student, setup):
    matching_round, _, mentors = setup
    RoundChoice.objects.create(round=matching_round, student=student, mentor=mentors[1], rank=1)
    matching_round.status = "done"
    matching_round.save()
    client.force_login(student)
    body = client.get(reverse("matching:round_choices", args=[matching_round.pk])).content.decode()
    assert "<select" not in body
    assert "Save choices" not in body
    assert "not collecting choices" in body
    assert f"<li>{mentors[1].name}</li>" in body


def test_draft_round_explains_it_has_not_opened(client, student, setup):
    matching_round, _, _ = setup
    matching_round.status = "draft"
    matching_round.save()
    client.force_login(student)
    body = client.get(reverse("matching:round_choices", args=[matching_round.pk])).content.decode()
    assert "has not opened it yet" in body
    assert "You did not rank any mentors" in body
    assert "<select" not in body


def test_open_round_offers_the_form(client, student, setup):
    matching_round, _, _ = setup
    client.force_login(student)
    body = client.get(reverse("matching:round_choices", args=[matching_round.pk])).content.decode()
    assert body.count("<select") == 2
    assert "Save choices" in body
    assert "not collecting choices" not in body
