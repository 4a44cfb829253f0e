import pytest
from django.urls import reverse

from apps.research.models import Contact

pytestmark = pytest.mark.django_db
URL = reverse("research:contact_create")


def test_anonymous_is_sent_to_log_in(client):
    assert client.post(URL, {"name": "x"}).status_code == 302
    assert not Contact.objects.exists()


def test_create_a_contact_normalising_the_orcid_url(client, student):
    client.force_login(student)
    response = client.post(
        URL,
        {
            "name": "Dr Carberry",
            "email": "carberry@example.edu",
            "orcid": "https://orcid.org/0000-0002-1825-0097",
            "purpose": "advice",
            "follow_up_days": 7,
        },
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert (contact.owner, contact.orcid, contact.follow_up_days) == (
        student,
        "0000-0002-1825-0097",
        7,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"orcid": "0000-0002-1825-0098"}, "check digit is wrong"),
        ({"orcid": "1234"}, "four groups"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"follow_up_days": 0}, "greater than or equal to 1"),
        ({"purpose": "spam"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
        ({"homepage": "javascript:alert(1)"}, "Enter a valid URL"),
    ],
)
def test_bad_input_shows_a_clear_error_and_creates_nothing(client, student, data, message):
    client.force_login(student)
    payload = {"name": "Dr X", "purpose": "advice", "follow_up_days": 10, **data}
    response = client.post(URL, payload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contact.objects.exists()
