import datetime

import pytest
from django.urls import reverse

from apps.milestones.models import Milestone
from tests.milestones.conftest import VIEWERS, assert_denied
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _data(m, **overrides):
    data = {
        "title": m.title,
        "category": m.category,
        "target_date": m.target_date.isoformat(),
        "success_criterion": m.success_criterion,
        "description": m.description,
        "evidence_url": "",
        "evidence_note": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_owner_edits(viewer, viewer_client, milestone):
    c = viewer_client(viewer)
    url = reverse("milestones:milestone_edit", args=[milestone.pk])

    get = c.get(url, headers=HTMX)
    post = c.post(url, _data(milestone, title="Changed"), headers=HTMX)

    milestone.refresh_from_db()
    if viewer == "owner":
        assert get.status_code == 200
        assert post.status_code == 200
        assert milestone.title == "Changed"
        assert post["HX-Retarget"] == "#plan-body"
    else:
        assert_denied(get)
        assert_denied(post)
        assert milestone.title == "Join a research group"


def test_edit_rejects_a_date_before_the_plan_starts(client, student, milestone):
    client.force_login(student)
    early = milestone.plan.start_date - datetime.timedelta(days=1)

    response = client.post(
        reverse("milestones:milestone_edit", args=[milestone.pk]),
        _data(milestone, target_date=early.isoformat(), title="Changed"),
        headers=HTMX,
    )

    assert "before the plan starts" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.title == "Join a research group"


def test_edit_rejects_a_dependency_cycle(client, student, plan):
    a = MilestoneFactory(plan=plan, title="A")
    b = MilestoneFactory(plan=plan, title="B")
    b.dependencies.set([a])
    client.force_login(student)

    response = client.post(
        reverse("milestones:milestone_edit", args=[a.pk]),
        {**_data(a), "dependencies": [b.pk]},
        headers=HTMX,
    )

    assert "would form a cycle" in response.content.decode()
    assert not a.dependencies.exists()


def test_edit_rejects_a_dependency_on_another_plan(client, student, plan, milestone):
    foreign = MilestoneFactory(plan__owner=student)
    client.force_login(student)

    response = client.post(
        reverse("milestones:milestone_edit", args=[milestone.pk]),
        {**_data(milestone), "dependencies": [foreign.pk]},
        headers=HTMX,
    )

    assert "Select a valid choice" in response.content.decode()
    assert not milestone.dependencies.exists()


def test_oversized_description_is_rejected(client, student, milestone):
    client.force_login(student)
    response = client.post(
        reverse("milestones:milestone_edit", args=[milestone.pk]),
        _data(milestone, description="x" * 5001),
        headers=HTMX,
    )
    assert "at most 5000 characters" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).description == ""


def test_edit_sets_dependencies_from_the_picker(client, student, plan, milestone):
    other = MilestoneFactory(plan=plan, title="Read the literature")
    client.force_login(student)

    client.post(
        reverse("milestones:milestone_edit", args=[milestone.pk]),
        {**_data(milestone), "dependencies": [other.pk]},
        headers=HTMX,
    )

    assert list(milestone.dependencies.all()) == [other]
