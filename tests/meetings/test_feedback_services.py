import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.meetings.feedback import (
    FeedbackError,
    awaiting_feedback,
    meeting_feedback_give,
)
from apps.meetings.models import Fit, MeetingFeedback
from tests.accounts.factories import UserFactory
from tests.meetings.feedback_factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _give(meeting, author, **values):
    return meeting_feedback_give(
        meeting=meeting, author=author, **{"useful": 4, "fit": Fit.GOOD, **values}
    )


def test_each_of_the_two_answers_once():
    meeting = MeetingFactory()
    _give(meeting, meeting.student, note_to_coordinator="  Helpful.  ")
    _give(meeting, meeting.mentor, fit=Fit.DECIDING)
    rows = {f.author_id: f for f in MeetingFeedback.objects.all()}
    assert rows[meeting.student_id].note_to_coordinator == "Helpful."
    assert rows[meeting.mentor_id].fit == Fit.DECIDING
    assert len(rows) == 2


def test_a_second_answer_within_a_day_changes_the_first():
    meeting = MeetingFactory()
    _give(meeting, meeting.student)
    _give(meeting, meeting.student, useful=2, fit=Fit.NOT_GOOD)
    answer = MeetingFeedback.objects.get()
    assert (answer.useful, answer.fit) == (2, Fit.NOT_GOOD)


def test_an_answer_is_final_after_a_day():
    meeting = MeetingFactory()
    _give(meeting, meeting.student)
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    with pytest.raises(FeedbackError, match="for a day"):
        _give(meeting, meeting.student, useful=1, now=later)
    assert MeetingFeedback.objects.get().useful == 4


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"useful": 0}, "from 1 to 5"),
        ({"useful": 6}, "from 1 to 5"),
        ({"fit": "maybe"}, "good fit"),
        ({"note_to_coordinator": "x" * 2001}, "under 2000"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(values, message):
    meeting = MeetingFactory()
    with pytest.raises(FeedbackError, match=message):
        _give(meeting, meeting.student, **values)
    assert not MeetingFeedback.objects.exists()


def test_only_the_two_people_may_answer():
    meeting = MeetingFactory()
    with pytest.raises(FeedbackError, match="two people"):
        _give(meeting, UserFactory())
    assert not MeetingFeedback.objects.exists()


def test_no_answer_before_the_meeting_starts():
    meeting = MeetingFactory(days_ago=-1)
    with pytest.raises(FeedbackError, match="when the meeting starts"):
        _give(meeting, meeting.student)


def test_a_meeting_under_way_can_be_answered():
    meeting = MeetingFactory(days_ago=0)
    with time_machine.travel(meeting.start + dt.timedelta(minutes=5)):
        _give(meeting, meeting.mentor)
    assert MeetingFeedback.objects.filter(author=meeting.mentor).exists()


def test_no_answer_on_a_cancelled_meeting():
    meeting = MeetingFactory(status="cancelled")
    with pytest.raises(FeedbackError, match="cancelled"):
        _give(meeting, meeting.student)


def test_awaiting_feedback_lists_past_unanswered_meetings_of_the_person():
    meeting = MeetingFactory()
    answered = MeetingFactory(mentorship=meeting.mentorship, days_ago=5)
    _give(answered, meeting.student)
    MeetingFactory(mentorship=meeting.mentorship, days_ago=-3)  # ahead
    MeetingFactory(mentorship=meeting.mentorship, days_ago=45)  # too long ago
    MeetingFactory(mentorship=meeting.mentorship, days_ago=8, status="cancelled")
    MeetingFactory()  # someone else's
    assert list(awaiting_feedback(user=meeting.student)) == [meeting]
    # The mentor has answered none of them.
    assert set(awaiting_feedback(user=meeting.mentor)) == {meeting, answered}
