"""Test databases of an interrupted run (their process gone) are dropped by the next run;
those of live runs are kept."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.conftest import _drop_abandoned_test_databases


def _server() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": "postgres"}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    return psycopg.connect(**params, autocommit=True)


def _names() -> set[str]:
    with _server() as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


@pytest.fixture
def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_databases_of_finished_processes_are_dropped(dead_pid):
    # The configured name: this process's test database is test_<name>_<worker>_<pid>.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    base = (
        settings.DATABASES["default"]["NAME"]
        .removeprefix("test_")
        .removesuffix(f"_{worker}_{os.getpid()}")
    )
    abandoned = f"test_{base}_gw7_{dead_pid}"
    live = f"test_{base}_gw8_{os.getpid()}"
    other = f"keep_{base}_{dead_pid}"
    with _server() as conn:
        for name in (abandoned, live, other):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        _drop_abandoned_test_databases(base)

        names = _names()
        assert abandoned not in names
        assert {live, other} <= names
    finally:
        with _server() as conn:
            for name in (abandoned, live, other):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
