"""Fixtures shared by every test package.

The browser harness (``page``, ``browser_login``) drives Debian's Chromium through
Playwright against ``live_server``; later capabilities reuse it for their journeys.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator

import psutil
import pytest
from django.core.cache import cache

from tests.accounts.factories import UserFactory
from tests.browser.helpers import open_tab

# Playwright's sync API runs an event loop in the test thread; Django's async-safety
# guard would then refuse the ORM calls that tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PACER_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """Give every test process its own database, so that parallel workers and
    concurrent runs against one PostgreSQL server never drop each other's tables."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    db.setdefault("TEST", {})["NAME"] = f"test_{db['NAME']}_{worker}_{os.getpid()}"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Rate-limit counters and cached fragments must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()


def pytest_sessionstart(session: pytest.Session) -> None:
    # Only the controlling process: xdist workers start while it is running.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    _drop_abandoned_test_databases()


LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def _drop_abandoned_test_databases(name: str | None = None) -> None:
    """Drop the test databases of runs that were interrupted (their process is gone).

    Every test process names its database ``test_<name>_<worker>_<pid>`` after the
    configured database ``name``, so a database whose pid is not running belongs to no
    live run. Only on a server of this machine: another machine's pids mean nothing here."""
    import psycopg
    from django.conf import settings
    from psycopg import sql

    db = settings.DATABASES["default"]
    if not (db["HOST"] or "").startswith("/") and db["HOST"] not in LOCAL_HOSTS:
        return
    pattern = re.compile(rf"^test_{re.escape(name or db['NAME'])}_\w+?_(\d+)$")
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": "postgres"}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    with psycopg.connect(**params, autocommit=True) as conn:
        names = [row[0] for row in conn.execute("SELECT datname FROM pg_database")]
        for name in names:
            match = pattern.match(name)
            if match and not psutil.pid_exists(int(match.group(1))):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def student(db):
    return UserFactory(is_student=True, display_name="Sam Student")


@pytest.fixture
def mentor(db):
    return UserFactory(is_mentor=True, display_name="Maya Mentor")


@pytest.fixture
def coordinator(db):
    return UserFactory(is_coordinator=True, display_name="Cora Coordinator")


# --- Browser harness -------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser tab (own cookies) with the live server as base URL.

    On failure a screenshot lands in test-artifacts/ to show what the person saw. Any
    console error (a CSP violation, a failed request, an exception in our script) fails
    the test: a page that works "apart from the console" is broken.
    """
    context, tab, problems = open_tab(browser, live_server)
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        os.makedirs("test-artifacts", exist_ok=True)
        tab.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
    context.close()
    assert not problems, "The browser console reported errors:\n" + "\n".join(problems)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def browser_login(live_server) -> Callable:
    """Sign a user in by typing into the real log-in form."""

    def login(tab, user, password: str = UserFactory.PASSWORD) -> None:
        tab.goto("/accounts/login/")
        tab.get_by_label("Email").fill(user.email)
        tab.get_by_label("Password").fill(password)
        tab.get_by_role("button", name="Sign In").click()
        tab.wait_for_load_state("networkidle")

    return login
