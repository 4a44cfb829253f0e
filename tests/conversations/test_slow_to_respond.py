"""A mentor who leaves a request or a mentee's message unanswered for
PACER_SLOW_RESPONSE_DAYS days is shown as slow to respond where students choose a
mentor, and their pending requests close early with a kind word to the student."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.conversations import tasks
from apps.conversations.models import EarlyExpiry, Message
from apps.conversations.services import requests_expire_for_slow_mentors
from apps.matching.models import Mentorship
from apps.matching.selectors import mentor_fit, mentor_search
from apps.nudges.models import Kind, Notification
from apps.nudges.services import nudges_sweep
from tests.accounts.factories import UserFactory
from tests.conversations.factories import MessageFactory
from tests.matching.factories import MentorProfileFactory, MentorshipFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
DAYS = dt.timedelta(days=7)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _flags(viewer, mentor):
    result = mentor_fit(viewer=viewer, mentor_id=mentor.pk)
    return [label for label, _ in result.flags]


def _request(mentor, waited, **fields):
    ms = MentorshipFactory(mentor=mentor, status=Mentorship.Status.PENDING, **fields)
    Mentorship.objects.filter(pk=ms.pk).update(created_at=NOW - waited)
    return ms


def test_the_default_is_seven_days():
    assert settings.PACER_SLOW_RESPONSE_DAYS == 7


def test_a_request_pending_exactly_the_limit_makes_the_mentor_slow():
    mentor = MentorProfileFactory().user
    viewer = UserFactory(is_student=True)
    _request(mentor, DAYS - SECOND)
    assert _flags(viewer, mentor) == []
    _request(mentor, DAYS)
    assert _flags(viewer, mentor) == ["Slow to respond"]


def test_the_limit_follows_the_setting(settings):
    settings.PACER_SLOW_RESPONSE_DAYS = 3
    mentor = MentorProfileFactory().user
    _request(mentor, dt.timedelta(days=3))
    assert _flags(UserFactory(is_student=True), mentor) == ["Slow to respond"]


def test_a_mentees_message_unanswered_for_the_limit_makes_the_mentor_slow():
    mentor = MentorProfileFactory().user
    pair = MentorshipFactory(mentor=mentor)
    viewer = UserFactory(is_student=True)
    MessageFactory(mentorship=pair, author=pair.mentor, created_at=NOW - DAYS * 2)
    waiting = MessageFactory(mentorship=pair, author=pair.student, created_at=NOW - DAYS + SECOND)
    assert _flags(viewer, mentor) == []
    Message.objects.filter(pk=waiting.pk).update(created_at=NOW - DAYS)
    assert _flags(viewer, mentor) == ["Slow to respond"]

    MessageFactory(mentorship=pair, author=pair.mentor, created_at=NOW - SECOND)
    assert _flags(viewer, mentor) == []


def test_a_reply_in_another_thread_does_not_answer_this_one():
    mentor = MentorProfileFactory().user
    pair, other = MentorshipFactory(mentor=mentor), MentorshipFactory(mentor=mentor)
    MessageFactory(mentorship=pair, author=pair.student, created_at=NOW - DAYS)
    MessageFactory(mentorship=other, author=mentor, created_at=NOW - SECOND)
    assert _flags(UserFactory(is_student=True), mentor) == ["Slow to respond"]


def test_an_ended_thread_waits_for_no_one():
    mentor = MentorProfileFactory().user
    pair = MentorshipFactory(mentor=mentor, status=Mentorship.Status.ENDED)
    MessageFactory(mentorship=pair, author=pair.student, created_at=NOW - DAYS * 3)
    assert _flags(UserFactory(is_student=True), mentor) == []


def test_find_a_mentor_and_the_profile_show_it(client):
    slow = MentorProfileFactory(user=UserFactory(is_mentor=True, display_name="Sam Slow")).user
    MentorProfileFactory(user=UserFactory(is_mentor=True, display_name="Quinn Quick"))
    _request(slow, DAYS)
    student = UserFactory(is_student=True)
    client.force_login(student)

    page = client.get(reverse("matching:mentor_search")).content.decode()
    slow_card = page.split("Sam Slow", 1)[1].split("</article>", 1)[0]
    quick_card = page.split("Quinn Quick", 1)[1].split("</article>", 1)[0]
    assert "Slow to respond" in slow_card
    assert "Slow to respond" not in quick_card
    detail = client.get(reverse("matching:mentor_detail", args=[slow.pk])).content.decode()
    assert "Slow to respond" in detail
    assert "unanswered for 7 days or more" in detail


@pytest.mark.parametrize("extra", [0, 6])
def test_the_search_computes_it_in_its_own_query(extra):
    student = UserFactory(is_student=True)
    for _ in range(extra + 1):
        mentor = MentorProfileFactory().user
        _request(mentor, DAYS)
        pair = MentorshipFactory(mentor=mentor)
        MessageFactory(mentorship=pair, created_at=NOW - DAYS)
    with CaptureQueriesContext(connection) as captured:
        results = mentor_search(viewer=student)
    assert len(captured) == 2  # the mentors (flags included), the viewer's preferences
    assert {tuple(r.flags) != () for r in results} == {True}


def test_pending_requests_of_a_slow_mentor_close_early_and_no_one_elses():
    slow, quick = MentorProfileFactory().user, MentorProfileFactory().user
    old = _request(slow, DAYS)
    fresh = _request(slow, dt.timedelta(hours=1))
    other = _request(quick, dt.timedelta(days=6))

    assert tasks.expire_slow_requests() == 2
    assert requests_expire_for_slow_mentors() == 0  # nothing left to close

    statuses = dict(Mentorship.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "expired", fresh.pk: "expired", other.pk: "pending"}
    assert set(EarlyExpiry.objects.values_list("mentorship_id", flat=True)) == {old.pk, fresh.pk}
    assert Mentorship.objects.get(pk=old.pk).ended_at == NOW


def test_the_student_hears_kindly_that_their_request_closed_early():
    mentor = MentorProfileFactory(user=UserFactory(is_mentor=True, display_name="Sam Slow")).user
    request = _request(mentor, DAYS)
    requests_expire_for_slow_mentors()
    nudges_sweep(now=NOW, force=True)
    nudges_sweep(now=NOW, force=True)

    [notice] = Notification.objects.filter(kind=Kind.REQUEST_EXPIRED_EARLY)
    assert notice.user_id == request.student_id
    assert notice.object_id == request.pk
    assert notice.title == "Your request to Sam Slow has been closed"
    assert "7 days or more" in notice.body
    assert "says nothing about you" in notice.body
    assert notice.url == reverse("matching:mentor_search")
    assert not Notification.objects.filter(user=mentor, kind=Kind.REQUEST_EXPIRED_EARLY).exists()


def test_a_request_already_accepted_is_left_alone():
    mentor = MentorProfileFactory().user
    request = _request(mentor, DAYS)
    pair = MentorshipFactory(mentor=mentor)
    MessageFactory(mentorship=pair, created_at=NOW - DAYS)
    Mentorship.objects.filter(pk=request.pk).update(status=Mentorship.Status.ACTIVE)
    assert requests_expire_for_slow_mentors() == 0
    assert Mentorship.objects.get(pk=request.pk).status == "active"


def test_beat_runs_the_early_expiry():
    entry = settings.CELERY_BEAT_SCHEDULE["conversations-expire-slow-requests"]
    assert entry["task"] == tasks.expire_slow_requests.name
