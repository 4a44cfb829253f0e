import pytest
from django.urls import reverse

from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorProfileFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


def test_shows_profile_and_fit(client, student):
    profile = MentorProfileFactory(offer="Weekly <em>reading</em> group")
    client.force_login(student)
    body = client.get(reverse("matching:mentor_detail", args=[profile.user_id])).content.decode()
    assert profile.user.name in body
    assert "Weekly &lt;em&gt;reading" in body
    assert "places free" in body


def test_non_mentor_is_404(client, student):
    client.force_login(student)
    assert client.get(reverse("matching:mentor_detail", args=[student.pk])).status_code == 404


def test_request_from_page(client, student):
    profile = MentorProfileFactory()
    client.force_login(student)
    url = reverse("matching:mentor_detail", args=[profile.user_id])
    response = client.post(url, {"message": "Hello"})
    assert response.status_code == 302
    assert Mentorship.objects.get(student=student).message == "Hello"


def test_duplicate_request_shows_error_and_changes_nothing(client, student):
    profile = MentorProfileFactory(accepting=False)
    client.force_login(student)
    url = reverse("matching:mentor_detail", args=[profile.user_id])
    response = client.post(url, {"message": "Hello"})
    assert response.status_code == 200
    assert "not accepting new mentees" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_existing_mentorship_hides_form(client, student):
    profile = MentorProfileFactory()
    MentorshipFactory(student=student, mentor=profile.user, status="pending")
    client.force_login(student)
    body = client.get(reverse("matching:mentor_detail", args=[profile.user_id])).content.decode()
    assert "already have a requested mentorship" in body


def test_anonymous_redirected(client):
    profile = MentorProfileFactory()
    assert client.get(reverse("matching:mentor_detail", args=[profile.user_id])).status_code == 302


def test_profile_edit_own_and_capacity_error(client, mentor):
    profile = MentorProfileFactory(user=mentor, capacity=2)
    MentorshipFactory.create_batch(2, mentor=mentor)
    client.force_login(mentor)
    url = reverse("matching:mentor_profile")
    data = {
        "research_areas": "RL",
        "topic_tags": "",
        "method_tags": "",
        "seniority": "postdoc",
        "institution": "",
        "capacity": 1,
        "accepting": "on",
        "cadence": "weekly",
        "involvement": "balanced",
        "channel": "video",
        "languages": "English",
        "offer": "",
    }
    response = client.post(url, data)
    assert "already mentor 2" in response.content.decode()
    profile.refresh_from_db()
    assert profile.capacity == 2
    data["capacity"] = 4
    assert client.post(url, data).status_code == 302
    profile.refresh_from_db()
    assert profile.capacity == 4


def test_new_mentor_profile_is_created_for_self_only(client):
    user = UserFactory()
    client.force_login(user)
    data = {
        "research_areas": "Graphs",
        "seniority": "faculty",
        "capacity": 1,
        "cadence": "weekly",
        "involvement": "balanced",
        "channel": "video",
        "languages": "English",
    }
    client.post(reverse("matching:mentor_profile"), data)
    user.refresh_from_db()
    assert user.mentor_profile.research_areas == "Graphs"
    assert user.is_mentor


def test_preferences_are_private_to_their_owner(client, student):
    client.force_login(student)
    url = reverse("matching:preferences")
    client.post(
        url, {"interests": "secret topic", "languages": "English", "timezone_tolerance_hours": 3}
    )
    assert "secret topic" in client.get(url).content.decode()
    client.force_login(UserFactory(is_student=True))
    assert "secret topic" not in client.get(url).content.decode()
