import pytest
from django.urls import reverse

from apps.research.models import Contact
from tests.research.access import WRITE_RULES, people, status_as
from tests.research.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "expected"), WRITE_RULES.items())
def test_only_the_owner_may_delete(client, request, who, expected):
    users = people(request)
    contact = ContactFactory(owner=users["owner"])
    url = reverse("research:contact_delete", args=[contact.pk])
    assert status_as(client, users[who], url, method="post") == (
        302 if expected == 200 else expected
    )
    assert Contact.objects.filter(pk=contact.pk).exists() == (who != "owner")
