"""Editing one's message within five minutes, through the page and through htmx."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from apps.conversations.models import Message
from apps.matching.models import Mentorship
from tests.conversations.factories import MessageFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)


@pytest.fixture
def message(pair):
    return MessageFactory(mentorship=pair, author=pair.student, body="Teh plan", created_at=NOW)


def _edit_url(message):
    return reverse("conversations:message_edit", args=[message.pk])


def test_it_offers_edit_to_the_author_within_the_window(client, message):
    client.force_login(message.author)
    thread = reverse("conversations:thread", args=[message.mentorship_id])
    with time_machine.travel(NOW + dt.timedelta(minutes=4), tick=False):
        assert _edit_url(message) in client.get(thread).content.decode()
        form = client.get(_edit_url(message), HTTP_HX_REQUEST="true").content.decode()
    assert "Edit your message" in form
    assert ">Teh plan</textarea>" in form
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        assert _edit_url(message) not in client.get(thread).content.decode()


def test_it_saves_an_edit_with_htmx_and_marks_it_edited(client, message):
    client.force_login(message.author)
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        response = client.post(_edit_url(message), {"body": "The plan"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "The plan" in html
    assert "edited" in html
    saved = Message.objects.get(pk=message.pk)
    assert (saved.body, saved.edited_at) == ("The plan", NOW + dt.timedelta(minutes=2))


def test_it_refuses_an_edit_after_five_minutes_and_changes_nothing(client, message):
    client.force_login(message.author)
    with time_machine.travel(NOW + dt.timedelta(minutes=5, seconds=1), tick=False):
        response = client.post(_edit_url(message), {"body": "Too late"}, HTTP_HX_REQUEST="true")
        assert "edited for 5 minutes" in response.content.decode()
        page = client.get(_edit_url(message))
        assert page.status_code == 302
    assert Message.objects.get(pk=message.pk).body == "Teh plan"


def test_it_saves_an_edit_without_script(client, message):
    client.force_login(message.author)
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert client.get(_edit_url(message)).status_code == 200
        response = client.post(_edit_url(message), {"body": "The plan"})
        bad = client.post(_edit_url(message), {"body": ""})
    assert response["Location"].endswith(f"#message-{message.pk}")
    assert bad.status_code == 400
    assert "Write something" in bad.content.decode()
    assert Message.objects.get(pk=message.pk).body == "The plan"


def test_it_hides_the_edit_from_the_other_person(client, message):
    client.force_login(message.mentorship.mentor)
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert client.get(_edit_url(message)).status_code == 404
        assert client.post(_edit_url(message), {"body": "Hijack"}).status_code == 404
    assert Message.objects.get(pk=message.pk).body == "Teh plan"


def test_it_refuses_an_edit_once_the_mentorship_ended(client, message):
    Mentorship.objects.filter(pk=message.mentorship_id).update(status=Mentorship.Status.ENDED)
    client.force_login(message.author)
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert client.get(_edit_url(message)).status_code == 302
        response = client.post(_edit_url(message), {"body": "Changed"}, HTTP_HX_REQUEST="true")
    assert "read-only" in response.content.decode()
    assert Message.objects.get(pk=message.pk).body == "Teh plan"
