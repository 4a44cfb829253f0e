import pytest
from django.urls import reverse

from apps.milestones.models import Milestone, Status
from tests.milestones.conftest import VIEWERS, assert_denied
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_owner_changes_status(viewer, viewer_client, milestone):
    response = viewer_client(viewer).post(
        reverse("milestones:milestone_status", args=[milestone.pk]),
        {"status": "done"},
        headers=HTMX,
    )

    milestone.refresh_from_db()
    if viewer == "owner":
        assert response.status_code == 200
        assert milestone.status == Status.DONE
    else:
        assert_denied(response)
        assert milestone.status == Status.PLANNED


def test_status_change_returns_the_row_and_the_new_progress(client, student, milestone):
    client.force_login(student)

    response = client.post(
        reverse("milestones:milestone_status", args=[milestone.pk]),
        {"status": "done"},
        headers=HTMX,
    )

    html = response.content.decode()
    assert f'id="milestone-{milestone.pk}"' in html
    assert 'id="plan-progress"' in html
    assert 'hx-swap-oob="true"' in html
    assert "1 of 1 done" in html
    assert "<html" not in html


def test_done_without_required_evidence_shows_an_error_and_saves_nothing(client, student, plan):
    m = MilestoneFactory(plan=plan, requires_evidence=True)
    client.force_login(student)
    url = reverse("milestones:milestone_status", args=[m.pk])

    html = client.post(url, {"status": "done"}, headers=HTMX).content.decode()

    assert "asks for evidence" in html
    assert 'role="alert"' in html
    assert Milestone.objects.get(pk=m.pk).status == Status.PLANNED

    client.post(
        url,
        {"status": "done", "evidence_url": "https://example.org/poster.pdf", "evidence_note": ""},
        headers=HTMX,
    )
    m.refresh_from_db()
    assert m.status == Status.DONE
    assert m.evidence_url == "https://example.org/poster.pdf"


def test_unknown_status_is_rejected(client, student, milestone):
    client.force_login(student)
    response = client.post(
        reverse("milestones:milestone_status", args=[milestone.pk]),
        {"status": "finished"},
        headers=HTMX,
    )
    assert "errorlist" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == Status.PLANNED


def test_status_change_without_javascript_redirects_back(client, student, milestone):
    client.force_login(student)
    response = client.post(
        reverse("milestones:milestone_status", args=[milestone.pk]), {"status": "in_progress"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("milestones:plan_detail", args=[milestone.plan_id])
    milestone.refresh_from_db()
    assert milestone.status == Status.IN_PROGRESS
    assert milestone.started_at is not None


def test_javascript_evidence_link_is_rejected(client, student, plan):
    m = MilestoneFactory(plan=plan, requires_evidence=True)
    client.force_login(student)

    html = client.post(
        reverse("milestones:milestone_status", args=[m.pk]),
        {"status": "done", "evidence_url": "javascript:alert(1)", "evidence_note": ""},
        headers=HTMX,
    ).content.decode()

    assert "Enter a valid URL" in html
    m.refresh_from_db()
    assert m.status == Status.PLANNED
    assert m.evidence_url == ""
