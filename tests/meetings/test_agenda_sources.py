"""Each capability's contribution to a meeting's agenda: the known mix of items, and the
sharing decided by the mentee, area by area and item by item."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from apps.core.registry import agenda_sources
from apps.matching.models import ShareArea
from apps.milestones.models import Status
from apps.readinglists.models import ReviewCard, ReviewLog
from apps.research.models import ContactStatus, Stage
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorshipFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory
from tests.readinglists.factories import ReviewCardFactory
from tests.research.factories import (
    ContactFactory,
    DraftFactory,
    VenueDeadlineFactory,
    VenueFactory,
)

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
SINCE = NOW - dt.timedelta(days=14)
MEETING = NOW + dt.timedelta(days=5)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _all_shared(student, mentor):
    return MentorshipFactory(
        student=student,
        mentor=mentor,
        share_plan=True,
        share_reading=True,
        share_papers=True,
        share_outreach=True,
    )


def _evidence(student, tag=""):
    """One item of each kind, and for each a look-alike that must stay out."""
    today = NOW.date()
    plan = PlanFactory(owner=student)
    MilestoneFactory(
        plan=plan,
        title="Finish RL course",
        status=Status.DONE,
        completed_at=NOW - dt.timedelta(days=3),
    )
    MilestoneFactory(
        plan=plan,
        title="Done long ago",
        status=Status.DONE,
        completed_at=NOW - dt.timedelta(days=40),
    )
    MilestoneFactory(plan=plan, title="Email three labs", target_date=today - dt.timedelta(2))
    MilestoneFactory(
        plan=plan,
        title="Skipped late one",
        status=Status.SKIPPED,
        target_date=today - dt.timedelta(2),
    )
    MilestoneFactory(plan=plan, title="Draft SOP", target_date=today + dt.timedelta(4))
    MilestoneFactory(plan=plan, title="Far future", target_date=today + dt.timedelta(60))

    venue = VenueFactory(title=f"NeurIPS{tag}")
    VenueDeadlineFactory(venue=venue, in_days=20)
    DraftFactory(owner=student, title="Policy gradients paper", target_venue=venue)
    far = VenueFactory(title=f"ICML{tag}")
    VenueDeadlineFactory(venue=far, in_days=120)
    DraftFactory(owner=student, title="Far paper", target_venue=far)
    DraftFactory(owner=student, title="Published paper", target_venue=venue, stage=Stage.PUBLISHED)

    ContactFactory(
        owner=student,
        name="Dr Ada",
        status=ContactStatus.EMAILED,
        follow_up_on=today + dt.timedelta(2),
    )
    ContactFactory(
        owner=student,
        name="Dr Later",
        status=ContactStatus.EMAILED,
        follow_up_on=today + dt.timedelta(30),
    )

    shaky = ReviewCardFactory(owner=student, topic="probability")
    solid = ReviewCardFactory(owner=student, topic="calculus")
    for card, rating, count in ((shaky, 1, 3), (solid, 1, 1), (solid, 3, 5)):
        for i in range(count):
            ReviewLog.objects.create(
                card=card,
                user=student,
                rating=rating,
                state_before=ReviewCard.State.REVIEW,
                reviewed_at=NOW - dt.timedelta(days=1, minutes=i),
            )
    # A lapse before the last meeting is old news.
    ReviewLog.objects.create(
        card=solid,
        user=student,
        rating=1,
        state_before=ReviewCard.State.REVIEW,
        reviewed_at=SINCE - dt.timedelta(days=1),
    )


def _items(student, mentor):
    out = {}
    for area, fn in agenda_sources.items():
        items = fn(student=student, mentor=mentor, since=SINCE, until=MEETING)
        out[area] = [(i.section, i.text) for i in items]
    return out


@pytest.fixture
def pair(db):
    student = UserFactory(is_student=True)
    mentor = UserFactory(is_mentor=True)
    mentorship = _all_shared(student, mentor)
    _evidence(student)
    return student, mentor, mentorship


def test_every_area_contributes_once():
    assert [name for name, _ in agenda_sources.items()] == [
        ShareArea.PLAN,
        ShareArea.PAPERS,
        ShareArea.OUTREACH,
        ShareArea.READING,
    ]


def test_the_known_mix_appears(pair):
    student, mentor, _ = pair
    items = _items(student, mentor)
    assert items[ShareArea.PLAN] == [
        ("Milestones completed since the last meeting", "Finish RL course (done 7 Mar 2026)"),
        ("Overdue milestones", "Email three labs (was due 8 Mar 2026)"),
        ("Milestones due by this meeting", "Draft SOP (due 14 Mar 2026)"),
    ]
    [(section, text)] = items[ShareArea.PAPERS]
    assert section == "Paper drafts near a deadline"
    # 23:59 AoE on 30 March is 31 March in London, the student's time zone.
    assert text == "Policy gradients paper: NeurIPS full paper on 31 Mar 2026 (drafting)"
    assert items[ShareArea.OUTREACH] == [
        ("Outreach follow-ups due", "Follow up with Dr Ada, Example University (due 12 Mar 2026)")
    ]
    assert items[ShareArea.READING] == [
        ("Maths topics to go over", "Probability: 3 lapses in review"),
        ("Maths topics to go over", "Calculus: 1 lapse in review"),
    ]


@pytest.mark.parametrize("area", ShareArea.values)
def test_an_area_not_shared_contributes_nothing_and_the_others_stay(pair, area):
    student, mentor, mentorship = pair
    setattr(mentorship, f"share_{area}", False)
    mentorship.save()
    items = _items(student, mentor)
    assert items[area] == []
    assert all(items[other] for other in ShareArea.values if other != area)


def test_someone_who_is_not_the_mentor_sees_nothing(pair):
    student, _, _ = pair
    stranger = UserFactory(is_mentor=True)
    assert _items(student, stranger) == {area: [] for area in ShareArea.values}


def test_a_mentor_of_another_student_sees_nothing_of_this_one(pair):
    student, _, _ = pair
    other_mentor = UserFactory(is_mentor=True)
    _all_shared(UserFactory(is_student=True), other_mentor)
    assert _items(student, other_mentor) == {area: [] for area in ShareArea.values}


def test_an_ended_mentorship_sees_nothing(pair):
    student, mentor, mentorship = pair
    mentorship.status = mentorship.Status.ENDED
    mentorship.save()
    assert _items(student, mentor) == {area: [] for area in ShareArea.values}


def test_each_source_costs_one_query_however_much_evidence(pair, django_assert_num_queries):
    student, mentor, _ = pair
    _evidence(student, tag="2")
    for _area, fn in agenda_sources.items():
        with django_assert_num_queries(1):
            fn(student=student, mentor=mentor, since=SINCE, until=MEETING)
