import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.registry import demo_seeders
from apps.meetings.models import Meeting, MeetingFeedback

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_both_answers_after_the_two_past_meetings_once():
    names = [name for name, _ in demo_seeders.items()]
    assert names.index("meeting_feedback") > names.index("meetings")
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)  # idempotent
    past = Meeting.objects.held(now=timezone.now())
    assert past.count() == 2
    answers = MeetingFeedback.objects.all()
    assert answers.count() == 4
    assert {a.meeting_id for a in answers} == set(past.values_list("pk", flat=True))
    for meeting in past:
        assert {a.author_id for a in answers if a.meeting_id == meeting.pk} == {
            meeting.student_id,
            meeting.mentor_id,
        }
