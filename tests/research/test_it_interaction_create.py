import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.research.models import ContactStatus, Interaction
from tests.research.access import WRITE_RULES, people, status_as
from tests.research.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _payload(**overrides):
    return {"kind": "email_sent", "occurred_on": timezone.now().date().isoformat(), **overrides}


@pytest.mark.parametrize(("who", "expected"), WRITE_RULES.items())
def test_only_the_owner_may_log(client, request, who, expected):
    users = people(request)
    contact = ContactFactory(owner=users["owner"])
    url = reverse("research:interaction_create", args=[contact.pk])
    code = status_as(client, users[who], url, method="post", data=_payload())
    assert code == (302 if expected == 200 else expected)
    assert Interaction.objects.filter(contact=contact).exists() == (who == "owner")


def test_logging_an_email_over_htmx_shows_the_follow_up_date(client, student):
    contact = ContactFactory(owner=student, follow_up_days=7)
    client.force_login(student)
    day = dt.date(2026, 11, 2)
    response = client.post(
        reverse("research:interaction_create", args=[contact.pk]),
        _payload(occurred_on=day.isoformat(), summary="Asked about <b>PhD</b>"),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Follow up on 9 November 2026" in html
    assert "Monday 9 November 2026" in html
    assert "Asked about &lt;b&gt;PhD&lt;/b&gt;" in html
    contact.refresh_from_db()
    assert contact.status == ContactStatus.EMAILED


def test_reply_clears_the_follow_up(client, student):
    contact = ContactFactory(owner=student)
    client.force_login(student)
    url = reverse("research:interaction_create", args=[contact.pk])
    client.post(url, _payload(occurred_on="2026-11-02"))
    client.post(url, _payload(kind="reply_received", occurred_on="2026-11-05"))
    contact.refresh_from_db()
    assert (contact.status, contact.follow_up_on) == (ContactStatus.REPLIED, None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "carrier_pigeon"}, "Select a valid choice"),
        ({"occurred_on": "yesterday"}, "Enter a valid date"),
        ({"occurred_on": "2099-01-01"}, "cannot be in the future"),
        ({"occurred_on": "1990-01-01"}, "more than ten years ago"),
    ],
)
def test_bad_input_is_explained_and_logs_nothing(client, student, data, message):
    contact = ContactFactory(owner=student)
    client.force_login(student)
    response = client.post(
        reverse("research:interaction_create", args=[contact.pk]),
        _payload(**data),
        headers={"HX-Request": "true"},
    )
    assert message in response.content.decode()
    assert not Interaction.objects.exists()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.TO_WRITE


def test_a_future_meeting_is_allowed(client, student):
    contact = ContactFactory(owner=student)
    client.force_login(student)
    client.post(
        reverse("research:interaction_create", args=[contact.pk]),
        _payload(kind="meeting", occurred_on="2099-01-01"),
    )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.MEETING_SCHEDULED
