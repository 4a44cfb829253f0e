"""The meeting pages through the client: who may see and act (only the two people of
the mentorship), booking in the mentee's zone, the agenda, moving, cancelling, the .ics
download, and query counts that do not grow with the number of meetings or slots."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from apps.meetings.models import Meeting
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorshipFactory
from tests.meetings.conftest import MONDAY_9
from tests.meetings.factories import MeetingFactory, WeeklySlotFactory, span

pytestmark = pytest.mark.django_db
DASH = "\N{EN DASH}"
VIEWERS = ["mentee", "mentor", "other_student", "other_mentor", "anonymous"]
SLOT = MONDAY_9.strftime("%Y-%m-%dT%H:%MZ")


@pytest.fixture
def meeting(mentorship, availability):
    return MeetingFactory(mentorship=mentorship, during=span(MONDAY_9), agenda="- First paper")


def _login(client, viewer, mentorship):
    people = {
        "mentee": mentorship.student,
        "mentor": mentorship.mentor,
        "other_student": MentorshipFactory(mentor=mentorship.mentor).student,
        "other_mentor": MentorshipFactory(student=mentorship.student, status="ended").mentor,
        "anonymous": None,
    }
    person = people[viewer]
    if person is not None:
        client.force_login(person)
    return person


def _meeting_urls(meeting):
    return {
        "meetings:meeting_detail": reverse("meetings:meeting_detail", args=[meeting.pk]),
        "meetings:meeting_reschedule": reverse("meetings:meeting_reschedule", args=[meeting.pk]),
        "meetings:meeting_ics": reverse("meetings:meeting_ics", args=[meeting.pk]),
        "meetings:meeting_checkin": reverse("meetings:meeting_checkin", args=[meeting.pk]),
    }


@pytest.mark.parametrize("viewer", VIEWERS)
def test_it_shows_a_meeting_only_to_its_two_people(client, frozen, meeting, mentorship, viewer):
    _login(client, viewer, mentorship)
    for name, url in _meeting_urls(meeting).items():
        response = client.get(url)
        if viewer in ("mentee", "mentor"):
            assert response.status_code == 200, name
        elif viewer == "anonymous":
            assert response.status_code == 302
            assert "/accounts/login/" in response.url
        else:
            assert response.status_code == 404, (name, viewer)


@pytest.mark.parametrize("viewer", ["other_student", "other_mentor", "anonymous"])
def test_it_lets_no_one_else_change_a_meeting(client, frozen, meeting, mentorship, viewer):
    _login(client, viewer, mentorship)
    before = list(Meeting.objects.values())
    detail = reverse("meetings:meeting_detail", args=[meeting.pk])
    for url, data in [
        (detail, {"agenda": "hijacked"}),
        (reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "x"}),
        (reverse("meetings:meeting_reschedule", args=[meeting.pk]), {"start": SLOT, "reason": "x"}),
    ]:
        assert client.post(url, data).status_code in (302, 404)
    assert list(Meeting.objects.values()) == before


# The booking page names a mentor: any active mentee of theirs (the other student is
# one too) may book; the mentor, an ended mentee's mentor and strangers may not.
BOOKING_STATUS = {"mentee": 200, "other_student": 200, "mentor": 404, "other_mentor": 404,
                  "anonymous": 302}  # fmt: skip


@pytest.mark.parametrize("viewer", VIEWERS)
def test_it_offers_the_booking_page_to_an_active_mentee_only(client, frozen, mentorship,
                                                             availability, viewer):  # fmt: skip
    _login(client, viewer, mentorship)
    response = client.get(reverse("meetings:meeting_book", args=[mentorship.mentor_id]))
    assert response.status_code == BOOKING_STATUS[viewer]


def test_it_refuses_booking_after_the_mentorship_ended(client, frozen, mentorship, availability):
    mentorship.status = "ended"
    mentorship.save()
    client.force_login(mentorship.student)
    url = reverse("meetings:meeting_book", args=[mentorship.mentor_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"start": SLOT, "purpose": "Hi"}).status_code == 404
    assert not Meeting.objects.exists()


def test_it_shows_free_slots_in_the_mentees_zone_by_local_day(client, frozen, mentorship,
                                                              availability):  # fmt: skip
    client.force_login(mentorship.student)
    page = client.get(reverse("meetings:meeting_book", args=[mentorship.mentor_id]))
    html = page.content.decode()
    # London 09:00-12:00 is 04:00-07:00 in New York; the day is the mentee's.
    assert "America/New_York" in html
    assert "Monday 7 December" in html
    assert f'value="{SLOT}"' in html
    assert f"04:00{DASH}04:30" in html
    assert f"09:00{DASH}09:30" not in html


def test_it_books_a_slot_and_shows_it_in_each_persons_time(client, frozen, mentorship,
                                                           availability):  # fmt: skip
    client.force_login(mentorship.student)
    response = client.post(
        reverse("meetings:meeting_book", args=[mentorship.mentor_id]),
        {"start": SLOT, "purpose": "My first paper"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meetings:meeting_detail", args=[meeting.pk])
    student_page = client.get(response.url).content.decode()
    assert f"Monday 7 December 2026, 04:00{DASH}04:30" in student_page
    client.force_login(mentorship.mentor)
    mentor_page = client.get(response.url).content.decode()
    assert f"Monday 7 December 2026, 09:00{DASH}09:30" in mentor_page


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-12-02T11:00Z", "already passed"),
        ("2026-12-07T15:00Z", "outside your mentor"),
        ("not-a-time", "Choose one of the times shown"),
    ],
)
def test_it_refuses_a_bad_slot_with_a_clear_message(client, frozen, mentorship, availability,
                                                     start, expected):  # fmt: skip
    client.force_login(mentorship.student)
    response = client.post(
        reverse("meetings:meeting_book", args=[mentorship.mentor_id]),
        {"start": start, "purpose": "Paper"},
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Meeting.objects.exists()


def test_it_says_a_taken_slot_was_just_taken(client, frozen, mentorship, availability):
    MeetingFactory(mentorship=MentorshipFactory(mentor=mentorship.mentor), during=span(MONDAY_9))
    client.force_login(mentorship.student)
    response = client.post(
        reverse("meetings:meeting_book", args=[mentorship.mentor_id]),
        {"start": SLOT, "purpose": "Paper"},
    )
    assert response.status_code == 400
    assert "just been taken" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_it_saves_the_agenda_as_an_htmx_partial(client, frozen, meeting, mentorship):
    client.force_login(mentorship.mentor)
    response = client.post(
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        {"agenda": "- Related work\n- **Deadlines**"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="agenda"')
    assert "<strong>Deadlines</strong>" in html
    meeting.refresh_from_db()
    assert meeting.agenda_updated_by == mentorship.mentor


def test_it_freezes_the_agenda_once_the_meeting_started(client, meeting, mentorship):
    import time_machine

    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=5), tick=False):
        client.force_login(mentorship.student)
        response = client.post(
            reverse("meetings:meeting_detail", args=[meeting.pk]), {"agenda": "late"}
        )
    assert response.status_code == 400
    assert "already started" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.agenda == "- First paper"


def test_it_moves_and_cancels_with_a_reason(client, frozen, meeting, mentorship):
    client.force_login(mentorship.mentor)
    new = (MONDAY_9 + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%MZ")
    url = reverse("meetings:meeting_reschedule", args=[meeting.pk])
    assert client.post(url, {"start": new, "reason": ""}).status_code == 400
    assert client.post(url, {"start": new, "reason": "Seminar"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.start == MONDAY_9 + dt.timedelta(days=1)

    cancel = reverse("meetings:meeting_cancel", args=[meeting.pk])
    assert client.post(cancel, {"reason": ""}).status_code == 400
    client.force_login(mentorship.student)
    assert client.post(cancel, {"reason": "Ill"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


def test_it_downloads_a_valid_invitation(client, frozen, meeting, mentorship):
    client.force_login(mentorship.student)
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == MONDAY_9
    assert str(event["UID"]) == meeting.ical_uid


def test_it_lists_upcoming_and_past_meetings_in_the_viewers_time(client, frozen, mentorship,
                                                                 availability):  # fmt: skip
    MeetingFactory(mentorship=mentorship, during=span(MONDAY_9), purpose="Upcoming one")
    MeetingFactory(mentorship=mentorship, during=span(MONDAY_9 - dt.timedelta(days=14)),
                   purpose="Past one")  # fmt: skip
    client.force_login(mentorship.student)
    html = client.get(reverse("meetings:meeting_list")).content.decode()
    upcoming, past = html.split('id="past-heading"')
    assert "Upcoming one" in upcoming
    assert "Past one" in past
    assert "Mon 7 Dec 2026, 04:00" in upcoming
    assert "Book a meeting with Maya Mentor" in html
    client.force_login(mentorship.mentor)
    html = client.get(reverse("meetings:meeting_list")).content.decode()
    assert "Mon 7 Dec 2026, 09:00" in html
    # The other people's meetings are nowhere.
    MeetingFactory(purpose="Someone else's")
    assert "Someone else" not in client.get(reverse("meetings:meeting_list")).content.decode()


def _grow(mentorship, n: int, *, first: int = 0) -> None:
    for i in range(first, first + n):
        MeetingFactory(
            mentorship=mentorship, during=span(MONDAY_9 + dt.timedelta(days=i + 1, hours=i % 3))
        )
        MeetingFactory(mentorship=mentorship,
                       during=span(MONDAY_9 - dt.timedelta(days=7 * (i + 1))))  # fmt: skip


def test_it_keeps_the_list_query_count_constant(client, frozen, mentorship, availability,
                                                django_assert_num_queries):  # fmt: skip
    client.force_login(mentorship.student)
    url = reverse("meetings:meeting_list")
    _grow(mentorship, 1)
    client.get(url)
    # Five, one for the past meetings awaiting the viewer's feedback, and the
    # unread-messages badge.
    with django_assert_num_queries(7) as small:
        client.get(url)
    _grow(mentorship, 12, first=1)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_it_keeps_the_booking_page_query_count_constant(client, frozen, mentorship, availability,
                                                        django_assert_num_queries):  # fmt: skip
    client.force_login(mentorship.student)
    url = reverse("meetings:meeting_book", args=[mentorship.mentor_id])
    _grow(mentorship, 1)
    client.get(url)
    with django_assert_num_queries(9) as small:  # with the unread-messages badge
        client.get(url)
    _grow(mentorship, 3, first=1)
    for weekday in (5, 6):
        WeeklySlotFactory(mentor=mentorship.mentor, weekday=weekday)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_it_rejects_another_users_id_in_the_booking_url(client, frozen, mentorship, availability):
    client.force_login(mentorship.student)
    stranger = UserFactory(is_mentor=True)
    assert client.get(reverse("meetings:meeting_book", args=[stranger.pk])).status_code == 404
