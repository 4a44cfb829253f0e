"""Benchmark the dashboards under load, on PostgreSQL behind gunicorn.

    uv run python -m bench.dashboards_bench                # full data set (slow to seed)
    uv run python -m bench.dashboards_bench --scale 0.1    # a tenth of the people
    uv run python -m bench.dashboards_bench --reuse        # keep the seeded database

Seeds a separate database (``pacer_bench``, or ``$BENCH_DB_NAME``; dropped and recreated)
with 200 mentors and 2,000 students, each student with 40 milestones, 100 reading items
(a third read), review cards, two paper drafts aimed at venues with deadlines and five
contacts; the first mentor has 50 mentees. Starts gunicorn on loopback (``--workers 2 --threads 4``,
DEBUG=0) with a connection pool per worker no larger than its threads, so workers x
threads never exceeds what PostgreSQL allows. Then a threaded ``requests`` client with
16 connections, each with the session cookie of a signed-in user, hits three pages
for a bounded number of requests and time:

- the mentor dashboard of the mentor with 50 mentees,
- the student home of students with full data,
- ``/account/export/`` (GET: a minimal signed-in page) as the floor,

then the mentor dashboard and the student home again while data changes (before each
view, one mentee's or the student's kept reads are retired, as their writes would), and
prints requests/s, p50/p95 latency, errors, and each page's ratio to the floor. Exits
non-zero on any error or when the mentor dashboard or the student home is slower than
4x the floor (p50); the rows with data changing are there to read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DB_NAME", "pacer_bench")
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
WORKERS, THREADS = 2, 4
TARGET_RATIO = 4.0

BATCH = 5000
SERVER_LOG = Path(tempfile.gettempdir()) / "pacer_dashboards_bench_gunicorn.log"


def _server_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="0",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or "bench-" + "k" * 50,
        DATABASE_URL=f"{PG_URL}/{DB_NAME}",
        # One pooled connection per thread: 2 workers x 4 threads = 8 connections at most.
        DATABASE_POOL_MIN_SIZE=str(THREADS),
        DATABASE_POOL_MAX_SIZE=str(THREADS),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SITE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
    )
    # Redis only when asked: the pages under test do not need it, and the shared
    # machine's Redis belongs to the test suites.
    if "BENCH_REDIS_URL" in os.environ:
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    else:
        env.pop("REDIS_URL", None)
    return env


# --- Database -----------------------------------------------------------------------------


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        # Configured like production's server on SSD storage (see docker-compose.yml).
        conn.execute(f'ALTER DATABASE "{DB_NAME}" SET random_page_cost = 1.1')


def setup_django(port: int) -> None:
    os.environ.update(_server_env(port))
    os.environ["DATABASE_POOL"] = "0"  # the seeding process needs one plain connection
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(scale: float, seed_value: int = 7) -> dict[str, list[int]]:
    """Bulk-insert the data set; returns the ids of the users the load generator uses."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.matching.models import MentorProfile, Mentorship
    from apps.milestones.models import Category, Milestone, Plan
    from apps.readinglists.models import Item, ReadingList, ReviewCard
    from apps.research.models import Contact, Draft, Stage, Venue, VenueDeadline

    call_command("migrate", verbosity=0)
    rng = random.Random(seed_value)
    now = timezone.now()
    today = timezone.localdate()
    n_mentors = max(2, round(200 * scale))
    n_students = max(60, round(2000 * scale))
    password = make_password(secrets.token_urlsafe(12))
    t0 = time.perf_counter()

    def users(prefix: str, n: int, **flags) -> list[User]:
        return User.objects.bulk_create(
            [
                User(
                    email=f"{prefix}{i}@bench.example.org",
                    display_name=f"{prefix.title()} {i:04d}",
                    password=password,
                    onboarded_at=now,
                    last_login=now - dt.timedelta(days=rng.randint(0, 40)),
                    **flags,
                )
                for i in range(n)
            ],
            batch_size=BATCH,
        )

    mentors = users("mentor", n_mentors, is_mentor=True)
    students = users("student", n_students, is_student=True)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in mentors + students
        ],
        batch_size=BATCH,
    )
    MentorProfile.objects.bulk_create(
        [MentorProfile(user=m, capacity=50 if i == 0 else 20) for i, m in enumerate(mentors)]
    )
    # The first mentor has 50 mentees; the others share the rest evenly.
    pairs = [(students[i], mentors[0]) for i in range(50)]
    others = mentors[1:]
    pairs += [(s, others[i % len(others)]) for i, s in enumerate(students[50:])]
    Mentorship.objects.bulk_create(
        [
            Mentorship(
                student=s,
                mentor=m,
                status=Mentorship.Status.ACTIVE,
                started_at=now,
                share_plan=True,
                share_reading=rng.random() < 0.8,
                share_papers=rng.random() < 0.7,
                share_outreach=rng.random() < 0.5,
            )
            for s, m in pairs
        ],
        batch_size=BATCH,
    )
    venues = Venue.objects.bulk_create([Venue(title=f"BENCH{i}") for i in range(20)])
    deadlines = []
    for i, v in enumerate(venues):
        for k, kind in enumerate(("abstract", "paper")):
            due = now + dt.timedelta(days=3 + 6 * i + k * 7, hours=rng.randint(0, 23))
            deadlines.append(
                VenueDeadline(
                    venue=v,
                    year=due.year,
                    kind=kind,
                    local_date=due.date(),
                    local_time=dt.time(23, 59),
                    timezone_name="UTC",
                    due_at=due,
                )
            )
    VenueDeadline.objects.bulk_create(deadlines)
    plans = Plan.objects.bulk_create(
        [
            Plan(
                owner=s,
                title="Road to a PhD",
                target_role="Research scientist",
                start_date=today - dt.timedelta(days=500),
                is_primary=True,
            )
            for s in students
        ],
        batch_size=BATCH,
    )
    categories = Category.values
    batch: list = []
    for plan in plans:
        for i in range(40):
            offset = rng.randint(-300, 900)
            target = today + dt.timedelta(days=offset)
            if offset < 0:
                status = rng.choice(["done", "done", "done", "planned", "skipped"])
            else:
                status = rng.choice(["planned", "planned", "in_progress"])
            batch.append(
                Milestone(
                    plan=plan,
                    title=f"Milestone {i}",
                    category=categories[i % len(categories)],
                    success_criterion="Measurable",
                    target_date=target,
                    status=status,
                    completed_at=now - dt.timedelta(days=rng.randint(0, 300))
                    if status == "done"
                    else None,
                    position=i,
                )
            )
        if len(batch) >= BATCH * 4:
            Milestone.objects.bulk_create(batch, batch_size=BATCH)
            batch = []
    Milestone.objects.bulk_create(batch, batch_size=BATCH)
    print(f"  users, mentorships, plans, milestones: {time.perf_counter() - t0:.0f}s", flush=True)
    lists = ReadingList.objects.bulk_create(
        [ReadingList(owner=s, title=f"Reading {j}") for s in students for j in range(2)],
        batch_size=BATCH,
    )
    owners = {rl.pk: rl.owner_id for rl in lists}
    batch = []
    for rl in lists:
        batch += [Item(reading_list=rl, title=f"Paper {i}", position=i) for i in range(50)]
        if len(batch) >= BATCH * 4:
            _items_with_progress(batch, owners, rng)
            batch = []
    _items_with_progress(batch, owners, rng)
    cards = [
        ReviewCard(
            owner=s, prompt=f"Card {i}", due=now + dt.timedelta(hours=rng.randint(-200, 400))
        )
        for s in students
        for i in range(20)
    ]
    ReviewCard.objects.bulk_create(cards, batch_size=BATCH)
    Draft.objects.bulk_create(
        [
            Draft(
                owner=s,
                title=f"Draft {j}",
                target_venue=rng.choice(venues),
                stage=rng.choice(
                    [Stage.IDEA, Stage.DRAFTING, Stage.INTERNAL_REVIEW, Stage.SUBMITTED]
                ),
                stage_changed_at=now,
            )
            for s in students
            for j in range(2)
        ],
        batch_size=BATCH,
    )
    Contact.objects.bulk_create(
        [
            Contact(
                owner=s,
                name=f"Prof. {j}",
                status="emailed",
                last_emailed_on=today - dt.timedelta(days=12),
                follow_up_on=today + dt.timedelta(days=rng.randint(-5, 10)),
            )
            for s in students
            for j in range(5)
        ],
        batch_size=BATCH,
    )
    from django.db import connection

    # The steady state autovacuum keeps: statistics and visibility maps (index-only scans).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  seeded in {time.perf_counter() - t0:.0f}s", flush=True)
    return {
        "mentor": [mentors[0].pk],
        "students": [s.pk for s in students[:16]],
        "floor": [mentors[1].pk],
    }


