"""The plan page stays light as a plan grows: a row shows its controls only when asked,
and the add form's dependency checkboxes load when the picker is opened."""

import datetime

import pytest
from django.urls import reverse

from apps.milestones.models import Milestone, Status
from tests.milestones.conftest import VIEWERS, assert_denied
from tests.milestones.factories import MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
# Session, user, plan, milestones, their dependencies, progress (two), the add form's
# "has milestones to depend on" check, the unread-messages badge.
PLAN_PAGE_QUERIES = 9


def _plan_with(n, owner):
    plan = PlanFactory(owner=owner)
    milestones = Milestone.objects.bulk_create(
        Milestone(
            plan=plan,
            title=f"Step {i}",
            success_criterion="Something measurable",
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
    return plan


@pytest.mark.parametrize("size", [10, 60])
def test_plan_page_runs_the_same_queries_at_any_size(
    client, student, size, django_assert_num_queries
):
    plan = _plan_with(size, student)
    client.force_login(student)
    url = reverse("milestones:plan_detail", args=[plan.pk])

    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(url)

    html = response.content.decode()
    assert html.count('class="milestone milestone-') == size
    assert html.count("Depends on: Step ") == size - 1
    assert f"<title>{plan.title} · Pacer</title>" in html


def test_a_row_costs_well_under_a_kilobyte_and_carries_no_form(client, student):
    small, big = _plan_with(10, student), _plan_with(60, student)
    client.force_login(student)

    small_html = client.get(reverse("milestones:plan_detail", args=[small.pk])).content.decode()
    big_html = client.get(reverse("milestones:plan_detail", args=[big.pk])).content.decode()

    # 300 milestones must stay under 300 KiB of HTML, page and all.
    assert (len(big_html) - len(small_html)) / 50 < 900
    # Forms (and their CSRF tokens) are the add form's and the sign-out button's only.
    assert big_html.count("csrfmiddlewaretoken") == small_html.count("csrfmiddlewaretoken") == 2
    assert 'type="checkbox"' not in big_html


def test_a_row_opens_its_controls_through_htmx(client, student, plan):
    m = MilestoneFactory(plan=plan, title="Write to a researcher")
    client.force_login(student)
    page = client.get(reverse("milestones:plan_detail", args=[plan.pk])).content.decode()
    fragment_url = reverse("milestones:milestone_detail", args=[m.pk]) + "?fragment=row"
    assert f'hx-get="{fragment_url}"' in page
    assert reverse("milestones:milestone_status", args=[m.pk]) not in page

    row = client.get(fragment_url, headers=HTMX).content.decode()

    assert row.lstrip().startswith(f'<li id="milestone-{m.pk}"')
    for name in ("milestone_status", "milestone_edit", "milestone_move", "milestone_delete"):
        assert reverse(f"milestones:{name}", args=[m.pk]) in row
    assert 'name="status" autofocus' in row


def test_without_javascript_the_link_opens_that_row_on_the_plan_page(client, student, plan):
    opened = MilestoneFactory(plan=plan, title="Opened", category="skills")
    closed = MilestoneFactory(plan=plan, title="Closed")
    client.force_login(student)
    url = reverse("milestones:plan_detail", args=[plan.pk])

    page = client.get(url, {"group": "category", "filter_status": "planned"}).content.decode()
    assert f'href="?group=category&amp;filter_status=planned&amp;manage={opened.pk}#' in page

    page = client.get(url, {"group": "category", "manage": str(opened.pk)}).content.decode()

    assert reverse("milestones:milestone_status", args=[opened.pk]) in page
    assert reverse("milestones:milestone_status", args=[closed.pk]) not in page
    assert page.count("csrfmiddlewaretoken") == 2 + 3  # the open row's three forms


def test_a_bad_manage_value_opens_nothing(client, student, plan, milestone):
    client.force_login(student)
    url = reverse("milestones:plan_detail", args=[plan.pk])

    response = client.get(url, {"manage": "1 OR 1=1"})

    assert response.status_code == 200
    assert reverse("milestones:milestone_status", args=[milestone.pk]) not in (
        response.content.decode()
    )


def test_a_mentor_sees_each_status_and_no_change_link(viewer_client, plan, milestone):
    html = (
        viewer_client("shared_mentor")
        .get(reverse("milestones:plan_detail", args=[plan.pk]), {"manage": str(milestone.pk)})
        .content.decode()
    )

    assert '<span class="badge">Planned</span>' in html
    assert "?fragment=row" not in html
    assert reverse("milestones:milestone_status", args=[milestone.pk]) not in html


def test_the_edited_row_keeps_its_controls_open(client, student, milestone):
    client.force_login(student)
    data = {
        "title": "Join a lab",
        "category": milestone.category,
        "target_date": milestone.target_date.isoformat(),
        "success_criterion": milestone.success_criterion,
        "description": "",
        "evidence_url": "",
        "evidence_note": "",
    }

    response = client.post(
        reverse("milestones:milestone_edit", args=[milestone.pk]), data, headers=HTMX
    )

    assert response["HX-Retarget"] == "#plan-body"
    assert reverse("milestones:milestone_status", args=[milestone.pk]) in response.content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_dependency_choices_load_for_the_owner_only(viewer, viewer_client, plan, milestone):
    url = reverse("milestones:milestone_add", args=[plan.pk]) + "?fragment=dependencies"

    response = viewer_client(viewer).get(url, headers=HTMX)

    if viewer == "owner":
        html = response.content.decode()
        assert response.status_code == 200
        assert 'type="checkbox"' in html
        assert f'value="{milestone.pk}"' in html
        assert "<form" not in html
    else:
        assert_denied(response)


def test_the_picker_offers_the_full_form_without_javascript(client, student, plan, milestone):
    client.force_login(student)

    page = client.get(reverse("milestones:plan_detail", args=[plan.pk])).content.decode()

    add_url = reverse("milestones:milestone_add", args=[plan.pk])
    assert f'hx-get="{add_url}?fragment=dependencies"' in page
    assert f'<a href="{add_url}">Open the full form</a>' in page
    full = client.get(add_url).content.decode()
    assert f'value="{milestone.pk}"' in full


def test_a_rejected_add_keeps_the_chosen_dependencies_checked(client, student, plan, milestone):
    client.force_login(student)

    html = client.post(
        reverse("milestones:milestone_add", args=[plan.pk]),
        {"title": "", "dependencies": [milestone.pk]},
        headers=HTMX,
    ).content.decode()

    assert "This field is required" in html
    assert f'value="{milestone.pk}" id="id_dependencies_0" checked' in html
