import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.milestones.models import Milestone, MilestoneComment
from apps.milestones.models import Status as MStatus
from apps.nudges.models import Kind, NudgeSettings, Snooze
from apps.research.models import Contact, Draft
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import (
    fill_student_data,
    give_mentees,
    make_students,
    programme_with_members,
    venue_with_deadline,
)

URL = reverse("home")
DONE = reverse("dashboards:action_done")
SNOOZE = reverse("dashboards:action_snooze")

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_student(student):
    fill_student_data([student], milestones=6, overdue=2, venue=venue_with_deadline(4))
    return student


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_not_onboarded_user_goes_to_onboarding(client):
    user = UserFactory(onboarded_at=None)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:onboarding")


def test_new_student_gets_guiding_empty_states(client, student):
    client.force_login(student)
    body = client.get(URL).content.decode()
    for name in (
        "milestones:plan_from_template",
        "matching:mentor_search",
        "readinglists:list_index",
        "nudges:preferences",
    ):
        assert reverse(name) in body
    assert "Nothing urgent" in body


def test_next_actions_are_the_five_most_urgent(client, busy_student):
    client.force_login(busy_student)
    actions = client.get(URL).context["home"]["actions"]
    assert len(actions) == 5
    assert [a.due for a in actions] == sorted(a.due for a in actions)
    kinds = {a.kind for a in actions}
    assert {"milestone", "followup", "cards"} <= kinds
    assert actions[0].overdue


def test_deadlines_panel_lists_milestones_and_venue_deadlines(client, busy_student):
    client.force_login(busy_student)
    home = client.get(URL).context["home"]
    kinds = {d["kind"].split(":")[0] for d in home["deadlines"]}
    assert kinds == {"Milestone", "Paper"}
    assert all(d["date"] >= timezone.localdate() for d in home["deadlines"])
    assert home["categories"]
    assert home["cards_due"] == 1
    assert home["figures"].reading_total == 3


def test_deadlines_are_in_the_viewers_timezone(client, student):
    # A deadline at 23:30 UTC is already the next day in Tokyo.
    student.timezone = "Asia/Tokyo"
    student.save(update_fields=["timezone"])
    venue = venue_with_deadline(3)
    deadline = venue.deadlines.get()
    deadline.due_at = deadline.due_at.replace(hour=23, minute=30)
    deadline.save(update_fields=["due_at"])
    Draft.objects.create(
        owner=student,
        title="Paper",
        target_venue=venue,
        stage="drafting",
        stage_changed_at=timezone.now(),
    )
    client.force_login(student)
    home = client.get(URL).context["home"]
    paper = next(d for d in home["deadlines"] if d["kind"].startswith("Paper"))
    assert paper["date"] == deadline.due_at.date() + dt.timedelta(days=1)


def test_mark_done_from_home(client, busy_student):
    client.force_login(busy_student)
    action = next(a for a in client.get(URL).context["home"]["actions"] if a.kind == "milestone")
    response = client.post(DONE, {"milestone": action.object_id}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="next-actions"' in response.content.decode()
    assert Milestone.objects.get(pk=action.object_id).status == MStatus.DONE


def test_cannot_mark_someone_elses_milestone_done(client, busy_student):
    stranger = UserFactory(is_student=True)
    client.force_login(stranger)
    milestone = Milestone.objects.filter(plan__owner=busy_student).exclude(status="done").first()
    assert client.post(DONE, {"milestone": milestone.pk}).status_code == 404
    milestone.refresh_from_db()
    assert milestone.status != MStatus.DONE


def test_mark_done_with_bad_input_changes_nothing(client, busy_student):
    client.force_login(busy_student)
    response = client.post(DONE, {"milestone": "nope"}, follow=True)
    assert "Choose a milestone" in response.content.decode()
    assert Milestone.objects.filter(status=MStatus.DONE).count() == 1


def test_snooze_hides_the_action_and_quiets_its_nudges(client, busy_student):
    client.force_login(busy_student)
    action = next(a for a in client.get(URL).context["home"]["actions"] if a.kind == "milestone")
    response = client.post(SNOOZE, {"kind": "milestone", "object_id": action.object_id, "days": 1})
    assert response.status_code == 302
    kinds = set(Snooze.objects.filter(object_id=action.object_id).values_list("kind", flat=True))
    assert kinds == {Kind.MILESTONE_DUE, Kind.MILESTONE_OVERDUE}
    actions = client.get(URL).context["home"]["actions"]
    assert action.object_id not in {a.object_id for a in actions if a.kind == "milestone"}


def test_snooze_followup_and_cards(client, busy_student):
    client.force_login(busy_student)
    contact = Contact.objects.get(owner=busy_student)
    client.post(SNOOZE, {"kind": "followup", "object_id": contact.pk, "days": 3})
    client.post(SNOOZE, {"kind": "cards", "object_id": 0, "days": 7})
    kinds = {a.kind for a in client.get(URL).context["home"]["actions"]}
    assert "followup" not in kinds
    assert "cards" not in kinds


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "milestone", "object_id": 1, "days": 2},
        {"kind": "evil", "object_id": 1, "days": 1},
        {"kind": "cards", "object_id": -1, "days": 1},
    ],
)
def test_bad_snooze_changes_nothing(client, busy_student, data):
    client.force_login(busy_student)
    response = client.post(SNOOZE, data, follow=True)
    assert "Choose how long to snooze" in response.content.decode()
    assert not Snooze.objects.exists()


