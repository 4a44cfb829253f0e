"""Kept reads in the cache production runs: one Redis shared by every web and worker
process. A write committed in another process retires what this one kept, and what
Redis holds expires on its own. (The other kept-read tests use the per-process cache of
the test settings.)"""

from __future__ import annotations

import pytest
import redis
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.person_versions import VALUE_SECONDS, VERSION_SECONDS
from apps.dashboards.home import student_home
from apps.dashboards.selectors import mentor_dashboard
from apps.milestones import services as milestone_services
from apps.milestones.models import Milestone
from apps.milestones.models import Status as MStatus
from config.settings import base as project_settings
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import fill_student_data, give_mentees, make_students
from tests.nudges.harness import RedisServer, run_in_project_process

# Another process with the project's own settings (its cache is Redis) marks one
# milestone done through the milestones service, as a web or worker process would.
MARK_DONE = """
import sys, django
django.setup()
from apps.milestones.models import Milestone, Status
from apps.milestones.services import milestone_set_status
milestone_set_status(milestone=Milestone.objects.get(pk=int(sys.argv[1])), status=Status.DONE)
"""


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    # The project's own cache settings (the test settings use a per-process cache), on
    # this server, so this process and the other one use the same keys.
    caches = {"default": {**project_settings.CACHES["default"], "LOCATION": redis_server.url}}
    with override_settings(CACHES=caches):
        yield client
    client.close()


def _mark_done_in_another_process(milestone: Milestone, redis_url: str) -> None:
    run_in_project_process(MARK_DONE, str(milestone.pk), redis_url=redis_url)


def _queries(read) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


@pytest.mark.django_db(transaction=True)
def test_a_write_in_another_process_retires_what_this_one_kept(redis_cache, redis_server):
    (student,) = make_students(1)
    fill_student_data([student], milestones=4, overdue=1, done=1)
    mentor = UserFactory(is_mentor=True)
    give_mentees(mentor, [student])
    now = timezone.now()

    def home() -> int:
        return student_home(user=student, now=now)["figures"].plan_done

    def mentor_row() -> int:
        return mentor_dashboard(mentor=mentor, now=now)["rows"][0].plan_done

    # The first views read the database and keep what they read in Redis; the next
    # ones read less.
    cold = _queries(home) + _queries(mentor_row)
    assert _queries(home) + _queries(mentor_row) < cold
    assert redis_cache.keys("*dashboards:*:home:*")
    assert (home(), mentor_row()) == (1, 1)

    milestone = Milestone.objects.filter(plan__owner=student, status=MStatus.PLANNED).first()
    _mark_done_in_another_process(milestone, redis_server.url)

    assert (home(), mentor_row()) == (2, 2)


@pytest.mark.django_db
def test_what_redis_keeps_expires_on_its_own(redis_cache):
    (student,) = make_students(1)
    fill_student_data([student], milestones=3, overdue=1, done=1)
    student_home(user=student, now=timezone.now())

    kept = redis_cache.keys("*dashboards:*")
    versions = redis_cache.keys("*person-version:*")
    assert kept
    assert versions
    assert all(0 < redis_cache.ttl(key) <= VALUE_SECONDS for key in kept)
    assert all(VALUE_SECONDS < redis_cache.ttl(key) <= VERSION_SECONDS for key in versions)


@pytest.mark.django_db
def test_what_redis_keeps_of_a_comment_is_what_the_page_shows(redis_cache):
    """The home's comments are kept as the words shown, not as rows of people: no
    author's address or password hash lands in the shared cache."""
    (student,) = make_students(1)
    fill_student_data([student], milestones=3, overdue=1, done=1)
    mentor = UserFactory(is_mentor=True, display_name="Dr Mentor")
    give_mentees(mentor, [student])
    milestone = Milestone.objects.filter(plan__owner=student).first()
    milestone_services.comment_create(milestone=milestone, author=mentor, body="Nice start")

    comments = student_home(user=student, now=timezone.now())["comments"]

    assert [(c["author"], c["body"]) for c in comments] == [("Dr Mentor", "Nice start")]
    kept = b"".join(redis_cache.get(key) or b"" for key in redis_cache.keys("*dashboards:*"))
    assert b"Nice start" in kept
    assert mentor.email.encode() not in kept
    assert mentor.password.encode() not in kept
