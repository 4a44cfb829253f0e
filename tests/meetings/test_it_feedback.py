"""The feedback page of a meeting: only its two people, once the meeting has started."""

import pytest
from django.urls import reverse

from apps.meetings.models import Fit, MeetingFeedback
from tests.matching.factories import CohortFactory, MembershipFactory, MentorshipFactory
from tests.meetings.feedback_factories import MeetingFactory, MeetingFeedbackFactory

pytestmark = pytest.mark.django_db

ANSWER = {"useful": "5", "fit": Fit.GOOD, "note_to_coordinator": "We click."}


def _url(meeting):
    return reverse("meetings:feedback", args=[meeting.pk])


@pytest.mark.parametrize("who", ["student", "mentor"])
def test_it_lets_each_person_of_the_meeting_answer(client, who):
    meeting = MeetingFactory()
    person = getattr(meeting, who)
    client.force_login(person)
    page = client.get(_url(meeting))
    assert page.status_code == 200
    assert "Is this a good fit?" in page.content.decode()
    response = client.post(_url(meeting), ANSWER)
    assert response.status_code == 302
    answer = MeetingFeedback.objects.get(author=person)
    assert (answer.useful, answer.fit, answer.note_to_coordinator) == (5, Fit.GOOD, "We click.")


def test_it_answers_htmx_with_the_form_alone(client):
    meeting = MeetingFactory()
    client.force_login(meeting.student)
    response = client.post(_url(meeting), ANSWER, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "your feedback is saved" in body
    assert "Update feedback" in body


def _outsider(kind):
    if kind == "other_student":
        return MentorshipFactory().student
    if kind == "other_mentor":
        return MentorshipFactory().mentor
    return CohortFactory().programme.coordinators.get()


@pytest.mark.parametrize("kind", ["other_student", "other_mentor", "other_coordinator"])
def test_it_refuses_anyone_else_and_saves_nothing(client, kind):
    meeting = MeetingFactory()
    client.force_login(_outsider(kind))
    assert client.get(_url(meeting)).status_code == 404
    assert client.post(_url(meeting), ANSWER).status_code == 404
    assert not MeetingFeedback.objects.exists()


def test_it_refuses_the_pairs_own_coordinator_too(client, coordinator):
    meeting = MeetingFactory()
    cohort = CohortFactory(programme__coordinator=coordinator)
    MembershipFactory(cohort=cohort, user=meeting.student, role="student")
    MembershipFactory(cohort=cohort, user=meeting.mentor, role="mentor")
    client.force_login(coordinator)
    assert client.get(_url(meeting)).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client):
    meeting = MeetingFactory()
    response = client.get(_url(meeting))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.post(_url(meeting), ANSWER)
    assert not MeetingFeedback.objects.exists()


def test_it_waits_for_the_meeting_to_start(client):
    meeting = MeetingFactory(days_ago=-2)
    client.force_login(meeting.student)
    assert "Feedback opens when the meeting starts" in client.get(_url(meeting)).content.decode()
    response = client.post(_url(meeting), ANSWER)
    assert response.status_code == 400
    assert "Feedback opens when the meeting starts" in response.content.decode()
    assert not MeetingFeedback.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fit": Fit.GOOD}, "Say how useful the meeting was"),
        ({"useful": "9", "fit": Fit.GOOD}, "Select a valid choice"),
        ({"useful": "3"}, "Say whether this is a good fit"),
    ],
)
def test_it_explains_bad_input_and_changes_nothing(client, data, message):
    meeting = MeetingFactory()
    client.force_login(meeting.student)
    response = client.post(_url(meeting), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MeetingFeedback.objects.exists()


def test_it_shows_a_final_answer_read_only(client):
    from django.utils import timezone

    answer = MeetingFeedbackFactory(useful=3, fit=Fit.DECIDING)
    MeetingFeedback.objects.filter(pk=answer.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=2)
    )
    client.force_login(answer.author)
    body = client.get(_url(answer.meeting)).content.decode()
    assert "useful 3/5, still deciding" in body
    assert "<form" not in body.split('id="feedback-form"')[1]
    response = client.post(_url(answer.meeting), ANSWER)
    assert response.status_code == 400
    assert MeetingFeedback.objects.get().useful == 3


def test_it_never_shows_the_other_persons_answer(client):
    meeting = MeetingFactory()
    MeetingFeedbackFactory(
        meeting=meeting, author=meeting.mentor, note_to_coordinator="Secret for the coordinator"
    )
    client.force_login(meeting.student)
    body = client.get(_url(meeting)).content.decode()
    assert "Secret for the coordinator" not in body
    assert "Send feedback" in body


# --- The prompt to answer, on the meetings list and the meeting's page ---------------------

PROMPT = "How was this meeting? Answer in 30 seconds"


def test_it_prompts_on_the_list_for_past_meetings_without_an_answer(client):
    unanswered = MeetingFactory(purpose="Unanswered one")
    answered = MeetingFactory(mentorship=unanswered.mentorship, days_ago=6)
    MeetingFeedbackFactory(meeting=answered, author=unanswered.student)
    ahead = MeetingFactory(mentorship=unanswered.mentorship, days_ago=-2)
    client.force_login(unanswered.student)
    body = client.get(reverse("meetings:meeting_list")).content.decode()
    assert body.count(PROMPT) == 1
    assert _url(unanswered) in body
    assert _url(answered) not in body
    assert _url(ahead) not in body


def test_it_prompts_on_the_meeting_page_until_answered(client):
    meeting = MeetingFactory()
    detail = reverse("meetings:meeting_detail", args=[meeting.pk])
    client.force_login(meeting.mentor)
    assert PROMPT in client.get(detail).content.decode()
    client.post(_url(meeting), ANSWER)
    assert PROMPT not in client.get(detail).content.decode()
    # The other person is still asked.
    client.force_login(meeting.student)
    assert PROMPT in client.get(detail).content.decode()


def test_it_does_not_prompt_before_the_meeting(client):
    meeting = MeetingFactory(days_ago=-1)
    client.force_login(meeting.student)
    detail = reverse("meetings:meeting_detail", args=[meeting.pk])
    assert PROMPT not in client.get(detail).content.decode()
