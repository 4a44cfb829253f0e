import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.demo import DemoContext
from apps.core.registry import demo_seeders
from apps.milestones.models import Plan, Status
from apps.milestones.selectors import plan_progress
from tests.accounts.factories import UserFactory
from tests.milestones.conftest import VIEWERS, assert_denied
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("viewer", VIEWERS)
def test_timeline_access(viewer, viewer_client, plan, milestone):
    response = viewer_client(viewer).get(reverse("milestones:plan_timeline", args=[plan.pk]))
    if viewer in {"owner", "shared_mentor"}:
        assert response.status_code == 200
    else:
        assert_denied(response)


def test_timeline_svg_has_years_today_dependencies_and_a_text_alternative(client, student, plan):
    a = MilestoneFactory(
        plan=plan,
        title="Read <b>papers</b>",
        category="specialisation",
        status=Status.DONE,
        completed_at=timezone.now(),
    )
    b = MilestoneFactory(
        plan=plan,
        title="Write",
        category="publication",
        target_date=plan.start_date + datetime.timedelta(days=800),
    )
    b.dependencies.set([a])
    client.force_login(student)

    html = client.get(reverse("milestones:plan_timeline", args=[plan.pk])).content.decode()

    assert '<svg class="timeline"' in html
    # A group whose milestones are named links, not an image hiding them.
    assert 'role="group" aria-labelledby="timeline-title"' in html
    assert "A group, not an image" not in html  # the template's comment stays out of the page
    assert 'aria-label="Read &lt;b&gt;papers&lt;/b&gt; — Done, due' in html
    assert 'class="tl-today"' in html
    assert html.count('class="tl-edge"') == 1
    assert f">{plan.start_date.year}</text>" in html
    assert "Timeline as text" in html
    assert "Read &lt;b&gt;papers&lt;/b&gt;" in html
    assert "<b>papers" not in html
    assert "1 of 2 done" in html
    assert 'class="chart-line"' in html


def test_timeline_query_count_does_not_grow(client, student, plan, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MilestoneFactory(plan=plan)
    client.force_login(student)
    client.get(reverse("milestones:plan_timeline", args=[plan.pk]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("milestones:plan_timeline", args=[plan.pk]))
    MilestoneFactory.create_batch(40, plan=plan)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("milestones:plan_timeline", args=[plan.pk]))


def _headline_and_chart_totals(html):
    headline = re.search(r"<strong>(\d+) of (\d+) done</strong>", html)
    goal = re.search(r'class="chart-label"[^>]*>(\d+) \(all\)</text>', html)
    title = re.search(r"Milestones completed over time: (\d+) of (\d+) by now", html)
    return int(headline[2]), int(goal[1]), int(title[2])


def test_the_chart_counts_out_of_the_same_total_as_the_page(client):
    """The demo student's plan has a skipped milestone: the chart's goal line and the
    progress line above it must count the same milestones."""
    demo = DemoContext(
        student=UserFactory(is_student=True),
        mentor=UserFactory(is_mentor=True),
        coordinator=UserFactory(is_coordinator=True),
    )
    dict(demo_seeders.items())["plans"](demo)
    plan = Plan.objects.get(owner=demo.student)
    assert plan.milestones.filter(status=Status.SKIPPED).exists()
    client.force_login(demo.student)

    html = client.get(reverse("milestones:plan_timeline", args=[plan.pk])).content.decode()

    page_total, goal_total, title_total = _headline_and_chart_totals(html)
    assert goal_total == title_total == page_total == plan_progress(plan=plan)["total"]
