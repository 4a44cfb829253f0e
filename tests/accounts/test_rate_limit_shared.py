"""allauth's log-in rate limit is counted in Redis, so it holds across processes: failed
attempts spread over two web processes add up to one limit."""

from __future__ import annotations

import json

import pytest

from tests.accounts.factories import UserFactory
from tests.nudges.harness import RedisServer, run_in_project_process

# One web process with the project's own settings (its cache is Redis), posting failed
# log-ins through Django's test client; it prints whether each was refused by the limit.
ATTEMPTS = """
import json, sys, django
django.setup()
from django.test import Client
client = Client()
limited = []
for _ in range(int(sys.argv[2])):
    page = client.post("/accounts/login/", {"login": sys.argv[1], "password": "wrong" * 4})
    limited.append("Too many failed login attempts" in page.content.decode())
print(json.dumps(limited))
"""


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


def _web_process_attempts(email: str, attempts: int, redis_url: str) -> list[bool]:
    printed = run_in_project_process(ATTEMPTS, email, str(attempts), redis_url=redis_url)
    return json.loads(printed.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_failed_logins_in_two_processes_share_one_limit(redis_server):
    user = UserFactory()

    first = _web_process_attempts(user.email, 3, redis_server.url)
    second = _web_process_attempts(user.email, 3, redis_server.url)

    # Five failures are allowed per address; the sixth, in the other process, is refused.
    assert first == [False, False, False]
    assert second == [False, False, True]
