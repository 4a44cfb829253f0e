import pytest
from django.urls import reverse

from apps.milestones.models import MilestoneComment
from tests.milestones.conftest import VIEWERS, assert_denied

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("viewer", VIEWERS)
def test_milestone_page_access(viewer, viewer_client, milestone):
    response = viewer_client(viewer).get(
        reverse("milestones:milestone_detail", args=[milestone.pk])
    )

    if viewer in {"owner", "shared_mentor"}:
        assert response.status_code == 200
        assert "Join a research group" in response.content.decode()
    else:
        assert_denied(response)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_owner_and_sharing_mentor_comment_others_cannot(viewer, viewer_client, milestone):
    response = viewer_client(viewer).post(
        reverse("milestones:comment_add", args=[milestone.pk]),
        {"body": "Try the *RL* reading group"},
    )

    if viewer in {"owner", "shared_mentor"}:
        assert response.status_code == 302
        assert milestone.comments.get().body == "Try the *RL* reading group"
    else:
        assert_denied(response)
        assert not MilestoneComment.objects.exists()


def test_comment_markdown_is_rendered_safely(client, shared_mentor, milestone):
    client.force_login(shared_mentor)
    client.post(
        reverse("milestones:comment_add", args=[milestone.pk]),
        {
            "body": "**Good** <script>alert(1)</script>"
            '<img src=x onerror="alert(2)"> [a](javascript:alert(3))'
        },
    )

    html = client.get(reverse("milestones:milestone_detail", args=[milestone.pk])).content.decode()

    assert "<strong>Good</strong>" in html
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "javascript:alert" not in html


def test_empty_or_oversized_comment_is_rejected(client, student, milestone):
    client.force_login(student)
    url = reverse("milestones:comment_add", args=[milestone.pk])

    empty = client.post(url, {"body": "  "})
    huge = client.post(url, {"body": "x" * 4001})

    assert empty.status_code == huge.status_code == 400
    assert "This field is required" in empty.content.decode()
    assert "at most 4000 characters" in huge.content.decode()
    assert not milestone.comments.exists()
