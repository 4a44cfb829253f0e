import datetime

import pytest
from django.urls import reverse

from apps.milestones.models import Plan
from tests.milestones.conftest import assert_denied
from tests.milestones.factories import MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_log_in(client):
    assert_denied(client.get(reverse("milestones:plan_list")))


def test_student_sees_only_own_plans(client, student, plan):
    PlanFactory(title="Someone else's plan")
    client.force_login(student)

    html = client.get(reverse("milestones:plan_list")).content.decode()

    assert "PhD route" in html
    assert "Someone else" not in html


def test_empty_state_guides_to_a_template(client, student):
    client.force_login(student)
    html = client.get(reverse("milestones:plan_list")).content.decode()
    assert "No plan yet" in html
    assert reverse("milestones:plan_from_template") in html


def test_mentor_sees_shared_plans_only(client, plan, shared_mentor, unshared_mentor):
    client.force_login(shared_mentor)
    assert "PhD route" in client.get(reverse("milestones:plan_list")).content.decode()
    client.force_login(unshared_mentor)
    assert "PhD route" not in client.get(reverse("milestones:plan_list")).content.decode()


def test_plan_list_query_count_is_constant(client, student, django_assert_num_queries):
    client.force_login(student)
    PlanFactory(owner=student)
    client.get(reverse("milestones:plan_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("milestones:plan_list"))
    for _ in range(5):
        MilestoneFactory.create_batch(3, plan=PlanFactory(owner=student))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("milestones:plan_list"))


def test_create_blank_plan_and_validation(client, student):
    client.force_login(student)
    url = reverse("milestones:plan_create")
    bad = client.post(
        url, {"title": "", "target_role": "RS", "start_date": "2026-01-01", "horizon_years": 40}
    )
    assert bad.status_code == 200
    assert "This field is required" in bad.content.decode()
    assert not Plan.objects.exists()

    good = client.post(
        url,
        {
            "title": "Industry route",
            "target_role": "RS",
            "start_date": "2026-01-01",
            "horizon_years": 8,
        },
    )
    plan = Plan.objects.get()
    assert good["Location"] == reverse("milestones:plan_detail", args=[plan.pk])
    assert plan.is_primary


@pytest.mark.parametrize("viewer", ["owner", "shared_mentor", "other_student", "anonymous"])
def test_only_the_owner_edits_deletes_or_promotes_the_plan(viewer, viewer_client, plan):
    c = viewer_client(viewer)
    edit = c.post(
        reverse("milestones:plan_edit", args=[plan.pk]),
        {
            "title": "Renamed",
            "target_role": "RS",
            "start_date": plan.start_date.isoformat(),
            "horizon_years": 5,
        },
    )
    promote = c.post(reverse("milestones:plan_make_primary", args=[plan.pk]))
    delete = c.post(reverse("milestones:plan_delete", args=[plan.pk]))

    if viewer == "owner":
        assert edit.status_code == promote.status_code == delete.status_code == 302
        assert not Plan.objects.filter(pk=plan.pk).exists()
    else:
        for response in (edit, promote, delete):
            assert_denied(response)
        plan.refresh_from_db()
        assert plan.title == "PhD route"


def test_plan_start_after_its_milestones_is_a_form_error(client, student, plan):
    MilestoneFactory(plan=plan, target_date=plan.start_date + datetime.timedelta(days=10))
    client.force_login(student)
    response = client.post(
        reverse("milestones:plan_edit", args=[plan.pk]),
        {
            "title": "PhD route",
            "target_role": "RS",
            "start_date": (plan.start_date + datetime.timedelta(days=30)).isoformat(),
            "horizon_years": 5,
        },
    )
    assert "milestone(s) are due before this date" in response.content.decode()
