"""The mentor's and the coordinator's home: what needs them this week."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.matching.models import (
    Cohort,
    CohortInvitation,
    CoordinatorInvitation,
    MatchingRound,
    MentorProfile,
    Mentorship,
    RoundChoice,
)
from apps.milestones.models import CheckIn, Milestone, MilestoneComment, Plan
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import (
    fill_student_data,
    give_mentees,
    make_students,
    programme_with_members,
)

URL = reverse("home")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _noon():
    # "This week" is counted from today: noon keeps today the same day in every zone used.
    with time_machine.travel(dt.datetime(2026, 11, 18, 12, tzinfo=dt.UTC), tick=True):
        yield


def _mentor_with_week(mentor, size: int):
    """``size`` mentees sharing their plans: each with an overdue milestone, two due this
    week and a comment of their own; half have had a check-in; ``size`` requests wait."""
    MentorProfile.objects.create(user=mentor, capacity=50, cadence="weekly")
    mentees = make_students(size)
    give_mentees(mentor, mentees)
    fill_student_data(mentees, milestones=4, overdue=1, done=1)
    today = timezone.localdate()
    for i, mentee in enumerate(mentees):
        milestone = Milestone.objects.filter(plan__owner=mentee).order_by("pk").first()
        MilestoneComment.objects.create(milestone=milestone, author=mentee, body=f"Stuck {i}")
        if i % 2:
            CheckIn.objects.create(
                plan=Plan.objects.get(owner=mentee),
                author=mentor,
                mentor=mentor,
                date=today - dt.timedelta(days=3),
            )
    askers = make_students(size, prefix="asker")
    Mentorship.objects.bulk_create(
        Mentorship(
            student=s,
            mentor=mentor,
            status="pending",
            message=f"Please {i}",
            expires_at=timezone.now() + dt.timedelta(days=2 + i),
        )
        for i, s in enumerate(askers)
    )
    return mentees, askers


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_mentor_sees_requests_flags_due_milestones_checkins_and_comments(client, mentor):
    mentees, askers = _mentor_with_week(mentor, 2)
    client.force_login(mentor)
    response = client.get(URL)
    body = response.content.decode()
    week = response.context["mentor_home"]

    assert [p["student_id"] for p in week["pending"]] == [a.pk for a in askers]
    assert "2</strong> pending requests" in body
    assert "expires in 2 days" in body
    assert reverse("matching:mentorship_list") in body
    # Flags and their reasons are the mentor table's, word for word.
    table = client.get(reverse("dashboards:mentor")).context["rows"]
    flagged = {f["row"].student_id: f["row"].flag_summary for f in week["flagged"]}
    assert flagged == {r.student_id: r.flag_summary for r in table if r.level}
    assert "1 overdue by 10 days" in body
    # Two milestones of each mentee fall in the next seven days.
    assert len(week["due"]) == 4
    assert {d["student_id"] for d in week["due"]} == {m.pk for m in mentees}
    # Weekly cadence: the one without a check-in is due today, the other in four days.
    by_mentee = {c.student_id: c for c in week["checkins"]}
    assert by_mentee[mentees[0].pk].last is None
    assert by_mentee[mentees[0].pk].due == timezone.localdate()
    assert by_mentee[mentees[1].pk].due == timezone.localdate() + dt.timedelta(days=4)
    assert week["checkins_due"] == 2
    assert [c["body"] for c in week["waiting"]] == ["Stuck 1", "Stuck 0"]
    assert reverse("dashboards:mentee", args=[mentees[0].pk]) + "#comments" in body


def test_a_comment_the_mentor_answered_no_longer_waits(client, mentor):
    mentees, _ = _mentor_with_week(mentor, 1)
    milestone = Milestone.objects.filter(plan__owner=mentees[0]).order_by("pk").first()
    MilestoneComment.objects.create(milestone=milestone, author=mentor, body="Let us talk.")
    client.force_login(mentor)
    assert client.get(URL).context["mentor_home"]["waiting"] == []


def test_a_check_in_with_another_mentor_does_not_count(client, mentor):
    mentees, _ = _mentor_with_week(mentor, 1)
    CheckIn.objects.create(
        plan=Plan.objects.get(owner=mentees[0]),
        author=mentees[0],
        mentor=UserFactory(is_mentor=True),
        date=timezone.localdate(),
    )
    client.force_login(mentor)
    [checkin] = client.get(URL).context["mentor_home"]["checkins"]
    assert checkin.last is None
    assert checkin.due == timezone.localdate()


def test_mentor_does_not_see_unshared_plans_or_expired_requests(client, mentor):
    MentorProfile.objects.create(user=mentor, cadence="weekly")
    mentee = make_students(1)
    give_mentees(mentor, mentee, share_plan=False)
    fill_student_data(mentee, milestones=4, overdue=1, done=1)
    Mentorship.objects.create(
        student=make_students(1)[0],
        mentor=mentor,
        status="pending",
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    client.force_login(mentor)
    response = client.get(URL)
    week = response.context["mentor_home"]
    assert week["due"] == []
    assert week["pending"] == []
    assert week["pending_total"] == 0
    assert "plan not shared" in response.content.decode()
    assert "Milestone 2 of" not in response.content.decode()


def test_new_mentor_gets_empty_states_that_say_what_to_do(client, mentor):
    client.force_login(mentor)
    body = client.get(URL).content.decode()
    assert "No mentees yet" in body
    assert "No requests waiting" in body
    assert "No comments waiting for a reply" in body
    assert reverse("matching:mentor_profile") in body


def test_coordinator_sees_rounds_unmatched_flagged_pairs_and_invitations(client, coordinator):
    programme, students, mentors = programme_with_members(
        coordinator, students=4, mentors=2, name="Fellows"
    )
    fill_student_data(students, milestones=4, overdue=1, done=1)
    Mentorship.objects.create(student=students[0], mentor=mentors[0], status="active")
    cohort = Cohort.objects.get(programme=programme)
    open_round = MatchingRound.objects.create(cohort=cohort, name="Spring", status="open")
    MatchingRound.objects.create(cohort=cohort, name="Old", status="published")
    for s in students[:3]:
        RoundChoice.objects.create(round=open_round, student=s, mentor=mentors[0], rank=1)
    CohortInvitation.objects.create(cohort=cohort, email="a@example.org", role="student")
    CoordinatorInvitation.objects.create(programme=programme, email="b@example.org")
    client.force_login(coordinator)
    response = client.get(URL)
    body = response.content.decode()
    [p] = response.context["programmes"]

    assert [r["name"] for r in p["rounds"]] == ["Spring"]
    assert "3 of 4 students ranked mentors" in body
    assert reverse("matching:round_detail", args=[open_round.pk]) in body
    assert p["unmatched_total"] == 3
    # The mentored student is flagged (overdue), with the programme table's reason.
    assert [f["row"].student_id for f in p["flagged"]] == [students[0].pk]
    assert "1 overdue by 10 days" in body
    assert p["invitations"] == {"cohort": 1, "coordinator": 1}
    assert "1 to join a cohort, 1 to co-coordinate" in body


def test_coordinator_without_programmes_is_told_to_create_one(client, coordinator):
    client.force_login(coordinator)
    body = client.get(URL).content.decode()
    assert "You run no programme yet" in body
    assert reverse("matching:programme_list") in body


def test_coordinator_sees_only_their_own_programmes(client, coordinator):
    programme_with_members(UserFactory(is_coordinator=True), students=2, mentors=1, name="Other")
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.context["programmes"] == []
    assert "Other" not in response.content.decode()


def test_a_student_sees_neither_section(client, student):
    client.force_login(student)
    body = client.get(URL).content.decode()
    assert "Mentoring this week" not in body
    assert "Your programmes this week" not in body


def test_mentor_and_coordinator_see_both_sections(client):
    person = UserFactory(is_mentor=True, is_coordinator=True)
    _mentor_with_week(person, 1)
    programme_with_members(person, students=1, mentors=1, name="Fellows")
    client.force_login(person)
    body = client.get(URL).content.decode()
    assert "Mentoring this week" in body
    assert "Your programmes this week" in body
    assert "Next actions" not in body


@pytest.mark.parametrize("size", [1, 8])
def test_mentor_home_query_count_does_not_grow(client, django_assert_num_queries, mentor, size):
    _mentor_with_week(mentor, size)
    client.force_login(mentor)
    # Session, user, the mentor table's mentorships, figures and completions (7), then
    # requests, milestones due, check-ins, cadence and comments, the meetings this week
    # and the unread-messages badge.
    with django_assert_num_queries(16):
        response = client.get(URL)
    assert len(response.context["mentor_home"]["checkins"]) == size


@pytest.mark.parametrize("size", [1, 8])
def test_coordinator_home_query_count_does_not_grow(
    client, django_assert_num_queries, coordinator, size
):
    for i in range(size):
        programme, students, _ = programme_with_members(
            coordinator, students=size, mentors=2, name=f"P{i}"
        )
        fill_student_data(students, milestones=3)
        cohort = Cohort.objects.get(programme=programme)
        MatchingRound.objects.create(cohort=cohort, name=f"R{i}", status="open")
        CohortInvitation.objects.create(cohort=cohort, email=f"x{i}@example.org", role="mentor")
    client.force_login(coordinator)
    # Session, user, programmes, student figures (3), rounds, two kinds of invitation,
    # and the meetings this week.
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert len(response.context["programmes"]) == size
