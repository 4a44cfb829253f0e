"""The home shows each person their meetings of the coming week, in their own time zone,
and nothing of other people's meetings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.urls import reverse

from apps.meetings.models import Meeting
from tests.matching.factories import MentorshipFactory
from tests.meetings.conftest import MONDAY_9
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _meeting(mentorship, start, **kw):
    return MeetingFactory(
        mentorship=mentorship,
        mentor=mentorship.mentor,
        student=mentorship.student,
        during=DateTimeTZRange(start, start + dt.timedelta(minutes=30)),
        **kw,
    )


def test_both_people_see_this_weeks_meeting_in_their_own_zone(client, frozen, mentorship):
    _meeting(mentorship, MONDAY_9, purpose="First paper")
    _meeting(mentorship, MONDAY_9 + dt.timedelta(days=10), purpose="Far ahead")
    _meeting(
        mentorship,
        MONDAY_9 + dt.timedelta(days=1),
        purpose="Called off",
        status=Meeting.Status.CANCELLED,
    )

    client.force_login(mentorship.mentor)
    body = client.get(reverse("home")).content.decode()
    assert "Meetings this week" in body
    assert "Mon 7 Dec, 09:00" in body  # London
    assert "with Sam Student" in body
    assert "First paper" in body
    assert "Far ahead" not in body
    assert "Called off" not in body

    client.force_login(mentorship.student)
    body = client.get(reverse("home")).content.decode()
    assert "Mon 7 Dec, 04:00" in body  # New York
    assert "with Maya Mentor" in body


def test_a_person_without_meetings_this_week_sees_no_section(client, frozen, mentorship):
    other = MentorshipFactory()
    _meeting(other, MONDAY_9, purpose="Someone else's meeting")
    client.force_login(mentorship.mentor)
    body = client.get(reverse("home")).content.decode()
    assert "Meetings this week" not in body
    assert "Someone else's meeting" not in body
