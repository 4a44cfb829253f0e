"""The mentor's availability page: own zone, validated forms, own rows only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apps.meetings.models import AvailabilityException, AvailabilitySettings, WeeklySlot
from tests.meetings.factories import ExceptionFactory, WeeklySlotFactory

pytestmark = pytest.mark.django_db
DASH = "\N{EN DASH}"


def test_it_adds_and_removes_weekly_windows(client, mentor):
    client.force_login(mentor)
    url = reverse("meetings:weekly_slot_add")
    response = client.post(url, {"weekday": "1", "start_time": "09:00", "end_time": "11:30"})
    assert response.status_code == 302
    slot = WeeklySlot.objects.get(mentor=mentor)
    assert (slot.weekday, slot.start_time, slot.end_time) == (1, dt.time(9), dt.time(11, 30))
    page = client.get(reverse("meetings:availability")).content.decode()
    assert f"Tuesday 09:00{DASH}11:30" in page

    bad = client.post(url, {"weekday": "1", "start_time": "11:00", "end_time": "10:00"})
    assert bad.status_code == 400
    assert "The end must be after the start." in bad.content.decode()
    clash = client.post(url, {"weekday": "1", "start_time": "10:00", "end_time": "12:00"})
    assert clash.status_code == 400
    assert "overlaps" in clash.content.decode()
    assert WeeklySlot.objects.count() == 1

    client.post(reverse("meetings:weekly_slot_delete", args=[slot.pk]))
    assert not WeeklySlot.objects.exists()


def test_it_reads_exception_times_in_the_mentors_zone(client, mentor, frozen):
    # The mentor's rules name Tokyo, whatever the profile says.
    AvailabilitySettings.objects.create(mentor=mentor, timezone="Asia/Tokyo")
    client.force_login(mentor)
    response = client.post(
        reverse("meetings:exception_add"),
        {
            "kind": "away",
            "start_date": "2026-12-10",
            "start_time": "09:00",
            "end_date": "2026-12-12",
            "end_time": "18:00",
            "note": "Conference",
        },
    )
    assert response.status_code == 302
    exception = AvailabilityException.objects.get()
    assert exception.during.lower == dt.datetime(2026, 12, 10, 0, tzinfo=dt.UTC)
    assert exception.during.upper == dt.datetime(2026, 12, 12, 9, tzinfo=dt.UTC)
    page = client.get(reverse("meetings:availability")).content.decode()
    assert "Thu 10 Dec 2026, 09:00" in page
    assert "Asia/Tokyo" in page


def test_it_refuses_a_backwards_exception_and_saves_nothing(client, mentor, frozen):
    client.force_login(mentor)
    response = client.post(
        reverse("meetings:exception_add"),
        {"kind": "extra", "start_date": "2026-12-10", "start_time": "12:00",
         "end_date": "2026-12-10", "end_time": "11:00"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "The end must be after the start." in response.content.decode()
    assert not AvailabilityException.objects.exists()


def test_it_saves_booking_rules_and_refuses_bad_ones(client, mentor):
    client.force_login(mentor)
    url = reverse("meetings:availability")
    data = {"timezone": "", "meeting_minutes": "45", "buffer_minutes": "15", "horizon_days": "30",
            "min_notice_hours": "12", "weekly_cap": "3", "location": "Room 4"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    settings = AvailabilitySettings.objects.get(mentor=mentor)
    assert (settings.meeting_minutes, settings.weekly_cap, settings.zone_name()) == (
        45, 3, "Europe/London")  # fmt: skip
    bad = client.post(url, {**data, "meeting_minutes": "5", "location": "Room\n5"})
    assert bad.status_code == 400
    settings.refresh_from_db()
    assert settings.meeting_minutes == 45
    assert settings.location == "Room 4"


def test_it_lets_no_one_remove_another_mentors_rows(client, mentor):
    slot = WeeklySlotFactory()
    exception = ExceptionFactory()
    client.force_login(mentor)
    assert client.post(reverse("meetings:weekly_slot_delete", args=[slot.pk])).status_code == 404
    assert client.post(reverse("meetings:exception_delete", args=[exception.pk])).status_code == 404
    assert WeeklySlot.objects.filter(pk=slot.pk).exists()
    assert AvailabilityException.objects.filter(pk=exception.pk).exists()


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("meetings:availability"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
