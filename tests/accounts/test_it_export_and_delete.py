import json

import pytest
from allauth.account.models import EmailAddress

from apps.accounts.models import User
from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_export_downloads_all_of_my_data_as_json(client, student, mentor):
    Mentorship.objects.create(student=student, mentor=mentor, status="active")
    client.force_login(student)

    response = client.post("/account/export/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == "pacer-export/1"
    assert data["account"]["email"] == student.email
    assert data["account"]["roles"] == ["student"]
    assert data["account"]["email_addresses"] == [
        {"email": student.email, "verified": True, "primary": True}
    ]
    assert mentor.email not in json.dumps(data["account"])


@pytest.mark.django_db
def test_export_page_explains_before_downloading(client, student):
    client.force_login(student)

    response = client.get("/account/export/")

    assert response.status_code == 200
    assert "Download JSON" in response.content.decode()


def _reauthenticate(client, user):
    client.force_login(user)
    client.post("/accounts/reauthenticate/", {"password": UserFactory.PASSWORD})


@pytest.mark.django_db
def test_deletion_requires_reauthentication(client, student):
    client.force_login(student)

    response = client.get("/account/delete/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate/")
    response = client.post("/account/delete/", {"confirm": "delete my account"})
    assert User.objects.filter(pk=student.pk).exists()


@pytest.mark.django_db
def test_deletion_without_the_confirmation_phrase_changes_nothing(client, student):
    _reauthenticate(client, student)

    response = client.post("/account/delete/", {"confirm": "yes"})

    assert response.status_code == 200
    assert "Type exactly" in response.content.decode()
    assert User.objects.filter(pk=student.pk).exists()


@pytest.mark.django_db
def test_deletion_removes_the_person_and_their_data_and_signs_out(client, student, mentor):
    Mentorship.objects.create(student=student, mentor=mentor, status="active")
    _reauthenticate(client, student)

    response = client.post("/account/delete/", {"confirm": "Delete my account"})

    assert response.status_code == 302
    assert response.url == "/"
    assert not User.objects.filter(pk=student.pk).exists()
    assert not EmailAddress.objects.filter(email=student.email).exists()
    assert not Mentorship.objects.filter(mentor=mentor).exists()
    assert User.objects.filter(pk=mentor.pk).exists()
    assert "_auth_user_id" not in client.session
