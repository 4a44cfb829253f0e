import datetime

import pytest
from django.urls import reverse

from tests.milestones.conftest import VIEWERS, assert_denied

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _data(plan, **overrides):
    data = {
        "title": "Submit to NeurIPS workshop",
        "category": "publication",
        "target_date": (plan.start_date + datetime.timedelta(days=100)).isoformat(),
        "success_criterion": "Submission confirmed",
        "description": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_owner_adds(viewer, viewer_client, plan):
    response = viewer_client(viewer).post(
        reverse("milestones:milestone_add", args=[plan.pk]), _data(plan), headers=HTMX
    )

    if viewer == "owner":
        assert response.status_code == 200
        assert plan.milestones.get().title == "Submit to NeurIPS workshop"
    else:
        assert_denied(response)
        assert not plan.milestones.exists()


def test_added_milestone_appears_in_the_list_and_progress(client, student, plan):
    client.force_login(student)

    html = client.post(
        reverse("milestones:milestone_add", args=[plan.pk]), _data(plan), headers=HTMX
    ).content.decode()

    assert 'id="add-milestone"' in html
    assert 'id="plan-body"' in html
    assert 'hx-swap-oob="true"' in html
    assert "0 of 1 done" in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"success_criterion": ""}, "This field is required"),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"target_date": "2000-01-01"}, "before the plan starts"),
        ({"category": "astrology"}, "Select a valid choice"),
    ],
)
def test_bad_input_gives_a_form_error_and_saves_nothing(client, student, plan, overrides, message):
    client.force_login(student)

    response = client.post(
        reverse("milestones:milestone_add", args=[plan.pk]), _data(plan, **overrides), headers=HTMX
    )

    assert message in response.content.decode()
    assert not plan.milestones.exists()


def test_add_without_javascript_redirects_to_the_plan(client, student, plan):
    client.force_login(student)
    response = client.post(reverse("milestones:milestone_add", args=[plan.pk]), _data(plan))
    assert response.status_code == 302
    assert plan.milestones.count() == 1
