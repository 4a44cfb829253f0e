import pytest
from django.urls import reverse

from apps.matching.models import MentorNote, Mentorship
from apps.milestones.models import CheckIn, Milestone, MilestoneComment
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import (
    fill_student_data,
    give_mentees,
    make_students,
    venue_with_deadline,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    mentor = UserFactory(is_mentor=True)
    (student,) = make_students(1)
    give_mentees(mentor, [student])
    fill_student_data([student], venue=venue_with_deadline(10))
    return mentor, student


def _url(student):
    return reverse("dashboards:mentee", args=[student.pk])


def _comment_url(student):
    return reverse("dashboards:mentee_comment", args=[student.pk])


def test_mentor_sees_everything_shared(client, pair):
    mentor, student = pair
    plan = student.plans.get()
    CheckIn.objects.create(
        plan=plan, author=student, mentor=mentor, date="2026-01-05", notes="We met"
    )
    MentorNote.objects.create(mentor=mentor, student=student, body="Private thought")
    other_mentor = UserFactory(is_mentor=True)
    MentorNote.objects.create(mentor=other_mentor, student=student, body="Someone else's note")
    client.force_login(mentor)
    body = client.get(_url(student)).content.decode()
    assert plan.title in body
    assert f"Draft of {student.display_name}" in body
    assert f"Prof. Contact of {student.display_name}" in body
    assert "We met" in body
    assert "Private thought" in body
    assert "Someone else" not in body
    assert reverse("readinglists:mentee_reading", args=[student.pk]) in body
    assert f"{reverse('research:draft_board')}?owner={student.pk}" in body
    assert "Not shared" not in body


def test_unshared_areas_render_not_shared_never_data(client, pair):
    mentor, student = pair
    Mentorship.objects.filter(mentor=mentor).update(
        share_plan=False, share_reading=False, share_papers=False, share_outreach=False
    )
    client.force_login(mentor)
    body = client.get(_url(student)).content.decode()
    assert body.count("Not shared") >= 4
    assert student.plans.get().title not in body
    assert "Draft of" not in body
    assert "Prof. Contact" not in body
    assert "Milestone 0" not in body


@pytest.mark.parametrize("who", ["student", "stranger", "other_mentor", "coordinator"])
def test_others_get_404(client, pair, who):
    _, student = pair
    viewer = {
        "student": student,
        "stranger": UserFactory(is_student=True),
        "other_mentor": UserFactory(is_mentor=True),
        "coordinator": UserFactory(is_coordinator=True),
    }[who]
    client.force_login(viewer)
    assert client.get(_url(student)).status_code == 404
    milestone = Milestone.objects.filter(plan__owner=student).first()
    response = client.post(_comment_url(student), {"milestone": milestone.pk, "body": "hi"})
    assert response.status_code == 404
    assert not MilestoneComment.objects.exists()


def test_anonymous_is_sent_to_log_in(client, pair):
    _, student = pair
    assert client.get(_url(student)).status_code == 302


def test_ended_mentorship_removes_access_at_once(client, pair):
    mentor, student = pair
    client.force_login(mentor)
    assert client.get(_url(student)).status_code == 200
    Mentorship.objects.filter(mentor=mentor).update(status=Mentorship.Status.ENDED)
    assert client.get(_url(student)).status_code == 404


def test_mentor_leaves_a_comment(client, pair):
    mentor, student = pair
    milestone = Milestone.objects.filter(plan__owner=student).first()
    client.force_login(mentor)
    response = client.post(_comment_url(student), {"milestone": milestone.pk, "body": "Nice work"})
    assert response.status_code == 302
    comment = MilestoneComment.objects.get()
    assert (comment.milestone, comment.author, comment.body) == (milestone, mentor, "Nice work")
    assert "Nice work" in client.get(_url(student)).content.decode()


@pytest.mark.parametrize(
    "data",
    [{"body": "   "}, {"body": ""}, {"body": "x" * 4001}, {"milestone": "abc", "body": "hi"}],
)
def test_bad_comment_gets_a_clear_error_and_saves_nothing(client, pair, data):
    mentor, student = pair
    milestone = Milestone.objects.filter(plan__owner=student).first()
    client.force_login(mentor)
    response = client.post(_comment_url(student), {"milestone": milestone.pk, **data})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not MilestoneComment.objects.exists()


def test_cannot_comment_on_another_students_milestone(client, pair):
    mentor, student = pair
    (other,) = make_students(1, prefix="other")
    fill_student_data([other])
    foreign = Milestone.objects.filter(plan__owner=other).first()
    client.force_login(mentor)
    response = client.post(_comment_url(student), {"milestone": foreign.pk, "body": "hi"})
    assert response.status_code == 400
    assert not MilestoneComment.objects.exists()


def test_cannot_comment_when_plan_not_shared(client, pair):
    mentor, student = pair
    Mentorship.objects.filter(mentor=mentor).update(share_plan=False)
    milestone = Milestone.objects.filter(plan__owner=student).first()
    client.force_login(mentor)
    response = client.post(_comment_url(student), {"milestone": milestone.pk, "body": "hi"})
    assert response.status_code == 400
    assert not MilestoneComment.objects.exists()


def test_comment_markup_is_neutralised(client, pair):
    mentor, student = pair
    milestone = Milestone.objects.filter(plan__owner=student).first()
    MilestoneComment.objects.create(
        milestone=milestone,
        author=student,
        body='<script>alert(1)</script><img src=x onerror="x()">',
    )
    client.force_login(mentor)
    body = client.get(_url(student)).content.decode()
    assert "<script>alert(1)" not in body
    assert "onerror" not in body


@pytest.mark.parametrize("size", [1, 10])
def test_query_count_does_not_grow_with_rows(client, django_assert_num_queries, size):
    mentor = UserFactory(is_mentor=True)
    (student,) = make_students(1)
    give_mentees(mentor, [student])
    fill_student_data([student], milestones=4 * size, overdue=size, items=5 * size)
    for m in Milestone.objects.filter(plan__owner=student)[:size]:
        MilestoneComment.objects.create(milestone=m, author=mentor, body="x")
        CheckIn.objects.create(plan=m.plan, author=mentor, date=m.target_date, notes="y")
        MentorNote.objects.create(mentor=mentor, student=student, body="z")
    client.force_login(mentor)
    # Session, user, mentorship (twice: the access check, then with both people), the
    # figures (plan 1, papers 1, reading 3), plans, open milestones, comments, check-ins,
    # drafts, outreach counts, follow-ups and private notes, then the milestones open to
    # comment, and the unread-messages badge; and which areas the figures may show.
    with django_assert_num_queries(20):
        assert client.get(_url(student)).status_code == 200
    # The figures are kept for the next view, until the student's data changes.
    with django_assert_num_queries(15):
        assert client.get(_url(student)).status_code == 200
