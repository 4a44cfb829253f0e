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


@pytest.fixture
def blocked_by(plan):
    """A milestone whose one dependency, with a title that needs escaping, is still open."""
    dependency = MilestoneFactory(plan=plan, title="Read <b>Sutton</b> & Barto")
    m = MilestoneFactory(plan=plan, title="Reimplement REINFORCE")
    m.dependencies.set([dependency])
    return m


WARNING = (
    "depends on milestones that are not finished yet: “Read &lt;b&gt;Sutton&lt;/b&gt; &amp; Barto”"
)
CONFIRM = 'name="confirm_open_dependencies" value="1"'


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_done_with_an_open_dependency_asks_first_and_changes_nothing(
    client, student, blocked_by, htmx
):
    client.force_login(student)
    url = reverse("milestones:milestone_status", args=[blocked_by.pk])

    response = client.post(url, {"status": "done"}, headers=HTMX if htmx else {})

    assert response.status_code == 200
    html = response.content.decode()
    assert WARNING in html
    assert "<b>Sutton</b>" not in html
    assert 'role="alert"' in html
    assert f'{CONFIRM} class="button-small">Mark done anyway</button>' in html
    assert '<option value="done" selected>' in html
    assert "evidence_url" not in html
    assert ("<html" in html) is not htmx
    blocked_by.refresh_from_db()
    assert blocked_by.status == Status.PLANNED
    assert blocked_by.started_at is None


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_confirming_marks_done_despite_the_open_dependency(client, student, blocked_by, htmx):
    client.force_login(student)
    url = reverse("milestones:milestone_status", args=[blocked_by.pk])

    response = client.post(
        url, {"status": "done", "confirm_open_dependencies": "1"}, headers=HTMX if htmx else {}
    )

    if htmx:
        html = response.content.decode()
        assert "1 of 2 done" in html
        assert "not finished yet" not in html
    else:
        assert response.status_code == 302
    blocked_by.refresh_from_db()
    assert blocked_by.status == Status.DONE
    assert blocked_by.completed_at is not None


def test_done_with_finished_dependencies_asks_nothing(client, student, blocked_by):
    blocked_by.dependencies.update(status=Status.SKIPPED)
    client.force_login(student)

    response = client.post(
        reverse("milestones:milestone_status", args=[blocked_by.pk]), {"status": "done"}
    )

    assert response.status_code == 302
    assert Milestone.objects.get(pk=blocked_by.pk).status == Status.DONE


@pytest.mark.parametrize("status", ["in_progress", "blocked", "skipped", "planned"])
def test_other_statuses_do_not_ask_about_dependencies(client, student, blocked_by, status):
    client.force_login(student)

    html = client.post(
        reverse("milestones:milestone_status", args=[blocked_by.pk]),
        {"status": status},
        headers=HTMX,
    ).content.decode()

    assert "not finished yet" not in html
    assert CONFIRM not in html
    assert Milestone.objects.get(pk=blocked_by.pk).status == status


def test_confirmation_is_kept_while_the_evidence_is_asked_for(client, student, blocked_by):
    Milestone.objects.filter(pk=blocked_by.pk).update(requires_evidence=True)
    client.force_login(student)
    url = reverse("milestones:milestone_status", args=[blocked_by.pk])

    html = client.post(
        url, {"status": "done", "confirm_open_dependencies": "1"}, headers=HTMX
    ).content.decode()

    assert "asks for evidence" in html
    assert f'<input type="hidden" {CONFIRM}>' in html
    assert "Mark done anyway" not in html
    client.post(
        url,
        {"status": "done", "evidence_note": "Runs in the repo", "confirm_open_dependencies": "1"},
        headers=HTMX,
    )
    assert Milestone.objects.get(pk=blocked_by.pk).status == Status.DONE


def test_evidence_needed_without_javascript_opens_the_row_with_the_fields(client, student, plan):
    m = MilestoneFactory(plan=plan, requires_evidence=True)
    client.force_login(student)

    response = client.post(reverse("milestones:milestone_status", args=[m.pk]), {"status": "done"})

    html = response.content.decode()
    assert "asks for evidence" in html
    assert f'id="evidence-url-{m.pk}"' in html
    assert CONFIRM not in html
    assert Milestone.objects.get(pk=m.pk).status == Status.PLANNED
