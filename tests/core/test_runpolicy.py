"""The suite's own run rules (tests/runpolicy.py), checked on small suites of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

# The inner suite skips a test and expects another to fail: the rules under test are about
# those outcomes. It lives in a data file so that this module holds no skip or xfail.
SUITE = (Path(__file__).parent / "data" / "runpolicy_inner_suite.py.txt").read_text()

CLOCK = """
import datetime as dt
import time

def test_the_clock_is_moved():
    now = dt.datetime.now(dt.UTC)
    assert (now.hour, now.minute) == (23, 30)
    assert dt.datetime.fromtimestamp(time.time(), dt.UTC).hour == 23
"""


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _plain_pytest(monkeypatch):
    # The inner runs are plain pytest in a process of their own, with this plugin only.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def _run(pytester, *args: str):
    return pytester.runpytest_subprocess(
        "-p",
        "tests.runpolicy",
        "-p",
        "no:django",
        "-p",
        "no:xdist",
        "-p",
        "no:cacheprovider",
        *args,
    )


@pytest.fixture
def outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)


def test_skips_and_xfails_pass_outside_ci(pytester, outside_ci):
    pytester.makepyfile(test_suite=SUITE)

    result = _run(pytester)

    result.assert_outcomes(passed=1, skipped=1, xfailed=1)
    assert result.ret == 0


@pytest.mark.parametrize("suite", ["test_skipped", "test_expected_to_fail"])
def test_ci_fails_a_run_with_a_skip_or_an_xfail(pytester, monkeypatch, suite):
    monkeypatch.setenv("CI", "true")
    pytester.makepyfile(test_suite=SUITE)

    result = _run(pytester, "-k", f"test_passes or {suite}")

    assert result.ret == 1
    result.stdout.fnmatch_lines(["*CI forbids skipped and expected-failure tests*"])


def test_ci_passes_a_run_where_everything_ran(pytester, monkeypatch):
    monkeypatch.setenv("CI", "true")
    pytester.makepyfile(test_suite=SUITE)

    result = _run(pytester, "-k", "test_passes")

    assert result.ret == 0


def test_clock_moves_every_test_to_that_time_of_today(pytester, outside_ci):
    pytester.makepyfile(test_clock=CLOCK)

    result = _run(pytester, "--clock", "23:30")

    result.assert_outcomes(passed=1)


def test_a_malformed_clock_is_refused(pytester, outside_ci):
    pytester.makepyfile(test_clock=CLOCK)

    result = _run(pytester, "--clock", "25:99")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--clock wants a time of day as HH:MM*"])
