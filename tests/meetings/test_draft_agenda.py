"""The agenda drafted for a meeting: sections from every shared area, since the pair's
last meeting, and nothing an outsider could not see."""

import datetime as dt

import pytest
import time_machine

from apps.core.registry import data_exporters
from apps.meetings.agenda import NOTHING_NEW, agenda_since, draft_agenda
from apps.meetings.models import Fit
from apps.milestones.models import Status
from tests.matching.factories import MentorshipFactory
from tests.meetings.feedback_factories import MeetingFactory, MeetingFeedbackFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_agenda_has_the_purpose_and_a_section_per_kind_of_item():
    mentorship = MentorshipFactory(share_plan=True)
    plan = PlanFactory(owner=mentorship.student)
    MilestoneFactory(plan=plan, title="Email three labs", target_date=NOW.date() - dt.timedelta(3))
    MilestoneFactory(
        plan=plan, title="Finish RL course", status=Status.DONE, completed_at=NOW - dt.timedelta(2)
    )
    meeting = MeetingFactory(mentorship=mentorship, days_ago=-4, purpose="Applications")
    assert draft_agenda(meeting=meeting) == (
        "## Purpose\n\nApplications\n\n"
        "## Milestones completed since the last meeting\n\n- Finish RL course (done 8 Mar 2026)\n\n"
        "## Overdue milestones\n\n- Email three labs (was due 7 Mar 2026)\n"
    )


def test_an_unshared_plan_leaves_only_the_purpose():
    mentorship = MentorshipFactory(share_plan=False)
    MilestoneFactory(
        plan=PlanFactory(owner=mentorship.student), target_date=NOW.date() - dt.timedelta(3)
    )
    meeting = MeetingFactory(mentorship=mentorship, days_ago=-4, purpose="Applications")
    assert draft_agenda(meeting=meeting) == f"## Purpose\n\nApplications\n\n{NOTHING_NEW}\n"


def test_the_agenda_starts_after_the_pairs_last_held_meeting():
    mentorship = MentorshipFactory()
    meeting = MeetingFactory(mentorship=mentorship, days_ago=-4)
    assert agenda_since(meeting=meeting) == NOW - dt.timedelta(days=30)
    last = MeetingFactory(mentorship=mentorship, days_ago=6)
    MeetingFactory(mentorship=mentorship, days_ago=3, status="cancelled")
    MeetingFactory(mentorship=MentorshipFactory(student=mentorship.student), days_ago=1)
    assert agenda_since(meeting=meeting) == last.end


def test_the_export_holds_the_persons_own_answers_only():
    answer = MeetingFeedbackFactory(fit=Fit.NOT_GOOD, note_to_coordinator="Hard to talk.")
    MeetingFeedbackFactory(meeting=answer.meeting, author=answer.meeting.mentor)
    export = dict(data_exporters.items())["meeting_feedback"](answer.author)
    [row] = export["answers"]
    assert (row["fit"], row["note_to_coordinator"]) == ("not_good", "Hard to talk.")
