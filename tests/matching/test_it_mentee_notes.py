import pytest
from django.urls import reverse

from apps.matching.models import MentorNote
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentorship(student, mentor):
    return MentorshipFactory(student=student, mentor=mentor)


def test_mentor_writes_and_reads_notes_markdown_sanitised(client, mentorship, mentor):
    url = reverse("matching:mentee_notes", args=[mentorship.pk])
    client.force_login(mentor)
    client.post(url, {"body": "**Met** <script>alert(1)</script>"})
    body = client.get(url).content.decode()
    assert "<strong>Met</strong>" in body
    assert "<script>alert(1)" not in body


def test_mentee_and_others_cannot_see_notes(client, mentorship, student, mentor):
    MentorNote.objects.create(mentor=mentor, student=student, body="private thought")
    url = reverse("matching:mentee_notes", args=[mentorship.pk])
    for outsider in (student, UserFactory(is_mentor=True), UserFactory(is_student=True)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "x"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert MentorNote.objects.count() == 1


def test_empty_note_shows_error(client, mentorship, mentor):
    client.force_login(mentor)
    response = client.post(reverse("matching:mentee_notes", args=[mentorship.pk]), {"body": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not MentorNote.objects.exists()


def test_only_author_deletes_note(client, mentorship, mentor, student):
    note = MentorNote.objects.create(mentor=mentor, student=student, body="x")
    url = reverse("matching:note_delete", args=[note.pk])
    client.force_login(student)
    assert client.post(url).status_code == 404
    client.force_login(mentor)
    assert client.post(url).status_code == 302
    assert not MentorNote.objects.exists()
