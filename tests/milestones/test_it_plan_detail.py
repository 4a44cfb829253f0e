import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.milestones.models import Milestone, MilestoneComment, Status
from tests.milestones.conftest import VIEWERS, assert_denied
from tests.milestones.factories import MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("viewer", VIEWERS)
def test_plan_page_access(viewer, viewer_client, plan, milestone):
    response = viewer_client(viewer).get(reverse("milestones:plan_detail", args=[plan.pk]))

    if viewer in {"owner", "shared_mentor"}:
        assert response.status_code == 200
        assert milestone.title in response.content.decode()
    else:
        assert_denied(response)


def test_mentor_sees_the_plan_read_only(viewer_client, plan, milestone):
    html = (
        viewer_client("shared_mentor")
        .get(reverse("milestones:plan_detail", args=[plan.pk]))
        .content.decode()
    )

    assert reverse("milestones:milestone_status", args=[milestone.pk]) not in html
    assert "Add a milestone" not in html
    assert "Planned" in html


def test_ended_mentorship_loses_access(client, plan, shared_mentor):
    shared_mentor.mentorships_as_mentor.update(status="ended")
    client.force_login(shared_mentor)

    response = client.get(reverse("milestones:plan_detail", args=[plan.pk]))

    assert response.status_code == 404


def test_overdue_milestones_stand_out(client, student, plan):
    MilestoneFactory(
        plan=plan, title="Late one", target_date=datetime.date.today() - datetime.timedelta(days=3)
    )
    client.force_login(student)

    html = client.get(reverse("milestones:plan_detail", args=[plan.pk])).content.decode()

    assert "is-overdue" in html
    assert "Overdue" in html


def test_group_by_category_and_filter_by_status(client, student, plan):
    MilestoneFactory(plan=plan, title="Paper out", category="publication", status=Status.DONE)
    MilestoneFactory(plan=plan, title="Learn measure theory", category="skills")
    client.force_login(student)
    url = reverse("milestones:plan_detail", args=[plan.pk])

    html = client.get(url, {"group": "category"}).content.decode()
    assert html.index("Publication") < html.index("Skills &amp; maths")

    fragment = client.get(
        url, {"filter_status": "done"}, headers={"HX-Request": "true", "HX-Target": "plan-body"}
    )
    body = fragment.content.decode()
    assert "Paper out" in body
    assert "Learn measure theory" not in body
    assert "<html" not in body


def test_markdown_in_description_is_neutralised(client, student, plan):
    m = MilestoneFactory(
        plan=plan,
        description="<script>alert(1)</script> [x](javascript:alert(2)) "
        '<b onclick="alert(3)">b</b>',
    )
    client.force_login(student)

    html = client.get(reverse("milestones:milestone_detail", args=[m.pk])).content.decode()

    assert "<script>alert(1)" not in html
    assert "javascript:alert" not in html
    assert 'onclick="alert' not in html


def _plan_with(n, owner):
    plan = PlanFactory(owner=owner)
    milestones = Milestone.objects.bulk_create(
        Milestone(
            plan=plan,
            title=f"Step {i}",
            success_criterion="s",
            position=i,
            category=["research", "skills", "publication"][i % 3],
            status=[Status.PLANNED, Status.DONE, Status.IN_PROGRESS][i % 3],
            target_date=plan.start_date + datetime.timedelta(days=30 * i),
        )
        for i in range(n)
    )
    Through = Milestone.dependencies.through
    Through.objects.bulk_create(
        Through(from_milestone=m, to_milestone=milestones[i - 1])
        for i, m in enumerate(milestones)
        if i
    )
    MilestoneComment.objects.bulk_create(
        MilestoneComment(milestone=m, author=owner, body="Note") for m in milestones
    )
    return plan


def test_plan_page_query_count_is_the_same_for_3_and_300_milestones(
    client, student, django_assert_num_queries
):
    small = _plan_with(3, student)
    big = _plan_with(300, student)
    client.force_login(student)
    client.get(reverse("milestones:plan_detail", args=[small.pk]))  # warm the session

    with CaptureQueriesContext(connection) as small_ctx:
        small_response = client.get(reverse("milestones:plan_detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as big_ctx:
        big_response = client.get(reverse("milestones:plan_detail", args=[big.pk]))

    assert small_response.status_code == big_response.status_code == 200
    assert len(big_ctx.captured_queries) == len(small_ctx.captured_queries)
    with django_assert_num_queries(len(small_ctx.captured_queries)):
        client.get(reverse("milestones:plan_detail", args=[big.pk]))
    # Everything is on the page at once, nothing paginated away.
    assert big_response.content.decode().count('class="milestone milestone-') == 300


def test_evidence_badge_only_on_milestones_still_to_finish(client):
    from apps.milestones.models import Status
    from tests.milestones.factories import MilestoneFactory, PlanFactory

    plan = PlanFactory()
    MilestoneFactory(plan=plan, title="Still open", requires_evidence=True)
    MilestoneFactory(
        plan=plan,
        title="Already done",
        requires_evidence=True,
        status=Status.DONE,
        evidence_url="https://github.com/example/baseline",
    )
    client.force_login(plan.owner)

    page = client.get(reverse("milestones:plan_detail", args=[plan.pk])).content.decode()

    assert page.count("Evidence needed") == 1
    open_row = page[page.index("Still open") :]
    assert open_row.index("Evidence needed") < open_row.index("Already done")