def test_cannot_snooze_someone_elses_contact(client, busy_student):
    stranger = UserFactory(is_student=True)
    client.force_login(stranger)
    contact = Contact.objects.get(owner=busy_student)
    response = client.post(SNOOZE, {"kind": "followup", "object_id": contact.pk, "days": 1})
    assert response.status_code == 404
    assert not Snooze.objects.exists()


def test_recent_mentor_comments_are_escaped(client, busy_student):
    mentor = UserFactory(is_mentor=True, display_name="<b>Mal</b>")
    milestone = Milestone.objects.filter(plan__owner=busy_student).first()
    MilestoneComment.objects.create(
        milestone=milestone, author=mentor, body="<script>x()</script>Go **on**"
    )
    client.force_login(busy_student)
    body = client.get(URL).content.decode()
    assert "Go <strong>on</strong>" in body
    assert "<script>x()" not in body
    assert "<b>Mal</b>" not in body


def test_several_roles_see_each_roles_panels(client):
    person = UserFactory(is_student=True, is_mentor=True, is_coordinator=True)
    give_mentees(person, make_students(2))
    programme_with_members(person, students=1, mentors=1, name="Fellows")
    NudgeSettings.objects.create(user=person)
    client.force_login(person)
    body = client.get(URL).content.decode()
    assert "Next actions" in body
    assert "2 active mentees" in body
    assert reverse("dashboards:mentor") in body
    assert "Fellows" in body
    assert reverse("dashboards:coordinator") in body


def test_mentor_only_home_has_no_student_panels(client, mentor):
    client.force_login(mentor)
    body = client.get(URL).content.decode()
    assert "Next actions" not in body
    assert "No mentees yet" in body


@pytest.mark.parametrize("size", [1, 10])
def test_query_count_does_not_grow_with_rows(client, django_assert_num_queries, size):
    person = UserFactory(is_student=True, is_mentor=True, is_coordinator=True)
    fill_student_data(
        [person],
        milestones=4 * size,
        overdue=size,
        items=5 * size,
        cards_due=size,
        venue=venue_with_deadline(5),
    )
    for i in range(size):
        MilestoneComment.objects.create(
            milestone=Milestone.objects.filter(plan__owner=person)[i], author=person, body="x"
        )
    give_mentees(person, make_students(size))
    programme_with_members(person, students=size, mentors=1)
    client.force_login(person)
    # Session, user, the student home (14: facts, figures, milestones, drafts, follow-ups,
    # comments, categories, when a snooze ends), the mentor's week (11: the mentor table's
    # mentorships, figures and completions, requests, milestones due, check-ins, cadence,
    # comments) and the coordinator's (8: programmes, student figures, rounds,
    # invitations), the meetings this week and the unread-messages badge.
    with django_assert_num_queries(35):
        response = client.get(URL)
    assert response.status_code == 200
    # The next view reads what the first one kept: the student's figures (5 queries) and
    # lists (6), the mentees' figures (5) and the programme's students' (1).
    with django_assert_num_queries(35 - 17):
        assert client.get(URL).status_code == 200
