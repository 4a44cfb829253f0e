import pytest
from django.urls import reverse

from apps.research.models import ResearchPreferences

pytestmark = pytest.mark.django_db
URL = reverse("research:preferences")


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_save_the_weekly_cap(client, student):
    client.force_login(student)
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"followup_weekly_cap": 5}).status_code == 302
    assert ResearchPreferences.objects.get(user=student).followup_weekly_cap == 5


@pytest.mark.parametrize("value", ["-1", "21", "many"])
def test_bad_cap_is_refused(client, student, value):
    client.force_login(student)
    response = client.post(URL, {"followup_weekly_cap": value})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not ResearchPreferences.objects.exists()
