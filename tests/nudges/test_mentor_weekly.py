"""The mentor's weekly summary shows what the matching selectors let a mentor see."""

import datetime as dt

import pytest

from apps.matching.models import ShareArea
from apps.matching.selectors import mentorships_sharing, mentorships_sharing_sql
from apps.nudges.models import Kind, Notification
from apps.nudges.services import nudges_sweep
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory
from tests.nudges.factories import MentorshipFactory

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def _mentee_with_an_overdue_milestone():
    return MilestoneFactory(target_date=dt.date(2026, 11, 20)).plan.owner


def test_a_mentee_sharing_every_area_but_the_plan_is_never_mentioned():
    mentor = UserFactory(is_mentor=True, timezone="UTC")
    sharing = _mentee_with_an_overdue_milestone()
    private = _mentee_with_an_overdue_milestone()
    MentorshipFactory(mentor=mentor, student=sharing, status="active")
    MentorshipFactory(
        mentor=mentor,
        student=private,
        status="active",
        share_plan=False,
        share_reading=True,
        share_papers=True,
        share_outreach=True,
    )
    nudges_sweep(now=MONDAY, force=True)

    [summary] = Notification.objects.filter(user=mentor, kind=Kind.MENTOR_WEEKLY)
    assert [m["id"] for m in summary.context["mentees"]] == [sharing.pk]
    assert summary.title == "Your mentees this week: 1 to check in with"
    assert private.name not in summary.body
    assert summary.body.startswith(f"{sharing.name}: 1 overdue, 0 due soon")


def test_an_ended_mentorship_shares_nothing_any_more():
    mentor = UserFactory(is_mentor=True, timezone="UTC")
    MentorshipFactory(mentor=mentor, student=_mentee_with_an_overdue_milestone(), status="ended")
    nudges_sweep(now=MONDAY, force=True)
    assert not Notification.objects.filter(user=mentor, kind=Kind.MENTOR_WEEKLY).exists()


def test_the_summary_takes_who_shares_from_the_selectors_query():
    # The one definition of "shares the plan" is the selectors' query: the rule runs
    # that query's own SQL rather than restating it.
    query = mentorships_sharing(area="plan").values("mentor_id", "student_id").query
    sql, _params = query.sql_with_params()
    assert mentorships_sharing_sql(area=ShareArea.PLAN).startswith(sql.split("WHERE")[0])
    assert '"share_plan"' in mentorships_sharing_sql(area=ShareArea.PLAN)
