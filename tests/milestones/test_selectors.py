import datetime

import pytest
from django.utils import timezone

from apps.milestones.models import Status
from apps.milestones.selectors import plan_completion_series, plan_progress
from tests.milestones.factories import MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=10)
FUTURE = TODAY + datetime.timedelta(days=10)


def _plan_with(statuses):
    plan = PlanFactory(start_date=TODAY - datetime.timedelta(days=400))
    for category, status, day in statuses:
        MilestoneFactory(
            plan=plan,
            category=category,
            status=status,
            target_date=day,
            completed_at=timezone.now() if status == Status.DONE else None,
        )
    return plan


def test_plan_progress_counts_overall_and_per_category(django_assert_num_queries):
    plan = _plan_with(
        [
            ("research", Status.DONE, PAST),
            ("research", Status.PLANNED, PAST),  # overdue
            ("research", Status.IN_PROGRESS, FUTURE),
            ("skills", Status.SKIPPED, PAST),  # skipped is never overdue
            ("skills", Status.BLOCKED, FUTURE),
        ]
    )

    with django_assert_num_queries(2):
        progress = plan_progress(plan=plan)

    assert progress["total"] == 4  # a skipped milestone leaves the total
    assert progress["skipped"] == 1
    assert progress["done"] == 1
    assert progress["overdue"] == 1
    assert progress["done_pct"] == 25  # 1 of the 4 that still count
    assert progress["on_track_pct"] == 75  # 3 of 4 are done or not yet due
    research, skills = progress["by_category"]
    assert (research["category"], research["total"], research["done"], research["overdue"]) == (
        "research",
        3,
        1,
        1,
    )
    assert (skills["category"], skills["total"], skills["done"]) == ("skills", 1, 0)


def test_plan_progress_of_an_empty_plan():
    progress = plan_progress(plan=PlanFactory())
    assert progress["total"] == 0
    assert progress["done_pct"] == 0
    assert progress["on_track_pct"] == 0
    assert progress["by_category"] == []


def test_plan_progress_query_count_does_not_grow(django_assert_num_queries):
    small = _plan_with([("research", Status.DONE, PAST)] * 3)
    big = _plan_with([("research", Status.DONE, PAST), ("skills", Status.PLANNED, FUTURE)] * 60)
    with django_assert_num_queries(2):
        plan_progress(plan=small)
    with django_assert_num_queries(2):
        plan_progress(plan=big)


def test_completion_series_is_cumulative():
    plan = _plan_with([("research", Status.DONE, PAST)] * 2)
    series = plan_completion_series(plan=plan)
    assert series[-1][1] == 2
    assert [n for _month, n in series] == sorted(n for _month, n in series)