def _items_with_progress(items: list, owners: dict[int, int], rng: random.Random) -> None:
    """Insert items, then the owner's progress on about a third of them."""
    from apps.readinglists.models import Item, Progress

    created = Item.objects.bulk_create(items, batch_size=BATCH)
    rows = [
        Progress(
            user_id=owners[it.reading_list_id],
            item=it,
            status=rng.choice(["read", "summarised", "reading"]),
        )
        for it in created
        if rng.random() < 0.33
    ]
    Progress.objects.bulk_create(rows, batch_size=BATCH)


def known_users() -> dict[str, list[int]]:
    from apps.accounts.models import User

    mentor = User.objects.get(email="mentor0@bench.example.org")
    floor = User.objects.get(email="mentor1@bench.example.org")
    students = list(
        User.objects.filter(email__startswith="student", email__endswith="@bench.example.org")
        .order_by("pk")
        .values_list("pk", flat=True)[:16]
    )
    return {"mentor": [mentor.pk], "students": students, "floor": [floor.pk]}


def session_cookies(user_ids: list[int], n: int) -> list[str]:
    """Session keys of signed-in users (as the log-in form would create them)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from apps.accounts.models import User

    engine = import_module(settings.SESSION_ENGINE)
    keys = []
    for i in range(n):
        user = User.objects.get(pk=user_ids[i % len(user_ids)])
        store = engine.SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        keys.append(store.session_key)
    return keys


# --- Server and load ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--log-level",
        "warning",
    ]
    log = open(SERVER_LOG, "w")  # noqa: SIM115 - the server writes to it until stopped
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=_server_env(port), start_new_session=True, stdout=log, stderr=log
    )
    import requests

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not come up")


def run_load(
    base: str,
    path: str,
    cookies: list[str],
    *,
    requests_total: int,
    seconds: float,
    concurrency: int,
    before_each: Callable[[], None] | None = None,
) -> dict:
    import requests

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests_total))
    stop_at = time.monotonic() + seconds

    def worker(index: int) -> None:
        session = requests.Session()
        # The session cookie is Secure (as in production); on plain-HTTP loopback the
        # client sends it explicitly instead of through the cookie jar.
        session.headers["Cookie"] = f"sessionid={cookies[index % len(cookies)]}"
        while time.monotonic() < stop_at:
            with lock:
                if next(counter, None) is None:
                    return
            if before_each is not None:
                before_each()
            start = time.perf_counter()
            try:
                response = session.get(base + path, timeout=30, allow_redirects=False)
                ok = response.status_code == 200
                detail = f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                ok, detail = False, type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors.append(detail)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    wall = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n + len(errors),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "rps": n / wall if wall else 0.0,
        "p50": statistics.median(latencies) * 1000 if n else float("nan"),
        "p95": latencies[min(n - 1, int(0.95 * n))] * 1000 if n else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the people to seed")
    parser.add_argument("--reuse", action="store_true", help="use the already seeded database")
    parser.add_argument("--requests", type=int, default=1500, help="requests per page (at most)")
    parser.add_argument("--seconds", type=float, default=45.0, help="time per page (at most)")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    port = free_port()
    if not args.reuse:
        print(f"Creating database {DB_NAME} and seeding at scale {args.scale}…", flush=True)
        create_database()
    setup_django(port)
    ids = known_users() if args.reuse else seed(args.scale)
    from django.core.management import call_command

    # DEBUG=0 serves hashed static files (WhiteNoise's manifest), as in production.
    call_command("collectstatic", "--noinput", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        max_conn = int(cursor.fetchone()[0])
    print(
        f"gunicorn: {WORKERS} workers x {THREADS} threads, pool ≤ {THREADS} per worker "
        f"= {WORKERS * THREADS} connections (PostgreSQL max_connections {max_conn})"
    )
    pages = {
        "floor (/account/export/)": (
            "/account/export/",
            session_cookies(ids["floor"], args.concurrency),
        ),
        "mentor dashboard (50 mentees)": (
            "/dashboards/mentor/",
            session_cookies(ids["mentor"], args.concurrency),
        ),
        "student home": ("/home/", session_cookies(ids["students"], args.concurrency)),
    }
    # The same pages while people's data changes: before each view, one mentee's (the
    # mentor dashboard) or the student's own (the student home) kept reads are retired,
    # as a write through their apps would, so that view reads them afresh.
    from apps.core.person_versions import person_data_changed
    from apps.matching.models import Mentorship

    mentees = list(
        Mentorship.objects.filter(mentor_id=ids["mentor"][0]).values_list("student_id", flat=True)
    )
    changing = {
        "mentor dashboard, 1 mentee changed": (
            "mentor dashboard (50 mentees)",
            lambda: person_data_changed([random.choice(mentees)]),
        ),
        "student home, student changed": (
            "student home",
            lambda: person_data_changed(ids["students"]),
        ),
    }
    connection.close()
    proc = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        import requests

        # The dashboard must show the 50 mentees, or the figures measure an empty page.
        path, cookies = pages["mentor dashboard (50 mentees)"]
        page = requests.get(
            base + path, headers={"Cookie": f"sessionid={cookies[0]}"}, timeout=30
        ).text
        rows = page.count('class="dash-row ')
        print(f"mentor dashboard shows {rows} mentees")
        if rows != 50:
            return 1
        for label, (path, cookies) in pages.items():
            # Warm-up: worker imports, template compilation, pool connections.
            run_load(
                base, path, cookies, requests_total=40, seconds=10, concurrency=args.concurrency
            )
            results[label] = run_load(
                base,
                path,
                cookies,
                requests_total=args.requests,
                seconds=args.seconds,
                concurrency=args.concurrency,
            )
        for label, (page_label, change) in changing.items():
            path, cookies = pages[page_label]
            results[label] = run_load(
                base,
                path,
                cookies,
                requests_total=args.requests // 2,
                seconds=args.seconds / 2,
                concurrency=args.concurrency,
                before_each=change,
            )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    floor = results["floor (/account/export/)"]
    seeded = "the database seeded earlier" if args.reuse else f"scale {args.scale}"
    print(f"\nData: {seeded}; {args.concurrency} concurrent connections on loopback\n")
    print(
        f"{'page':32} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p50 x floor':>12}"
    )
    failed = False
    for label, r in results.items():
        ratio = r["p50"] / floor["p50"] if floor["p50"] else float("nan")
        print(
            f"{label:32} {r['requests']:>8} {r['errors']:>6} {r['rps']:>8.1f} {r['p50']:>8.1f} "
            f"{r['p95']:>8.1f} {ratio:>12.2f}"
        )
        if r["errors"]:
            print(f"  errors: {r['error_kinds']}")
            failed = True
    for label in ("mentor dashboard (50 mentees)", "student home"):
        page = results[label]
        ratio = page["p50"] / floor["p50"]
        rps_ratio = floor["rps"] / page["rps"] if page["rps"] else float("inf")
        print(
            f"\n{label}: {ratio:.2f}x the floor's p50 latency, "
            f"{rps_ratio:.2f}x fewer requests/s (target ≤ {TARGET_RATIO:.0f}x)"
        )
        if ratio > TARGET_RATIO:
            failed = True
    print(f"(database {DB_NAME} is kept for --reuse; drop it with: dropdb {DB_NAME})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
