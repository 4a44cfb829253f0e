import pytest
from django.urls import reverse

from apps.milestones.models import Milestone
from tests.milestones.conftest import VIEWERS, assert_denied
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_owner_deletes(viewer, viewer_client, milestone):
    response = viewer_client(viewer).post(
        reverse("milestones:milestone_delete", args=[milestone.pk]), headers=HTMX
    )

    exists = Milestone.objects.filter(pk=milestone.pk).exists()
    if viewer == "owner":
        assert response.status_code == 200
        assert not exists
        assert "No milestones yet" in response.content.decode()
    else:
        assert_denied(response)
        assert exists


def test_delete_asks_for_confirmation(client, student, milestone):
    client.force_login(student)
    row = client.get(
        reverse("milestones:milestone_detail", args=[milestone.pk]),
        {"fragment": "row"},
        headers=HTMX,
    ).content.decode()
    assert 'hx-confirm="Delete' in row


@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_owner_reorders(viewer, viewer_client, plan):
    first = MilestoneFactory(plan=plan, position=1, title="First")
    second = MilestoneFactory(plan=plan, position=2, title="Second", target_date=first.target_date)

    response = viewer_client(viewer).post(
        reverse("milestones:milestone_move", args=[second.pk]),
        {"direction": "up", "group": "year"},
        headers=HTMX,
    )

    order = list(plan.milestones.order_by("position").values_list("title", flat=True))
    if viewer == "owner":
        assert order == ["Second", "First"]
        html = response.content.decode()
        assert html.index("Second") < html.index("First")
        assert "autofocus" in html  # keyboard focus stays on the moved item's button
    else:
        assert_denied(response)
        assert order == ["First", "Second"]
