"""The quick start, end to end: one command serves the app with a worker and beat, a real
nudge email reaches the browser mail page within two minutes of the first page, and
Ctrl-C stops every process it started.

It runs the real command on a database and a Redis server of its own."""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from email.message import EmailMessage
from html import escape
from pathlib import Path

import psutil
import psycopg
import pytest
import requests
from django.conf import settings
from psycopg import sql

from apps.core.demo import DEMO_STUDENT
from tests.nudges.harness import ROOT, RedisServer, database_url, free_port, wait_for

pytestmark = pytest.mark.worker

FIRST_PAGE_SECONDS = 180  # migrations and demo data on an empty database come first
NUDGE_SECONDS = 120  # the promise: a nudge within two minutes of the first page


def _maintenance(db: dict) -> psycopg.Connection:
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": "postgres"}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture
def own_database():
    db = dict(settings.DATABASES["default"])
    # Named like a test database, so an interrupted run's copy is dropped by the next run.
    db["NAME"] = f"test_pacer_quickstart_{os.getpid()}"
    name = sql.Identifier(db["NAME"])
    with _maintenance(db) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    yield db
    with _maintenance(db) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


@pytest.fixture
def own_redis():
    server = RedisServer().start()
    yield server
    server.stop()


def _nudge_emails(folder: Path) -> list[EmailMessage]:
    parsed = (
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(folder.glob("*.eml"))
    )
    return [m for m in parsed if isinstance(m, EmailMessage) and m["List-Unsubscribe"]]


def _student_notifications(db: dict) -> int:
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": db["NAME"]}
    with psycopg.connect(**params) as conn:
        row = conn.execute(
            "SELECT count(*) FROM nudges_notification n JOIN accounts_user u ON u.id = n.user_id"
            " WHERE u.email = %s",
            [DEMO_STUDENT],
        ).fetchone()
    return int(row[0]) if row else 0


def test_quickstart_serves_nudges_and_stops_everything(own_database, own_redis, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "1",
        "DATABASE_URL": database_url(own_database),
        "REDIS_URL": own_redis.url,
        "DEV_MAIL_DIR": str(mail_dir),
        "LOG_LEVEL": "WARNING",
    }
    for name in ("EMAIL_HOST", "EMAIL_BACKEND", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    log_path = tmp_path / "quickstart.log"
    with log_path.open("wb") as log:
        quickstart = subprocess.Popen(
            [sys.executable, "manage.py", "quickstart", "--addrport", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own group, so the test can send it a terminal's Ctrl-C.
            start_new_session=True,
        )
    started: list[psutil.Process] = []
    try:

        def answers() -> bool:
            assert quickstart.poll() is None, log_path.read_text()
            try:
                return requests.get(f"{base}/", timeout=2).status_code == 200
            except requests.ConnectionError:
                return False

        wait_for(answers, FIRST_PAGE_SECONDS, "the first page")
        started = psutil.Process(quickstart.pid).children(recursive=True)
        commands = [" ".join(p.cmdline()) for p in started]
        assert any("runserver" in c for c in commands), commands
        assert any("worker" in c for c in commands), commands
        assert any(" beat" in c for c in commands), commands
        assert f"{base}/dev/mail/" in log_path.read_text()

        def student_has_a_nudge_email() -> bool:
            return any(m["To"] == DEMO_STUDENT for m in _nudge_emails(mail_dir))

        wait_for(student_has_a_nudge_email, NUDGE_SECONDS, "a nudge email to the demo student")
        assert _student_notifications(own_database) > 0, "and in the notification centre"
        nudge = next(m for m in _nudge_emails(mail_dir) if m["To"] == DEMO_STUDENT)
        assert f"Subject: {nudge['Subject']}" in log_path.read_text(), "printed to the console"
        mail_page = requests.get(f"{base}/dev/mail/", timeout=10)
        assert mail_page.status_code == 200
        assert escape(str(nudge["Subject"])) in mail_page.text
        # Links in the emails point at the address the quick start serves.
        assert f"{base}/nudges/unsubscribe/" in str(nudge["List-Unsubscribe"])

        os.killpg(quickstart.pid, signal.SIGINT)
        assert quickstart.wait(timeout=60) == 0, log_path.read_text()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(p.is_running() for p in started):
            time.sleep(0.2)
        alive = [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert alive == [], [p.cmdline() for p in alive]
    finally:
        # Whatever happened above, nothing started here outlives the test.
        for process in started:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        if quickstart.poll() is None:
            os.killpg(quickstart.pid, signal.SIGKILL)
            quickstart.wait(timeout=30)
