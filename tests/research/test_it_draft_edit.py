import pytest
from django.urls import reverse

from tests.research.access import WRITE_RULES, people, status_as
from tests.research.factories import DraftFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "expected"), WRITE_RULES.items())
def test_only_the_owner_may_open_the_edit_form(client, request, who, expected):
    users = people(request)
    draft = DraftFactory(owner=users["owner"])
    assert status_as(client, users[who], reverse("research:draft_edit", args=[draft.pk])) == (
        expected
    )


def test_mentor_cannot_change_a_shared_draft(client, student, sharing_mentor):
    draft = DraftFactory(owner=student, title="Original")
    client.force_login(sharing_mentor)
    response = client.post(reverse("research:draft_edit", args=[draft.pk]), {"title": "Hijack"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Original"


def test_owner_edits_a_draft(client, student):
    draft = DraftFactory(owner=student)
    client.force_login(student)
    response = client.post(
        reverse("research:draft_edit", args=[draft.pk]),
        {"title": "Better title", "next_action": "Write intro"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.next_action) == ("Better title", "Write intro")


def test_bad_edit_changes_nothing(client, student):
    draft = DraftFactory(owner=student, title="Keep me")
    client.force_login(student)
    response = client.post(
        reverse("research:draft_edit", args=[draft.pk]), {"title": "", "code_url": "nope"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Keep me"
