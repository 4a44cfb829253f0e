"""Run the whole product on one machine: web, a Celery worker and beat, with demo data.

The database and the broker are the embedded PostgreSQL and Redis unless DATABASE_URL
and REDIS_URL name other servers (settings start them; see config/embedded.py). The
processes are started together and stopped together: Ctrl-C (or SIGTERM) stops every
child process group, then the embedded servers stop as this process exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.demo import DEMO_COORDINATOR, DEMO_MENTOR, DEMO_PASSWORD, DEMO_STUDENT

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Migrate, load the demo data and run Pacer (web, worker, beat) until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed_demo")
        if options["no_serve"]:
            return
        addrport = str(options["addrport"])
        children = _start_children(addrport)
        stopping = False

        def stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self._announce(addrport)
        failed: str | None = None
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        failed = f"{name} exited with status {child.returncode}"
                        stopping = True
                time.sleep(0.5)
        finally:
            self.stdout.write("Stopping web, worker and beat…")
            _stop_children(children)
        if failed:
            raise CommandError(f"Pacer stopped because {failed}; see its output above.")
        self.stdout.write("Stopped.")

    def _announce(self, addrport: str) -> None:
        base = f"http://{addrport}"
        self.stdout.write(
            self.style.SUCCESS(
                "\nPacer is starting: web, worker and beat.\n"
                f"  Open      {base}/\n"
                f"  Log in as {DEMO_STUDENT}, {DEMO_MENTOR} or {DEMO_COORDINATOR}\n"
                f"            password {DEMO_PASSWORD}\n"
                f"  Emails    {base}/dev/mail/  (also printed here; the first nudges go out "
                "within two minutes)\n"
                f"  Data      {Path(settings.BASE_DIR) / 'var'}\n"
                "  Stop      Ctrl-C\n"
            )
        )


def _start_children(addrport: str) -> dict[str, subprocess.Popen]:
    # Each child gets a session of its own, so a Ctrl-C in the terminal reaches only this
    # process, which then stops the children (and their pool processes) in order.
    python = sys.executable
    run_dir = Path(settings.BASE_DIR) / "var"
    run_dir.mkdir(exist_ok=True)
    commands = {
        "web": [python, "manage.py", "runserver", addrport, "--noreload"],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "--concurrency",
            "2",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(run_dir / "celerybeat-schedule"),
        ],
    }
    # Links in emails point at the address served, unless SITE_URL says otherwise.
    env = {"SITE_URL": f"http://{addrport}", **os.environ, "PYTHONUNBUFFERED": "1"}
    return {
        name: subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command, cwd=settings.BASE_DIR, env=env, start_new_session=True
        )
        for name, command in commands.items()
    }


def _stop_children(children: dict[str, subprocess.Popen]) -> None:
    for child in children.values():
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)
            child.wait()
    # A worker's pool processes share its group: make sure none outlives it.
    for child in children.values():
        _signal_group(child, signal.SIGKILL)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)
