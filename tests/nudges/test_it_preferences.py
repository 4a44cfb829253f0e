import datetime as dt

import pytest
from django.urls import reverse

from apps.nudges.models import Kind, KindPreference, Mode, NudgeSettings
from apps.nudges.selectors import MENTOR_KINDS, STUDENT_KINDS

pytestmark = pytest.mark.django_db


def _form(kinds, **overrides):
    data = {"digest_hour": "7", "weekly_day": "5", "weekdays_only": "on", "paused_until": ""}
    data.update({f"mode_{k}": Mode.DAILY for k in kinds})
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(reverse("nudges:preferences")).status_code == 302


def test_shows_defaults_and_the_persons_kinds(client, student):
    client.force_login(student)
    body = client.get(reverse("nudges:preferences")).content.decode()
    assert "Milestone due soon" in body
    assert "Mentorship request received" not in body  # a mentor's kind
    assert "Europe/London" in body


def test_saves_choices(client, student):
    client.force_login(student)
    data = _form(
        STUDENT_KINDS, **{f"mode_{Kind.CARDS_DUE}": Mode.OFF, "paused_until": "2026-12-24"}
    )
    response = client.post(reverse("nudges:preferences"), data)
    assert response.status_code == 302
    row = NudgeSettings.objects.get(user=student)
    assert (row.digest_hour, row.weekly_day, row.weekdays_only) == (7, 5, True)
    assert row.paused_until == dt.date(2026, 12, 24)
    assert KindPreference.objects.get(user=student, kind=Kind.CARDS_DUE).mode == Mode.OFF
    # Saving again updates in place.
    client.post(reverse("nudges:preferences"), _form(STUDENT_KINDS))
    assert KindPreference.objects.get(user=student, kind=Kind.CARDS_DUE).mode == Mode.DAILY


def test_mentor_gets_mentor_kinds(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("nudges:preferences"), _form(MENTOR_KINDS))
    assert response.status_code == 302
    assert set(KindPreference.objects.filter(user=mentor).values_list("kind", flat=True)) == set(
        MENTOR_KINDS
    )


@pytest.mark.parametrize(
    "bad",
    [{"digest_hour": "25"}, {"paused_until": "not a date"}, {f"mode_{Kind.CARDS_DUE}": "hourly"}],
)
def test_bad_input_shows_an_error_and_changes_nothing(client, student, bad):
    client.force_login(student)
    response = client.post(reverse("nudges:preferences"), _form(STUDENT_KINDS, **bad))
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not NudgeSettings.objects.exists()
    assert not KindPreference.objects.exists()
