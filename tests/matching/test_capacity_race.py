"""Two acceptances at the same instant must never push a mentor past capacity.

Each thread runs a real transaction on its own PostgreSQL connection; a barrier
releases both at once, so without the profile-row lock both would count zero active
mentees and both would activate.
"""

import contextlib
import threading

import pytest
from django.db import connection

from apps.matching import services
from apps.matching.models import Mentorship
from apps.matching.services import MatchingError
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorProfileFactory, MentorshipFactory


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_with_one_place_activate_exactly_one(monkeypatch):
    # Hold each transaction just after it counted the active mentees, until the other
    # one has counted too (or 1.5 s pass). Without the lock both count zero here and
    # both activate; with it the second waits on the lock and the first goes on alone.
    counted = threading.Barrier(2)
    real_count = services._active_count

    def count_then_wait(mentor_id: int) -> int:
        n = real_count(mentor_id)
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=1.5)
        return n

    monkeypatch.setattr(services, "_active_count", count_then_wait)
    profile = MentorProfileFactory(capacity=1)
    mentor = profile.user
    requests = [
        MentorshipFactory(
            mentor=mentor, student=UserFactory(is_student=True), status=Mentorship.Status.PENDING
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(mentorship: Mentorship) -> None:
        try:
            barrier.wait()
            services.mentorship_accept(mentorship=mentorship, mentor=mentor)
            result = "accepted"
        except MatchingError:
            result = "refused"
        except Exception as exc:  # surfaced in the assertion below
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=accept, args=(m,)) for m in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "refused"]
    assert Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE).count() == 1
