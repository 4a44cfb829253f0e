"""How the suite runs, as a pytest plugin (loaded by ``tests/conftest.py``).

- ``--clock HH:MM`` runs every test with the clock moved to that UTC time of today, so
  a test that takes "today" from a different clock than the code it tests fails at any
  hour, not only at some. CI runs the suite at 00:30 and at 23:30.
- With ``CI`` set, a skipped, xfailed or xpassed test fails the run: every test must
  run, and pass, against the real parts.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        metavar="HH:MM",
        help="Run every test with the clock moved to this UTC time of today (e.g. 00:30), "
        "to catch tests that take 'today' from a different clock than the code.",
    )


def pytest_configure(config: pytest.Config) -> None:
    at = config.getoption("--clock")
    if at is not None and _parse_clock(at) is None:
        raise pytest.UsageError(f"--clock wants a time of day as HH:MM (e.g. 00:30), not {at!r}.")


def _parse_clock(at: str) -> dt.time | None:
    try:
        return dt.datetime.strptime(at, "%H:%M").time()
    except ValueError:
        return None


@pytest.fixture(autouse=True)
def _moved_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    at = _parse_clock(request.config.getoption("--clock") or "")
    if at is None:
        yield
        return
    import time_machine

    today = dt.datetime.now(dt.UTC).date()
    moved = dt.datetime.combine(today, at, tzinfo=dt.UTC)
    # tick=True: time still passes inside the test, from the moved start.
    with time_machine.travel(moved, tick=True):
        yield


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped or xfailed test is a failure: every test must run, and pass,
    against the real parts."""
    if not _in_ci():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = len(reporter.stats.get("skipped", []))
    xfailed = len(reporter.stats.get("xfailed", []))
    xpassed = len(reporter.stats.get("xpassed", []))
    if (skipped or xfailed or xpassed) and session.exitstatus == 0:
        reporter.write_line(
            f"CI forbids skipped and expected-failure tests: {skipped} skipped, "
            f"{xfailed} xfailed, {xpassed} xpassed.",
            red=True,
        )
        session.exitstatus = 1
