import pytest
from django.urls import reverse

from apps.research.models import Draft, Stage
from tests.research.conftest import make_mentorship
from tests.research.factories import VenueFactory

pytestmark = pytest.mark.django_db
URL = reverse("research:draft_create")


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL, {"title": "x"}).status_code == 302
    assert not Draft.objects.exists()


def test_create_a_draft_with_venue_and_coauthor(client, student, mentor, other_student):
    make_mentorship(student, mentor)
    venue = VenueFactory()
    client.force_login(student)
    page = client.get(URL).content.decode()
    assert mentor.name in page
    assert other_student.name not in page  # not a co-author candidate: no mentorship
    response = client.post(
        URL,
        {
            "title": "Sparse rewards",
            "stage": Stage.OUTLINE,
            "target_venue": venue.pk,
            "coauthor_users": [mentor.pk],
            "coauthors": "A. Colleague",
            "manuscript_url": "https://example.org/paper.pdf",
        },
    )
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("research:draft_detail", args=[draft.pk])
    assert (draft.owner, draft.stage, draft.target_venue) == (student, Stage.OUTLINE, venue)
    assert list(draft.coauthor_users.all()) == [mentor]
    assert draft.stage_changes.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "This field is required"),
        ({"title": "x", "stage": "retracted"}, "Select a valid choice"),
        ({"title": "x", "manuscript_url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"title": "x", "target_venue": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_shows_an_error_and_creates_nothing(client, student, data, message):
    client.force_login(student)
    response = client.post(URL, {"stage": Stage.IDEA, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Draft.objects.exists()


def test_cannot_add_a_stranger_as_coauthor(client, student, other_student):
    client.force_login(student)
    response = client.post(
        URL, {"title": "x", "stage": Stage.IDEA, "coauthor_users": [other_student.pk]}
    )
    assert response.status_code == 200
    assert not Draft.objects.exists()
