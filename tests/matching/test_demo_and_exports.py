import io
import json

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder

from apps.accounts.models import User
from apps.core.demo import DEMO_MENTOR, DEMO_STUDENT
from apps.matching.exports import export
from apps.matching.models import (
    MatchingRound,
    MentorNote,
    MentorProfile,
    Mentorship,
    StudentPreferences,
)
from apps.matching.selectors import mentor_can_view
from tests.matching.factories import MentorProfileFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_gives_an_active_shared_mentorship():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    student = User.objects.get(email=DEMO_STUDENT)
    mentor = User.objects.get(email=DEMO_MENTOR)
    mentorship = Mentorship.objects.get(student=student, mentor=mentor)
    assert mentorship.status == "active"
    assert mentorship.share_plan
    assert mentorship.share_reading
    assert mentorship.share_papers
    assert mentor_can_view(viewer=mentor, owner=student, area="papers")
    assert MentorProfile.objects.count() == 9
    assert len({p.seniority for p in MentorProfile.objects.all()}) == 4
    assert (
        MatchingRound.objects.get(status="open")
        .cohort.memberships.filter(user=student, role="student")
        .exists()
    )


def test_export_has_profile_preferences_mentorships_and_own_notes(student, mentor):
    MentorProfileFactory(user=mentor)
    StudentPreferences.objects.create(user=student, interests="graphs")
    MentorshipFactory(student=student, mentor=mentor)
    MentorNote.objects.create(mentor=mentor, student=student, body="mentor's private note")
    mentor_data = export(mentor)
    student_data = export(student)
    json.dumps(mentor_data, cls=DjangoJSONEncoder)
    assert mentor_data["mentor_profile"]["capacity"] == 2
    assert mentor_data["mentor_notes_written"][0]["body"] == "mentor's private note"
    assert student_data["student_preferences"]["interests"] == "graphs"
    assert student_data["mentorships"][0]["sharing"]["plan"] is True
    assert "mentor's private note" not in json.dumps(student_data, cls=DjangoJSONEncoder)
