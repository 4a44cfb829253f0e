"""Two mentees booking the same slot at the same instant: exactly one wins.

Each thread runs a real transaction on its own PostgreSQL connection, released together
by a barrier. The first test goes through the booking service (which checks the slot
while holding the mentor's availability row); the second holds both checks open until
the other has checked too, so both see the slot free, and only the exclusion constraint
stands between them and a double booking.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.meetings import selectors, services
from apps.meetings.models import Meeting
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorshipFactory
from tests.meetings.conftest import MONDAY_9, NOW
from tests.meetings.factories import AvailabilitySettingsFactory, WeeklySlotFactory


def _two_mentees_of_one_mentor():
    mentor = UserFactory(is_mentor=True, timezone="Europe/London")
    AvailabilitySettingsFactory(mentor=mentor)
    WeeklySlotFactory(mentor=mentor, weekday=0)
    return [
        MentorshipFactory(mentor=mentor, student=UserFactory(is_student=True)) for _ in range(2)
    ]


def _race(book: Callable[[object], None], mentorships) -> list[str]:
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(mentorship) -> None:
        try:
            barrier.wait()
            book(mentorship)
            result = "booked"
        except ValidationError as exc:
            result = "refused: " + " ".join(exc.messages)
        except Exception as exc:  # surfaced in the assertion
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(m,)) for m in mentorships]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


def _book(mentorship) -> None:
    services.meeting_book(mentorship=mentorship, start=MONDAY_9, purpose="Same slot", now=NOW)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_bookings_of_one_slot_book_exactly_one():
    mentorships = _two_mentees_of_one_mentor()

    outcomes = _race(_book, mentorships)

    assert outcomes[0] == "booked"
    assert outcomes[1].startswith("refused: That time has just been taken")
    assert Meeting.objects.filter(status=Meeting.Status.BOOKED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_exclusion_constraint_decides_when_both_checks_pass(monkeypatch):
    # Both transactions check the slot (free) and wait for each other before inserting;
    # the mentor lock is bypassed, so nothing but PostgreSQL can refuse the second.
    checked = threading.Barrier(2)
    real_context = selectors.booking_context

    def context_then_wait(**kwargs):
        found = real_context(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(timeout=3)
        return found

    monkeypatch.setattr(selectors, "booking_context", context_then_wait)
    monkeypatch.setattr(
        services,
        "_lock_rules",
        lambda mentorship: selectors.availability_settings(mentor=mentorship.mentor),
    )
    mentorships = _two_mentees_of_one_mentor()

    outcomes = _race(_book, mentorships)

    assert outcomes[0] == "booked"
    assert outcomes[1] == f"refused: {services.JUST_TAKEN}"
    assert Meeting.objects.filter(status=Meeting.Status.BOOKED).count() == 1
