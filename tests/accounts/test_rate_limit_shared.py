"""allauth's log-in rate limit is counted in Redis, so it holds across processes: failed
attempts spread over two web processes add up to one limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.accounts.factories import UserFactory
from tests.nudges.harness import ROOT, RedisServer, database_url

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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "1",  # static files from the app folders, no collectstatic needed
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "ERROR",
    }
    result = subprocess.run(
        [sys.executable, "-c", ATTEMPTS, email, str(attempts)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_failed_logins_in_two_processes_share_one_limit(redis_server):
    user = UserFactory()

    first = _web_process_attempts(user.email, 3, redis_server.url)
    second = _web_process_attempts(user.email, 3, redis_server.url)

    # Five failures are allowed per address; the sixth, in the other process, is refused.
    assert first == [False, False, False]
    assert second == [False, False, True]
