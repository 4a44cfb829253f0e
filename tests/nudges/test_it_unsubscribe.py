"""One-click unsubscribe (RFC 8058): no session, no CSRF token, only a valid signature."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.nudges.emails import unsubscribe_token
from apps.nudges.models import UNSUBSCRIBE_ALL, Kind, KindPreference, Mode

pytestmark = pytest.mark.django_db


def url(user, kind):
    return reverse("nudges:unsubscribe", args=[unsubscribe_token(user_id=user.pk, kind=kind)])


def one_click(client, target):
    return client.post(
        target,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def test_one_click_post_without_session_or_csrf(student):
    client = Client(enforce_csrf_checks=True)
    response = one_click(client, url(student, Kind.CARDS_DUE))
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert KindPreference.objects.get(user=student, kind=Kind.CARDS_DUE).mode == Mode.OFF
    assert KindPreference.objects.filter(user=student).count() == 1


def test_unsubscribe_from_everything(student):
    one_click(Client(enforce_csrf_checks=True), url(student, UNSUBSCRIBE_ALL))
    modes = set(KindPreference.objects.filter(user=student).values_list("kind", "mode"))
    assert modes == {(k, Mode.OFF) for k in Kind.values}


def test_get_only_asks_so_link_scanners_change_nothing(client, student):
    response = client.get(url(student, Kind.CARDS_DUE))
    assert response.status_code == 200
    assert "Unsubscribe" in response.content.decode()
    assert not KindPreference.objects.exists()


@pytest.mark.parametrize(
    "token",
    ["sample", "eyJ1IjoxLCJrIjoiYWxsIn0:1xWxVe:forged-signature-aaaaaaaaaaaaaaaaaaaaaaaaaaa"],
)
def test_forged_or_broken_token_is_refused(client, student, token):
    response = one_click(client, reverse("nudges:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert not KindPreference.objects.exists()


def test_a_token_cannot_be_rewritten_for_another_person(client, student, mentor):
    token = unsubscribe_token(user_id=student.pk, kind=UNSUBSCRIBE_ALL)
    _payload, rest = token.split(":", 1)
    import base64
    import json

    forged = (
        base64.urlsafe_b64encode(
            json.dumps({"u": mentor.pk, "k": "all"}, separators=(",", ":")).encode()
        )
        .decode()
        .rstrip("=")
    )
    response = one_click(client, reverse("nudges:unsubscribe", args=[f"{forged}:{rest}"]))
    assert response.status_code == 400
    assert not KindPreference.objects.exists()
