import datetime as dt

import pytest
from django.urls import reverse

from apps.research.models import ContactStatus
from tests.research.access import WRITE_RULES, people, status_as
from tests.research.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "expected"), WRITE_RULES.items())
def test_only_the_owner_may_edit(client, request, who, expected):
    users = people(request)
    contact = ContactFactory(owner=users["owner"])
    url = reverse("research:contact_edit", args=[contact.pk])
    assert status_as(client, users[who], url) == expected


def test_mentor_post_changes_nothing(client, student, sharing_mentor):
    contact = ContactFactory(owner=student, name="Keep")
    client.force_login(sharing_mentor)
    url = reverse("research:contact_edit", args=[contact.pk])
    assert client.post(url, {"name": "Changed"}).status_code == 404
    contact.refresh_from_db()
    assert contact.name == "Keep"


def test_closing_a_contact_clears_its_follow_up(client, student):
    contact = ContactFactory(
        owner=student,
        status=ContactStatus.EMAILED,
        last_emailed_on=dt.date(2026, 11, 1),
        follow_up_on=dt.date(2026, 11, 11),
    )
    client.force_login(student)
    response = client.post(
        reverse("research:contact_edit", args=[contact.pk]),
        {
            "name": contact.name,
            "purpose": "advice",
            "status": "no_reply_closed",
            "follow_up_days": 10,
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.status, contact.follow_up_on) == (ContactStatus.NO_REPLY_CLOSED, None)


def test_bad_orcid_changes_nothing(client, student):
    contact = ContactFactory(owner=student, orcid="")
    client.force_login(student)
    response = client.post(
        reverse("research:contact_edit", args=[contact.pk]),
        {
            "name": "New",
            "purpose": "advice",
            "status": "to_write",
            "follow_up_days": 10,
            "orcid": "0000-0002-1825-0098",
        },
    )
    assert "check digit is wrong" in response.content.decode()
    contact.refresh_from_db()
    assert (contact.name, contact.orcid) != ("New", "0000-0002-1825-0098")
