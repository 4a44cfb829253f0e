"""After a meeting, its check-in note starts from the agenda, is filed on the mentee's
plan through the check-in feature, and its action items become milestones as usual."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from apps.matching.models import Mentorship
from apps.milestones.models import CheckIn, Milestone
from tests.meetings.conftest import MONDAY_9
from tests.meetings.factories import MeetingFactory, span
from tests.milestones.factories import PlanFactory

pytestmark = pytest.mark.django_db
AFTER = MONDAY_9 + dt.timedelta(hours=1)


@pytest.fixture
def meeting(mentorship):
    return MeetingFactory(
        mentorship=mentorship, during=span(MONDAY_9), agenda="- Related work\n- Next steps"
    )


@pytest.fixture
def plan(mentorship):
    return PlanFactory(owner=mentorship.student, title="PhD route")


def test_it_prefills_the_note_from_the_agenda(client, meeting, plan, mentorship):
    client.force_login(mentorship.student)
    with time_machine.travel(AFTER, tick=False):
        html = client.get(reverse("meetings:meeting_checkin", args=[meeting.pk])).content.decode()
    assert "- Related work\n- Next steps</textarea>" in html
    assert 'value="2026-12-07"' in html  # the meeting's local day (New York)
    assert "PhD route" in html


def test_it_saves_the_note_and_its_action_items_become_milestones(client, meeting, plan,
                                                                  mentorship):  # fmt: skip
    client.force_login(mentorship.mentor)
    with time_machine.travel(AFTER, tick=False):
        response = client.post(
            reverse("meetings:meeting_checkin", args=[meeting.pk]),
            {"plan": plan.pk, "date": "2026-12-07", "agenda": "- Related work",
             "notes": "Good progress", "action_items": "Draft the introduction"},
        )  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("milestones:checkin_list", args=[plan.pk])
    checkin = CheckIn.objects.get()
    assert (checkin.plan, checkin.author, checkin.mentor) == (plan, mentorship.mentor,
                                                              mentorship.mentor)  # fmt: skip
    meeting.refresh_from_db()
    assert meeting.checkin == checkin
    # The mentee turns the action item into a milestone on the check-in page, as always.
    client.force_login(mentorship.student)
    item = checkin.action_items.get()
    client.post(reverse("milestones:action_item_convert", args=[item.pk]), {"category": "other"})
    assert Milestone.objects.get(plan=plan).title == "Draft the introduction"


def test_it_waits_for_the_meeting_to_start(client, meeting, plan, mentorship):
    client.force_login(mentorship.student)
    with time_machine.travel(MONDAY_9 - dt.timedelta(hours=1), tick=False):
        url = reverse("meetings:meeting_checkin", args=[meeting.pk])
        assert "once the meeting has started" in client.get(url).content.decode()
        response = client.post(url, {"plan": plan.pk, "date": "2026-12-07", "notes": "Early"})
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_a_mentor_without_the_plan_shared_cannot_file_it(client, meeting, plan, mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(share_plan=False)
    client.force_login(mentorship.mentor)
    with time_machine.travel(AFTER, tick=False):
        url = reverse("meetings:meeting_checkin", args=[meeting.pk])
        assert "does not share their plan" in client.get(url).content.decode()
        response = client.post(url, {"plan": plan.pk, "date": "2026-12-07", "notes": "x"})
    assert response.status_code == 400
    assert not CheckIn.objects.exists()
