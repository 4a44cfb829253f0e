import pytest
from django.urls import reverse

from tests.research.access import READ_RULES, people, status_as
from tests.research.factories import ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "expected"), READ_RULES.items())
def test_access(client, request, who, expected):
    users = people(request)
    contact = ContactFactory(owner=users["owner"])
    url = reverse("research:contact_detail", args=[contact.pk])
    assert status_as(client, users[who], url) == expected


def test_owner_gets_a_mailto_link_and_log_form(client, student):
    contact = ContactFactory(owner=student, email="dr@example.edu")
    client.force_login(student)
    html = client.get(reverse("research:contact_detail", args=[contact.pk])).content.decode()
    assert 'href="mailto:dr@example.edu?subject=' in html
    assert "Log an interaction" in html


def test_mentor_sees_the_log_but_cannot_act(client, student, sharing_mentor):
    contact = ContactFactory(owner=student, email="dr@example.edu")
    InteractionFactory(contact=contact, summary="Sent my CV")
    client.force_login(sharing_mentor)
    html = client.get(reverse("research:contact_detail", args=[contact.pk])).content.decode()
    assert "Sent my CV" in html
    assert "mailto:" not in html
    assert "Log an interaction" not in html


def test_notes_and_summaries_are_escaped(client, student):
    contact = ContactFactory(owner=student, notes="<script>x()</script>")
    InteractionFactory(contact=contact, summary="<img src=x onerror=y>")
    client.force_login(student)
    html = client.get(reverse("research:contact_detail", args=[contact.pk])).content.decode()
    assert "<script>x()" not in html
    assert "<img src=x" not in html
