"""Benchmark nudges: the sweep, the claim, and SMTP delivery.

    uv run python -m bench.nudges_bench                     # 100,000 students (~1M rows)
    uv run python -m bench.nudges_bench --students 10000    # a quicker, smaller run
    uv run python -m bench.nudges_bench --keep              # keep the database afterwards
    uv run python -m bench.nudges_bench --database other    # a database of another name
    uv run python -m bench.nudges_bench --only worst --keep # just the worst case
    uv run python -m bench.nudges_bench --only worst --reuse --keep  # again, kept

Creates its own PostgreSQL database (``pacer_bench_nudges`` unless named, on the server of
DATABASE_URL, default the local one), migrates it, and seeds it set-based with
``INSERT ... SELECT generate_series`` (per student: a plan with 5 milestones, 3 review
cards, 2 contacts, so 100,000 students make ~1,000,000 rows). It then reports:

- a normal sweep (a few thousand nudges due, every rule run; the median of 7 runs),
  the per-minute sweeps that follow (hourly rules staggered across the hour, nothing
  new), and the sweep as a local hour turns (when waiting digests are looked at again);
- the sweeps as scheduled: for each hourly rule, the sweep of the minute it runs in,
  writing that rule's nudges (a few thousand for the busiest);
- the worst case: every milestone, card and follow-up due at once, all set to
  "immediately", so every nudge is also written to the outbox (the median of 3 runs):
  as in production, the sweep with each part of each hourly rule's people handed to a
  worker process (a pool of two, as one worker deployed with ``--concurrency=2``), from
  the sweep's start to the last part's commit; and beside it every rule one after
  another in one process, with the query count;
- claiming a batch of 1,000 due outbox rows, and EXPLAIN of the claim query;
- delivery to a local SMTP sink (aiosmtpd in a separate process), with one connection
  per batch and with a new connection per message, from one process and from one worker
  as deployed (a prefork pool of two processes);
- a reference query timed at the start and the end, to compare machines and moments.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "pacer_bench_nudges"


def _server_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pacer")
    return base.rsplit("/", 1)[0]


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{_server_url()}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{_server_url()}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def execute(sql: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def seed(students: int, now: datetime) -> None:
    """Set-based seeding; rows spread so that a normal day has a few thousand due."""
    today = now.date()
    execute(
        """
        INSERT INTO accounts_user (password, is_superuser, email, display_name, timezone, bio,
            research_interests, is_student, is_mentor, is_coordinator, is_active, is_staff,
            date_joined)
        SELECT '!', false, 'student' || g || '@bench.example', 'Student ' || g,
               (ARRAY['Europe/London','America/New_York','Asia/Kolkata','Australia/Sydney',
                      'UTC'])[1 + g %% 5],
               '', '', true, false, false, true, false, now()
        FROM generate_series(1, %(n)s) g
        """,
        {"n": students},
    )
    execute(
        """
        INSERT INTO milestones_plan (title, target_role, focus_areas, start_date, horizon_years,
            is_primary, template_name, created_at, updated_at, owner_id)
        SELECT 'Plan', 'Researcher', '', %(today)s::date - 365, 5, true, '', now(), now(), u.id
        FROM accounts_user u WHERE u.is_student
        """,
        {"today": today},
    )
    # 5 milestones per plan, target dates from two years ago to two years ahead; past
    # ones are nearly all done (1 in 100 left open, so overdue exists but is rare).
    execute(
        """
        INSERT INTO milestones_milestone (category, title, description, success_criterion,
            target_date, status, requires_evidence, evidence_url, evidence_note, position,
            created_at, updated_at, plan_id)
        SELECT 'research', 'Milestone ' || k, '', 'Done when done',
               d.target, CASE WHEN d.target < %(today)s AND (p.id + k) %% 100 <> 0
                              THEN 'done' ELSE 'planned' END,
               false, '', '', k, now(), now(), p.id
        FROM milestones_plan p
        CROSS JOIN generate_series(1, 5) k
        CROSS JOIN LATERAL (SELECT %(today)s::date - 730 + ((p.id * 7919 + k * 104729) %% 1460)::int
                            AS target) d
        """,
        {"today": today},
    )
    # 3 cards per student, due over the next 180 days: 1 in 180 is due now (at most
    # one per student), so about 1,700 students have cards to review.
    execute(
        """
        INSERT INTO readinglists_reviewcard (topic, kind, prompt, answer, starter_key, state,
            suspended, due, created_at, owner_id)
        SELECT 'other', 'qa', 'Prompt', '', '', 2, false,
               %(now)s + ((((u.id * 31 + k * 17) %% 180) - 1) || ' days')::interval
                 + interval '1 hour',
               now(), u.id
        FROM accounts_user u CROSS JOIN generate_series(1, 3) k WHERE u.is_student
        """,
        {"now": now},
    )
    # 2 contacts per student; 1 in 100 has a follow-up due.
    execute(
        """
        INSERT INTO research_contact (name, affiliation, homepage, email, orcid, purpose, status,
            notes, follow_up_days, created_at, updated_at, owner_id, follow_up_on)
        SELECT 'Prof ' || u.id || '-' || k, '', '', '', '', 'advice', 'emailed', '', 10,
               now(), now(), u.id,
               CASE WHEN (u.id + k) %% 100 = 0 THEN %(today)s::date - 1 END
        FROM accounts_user u CROSS JOIN generate_series(1, 2) k WHERE u.is_student
        """,
        {"today": today},
    )
    execute("ANALYZE")


def row_counts() -> dict[str, int]:
    from django.db import connection

    out = {}
    tables = "accounts_user milestones_milestone readinglists_reviewcard research_contact"
    with connection.cursor() as cursor:
        for table in [*tables.split(), "nudges_notification", "nudges_outboxmessage"]:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            out[table] = cursor.fetchone()[0]
    return out


def sweep_with_queries(now, show_slowest: int = 0, force: bool = True):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.nudges.sweep import nudges_sweep

    with CaptureQueriesContext(connection) as ctx:
        result, ms = timed(nudges_sweep, now=now, force=force)
    slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:show_slowest]
    for q in slowest:
        sql = " ".join(q["sql"].split())
        marker = sql.split("candidates AS (", 1)[-1][:110]
        print(f"      {float(q['time']) * 1000:7.1f} ms  {marker}")
    return result, ms, len(ctx.captured_queries)


def bench_sweeps(now, normal_runs: int = 7) -> None:
    from apps.nudges.sweep import nudges_sweep

    nudges_sweep(now=now - timedelta(days=400))  # warm caches (zones, plans); writes little
    runs = []
    for i in range(normal_runs):
        execute("TRUNCATE nudges_notification, nudges_outboxmessage")
        result, ms, queries = sweep_with_queries(now, show_slowest=4 if i == 0 else 0)
        runs.append(ms)
    print(
        f"normal sweep, every rule run: median {statistics.median(runs):.1f} ms "
        f"(min {min(runs):.1f}, max {max(runs):.1f}, {normal_runs} runs), {queries} queries, "
        f"{result.total_created} nudges written ({result.queued_immediate} immediate emails, "
        f"{result.queued_digests} digests queued)"
    )
    print(f"   by kind: { {k: v for k, v in result.created.items() if v} }")
    times = []
    for i in range(5):
        _, ms, queries = sweep_with_queries(
            now + timedelta(seconds=60 * (i + 1)), show_slowest=4 if i == 4 else 0, force=False
        )
        times.append(ms)
    print(
        "per-minute sweeps (hourly rules staggered, nothing new): "
        f"median {statistics.median(times):.1f} ms "
        f"(min {min(times):.1f}), {queries} queries"
    )
    # The digests written above are never sent here, so their notifications all still
    # wait: the first sweep after a local hour turns looks at every one of them again.
    waiting = execute(
        "SELECT 1 FROM nudges_notification WHERE queued_at IS NULL AND delivery <> 'none'"
    )
    next_hour = now.replace(minute=0, second=0) + timedelta(hours=1)
    # Beat would have run each hourly rule in its own minute on the way to the hour
    # (the benchmark jumps there): mark them done, so this sweep does what the hour's
    # turn adds, the digest pass.
    _mark_hourly_rules_done(next_hour)
    result, ms, queries = sweep_with_queries(next_hour, show_slowest=2, force=False)
    print(
        f"sweep as a local hour turns (digest pass over {waiting} waiting nudges): "
        f"{ms:.1f} ms, {queries} queries, {result.queued_digests} digests queued"
    )


def _hourly_rules():
    from apps.nudges.rules import HOURLY, all_rules

    return [rule for rule in all_rules() if rule.every_seconds == HOURLY]


def _mark_hourly_rules_done(at, *, but=None) -> None:
    from django.core.cache import cache

    from apps.nudges.rules import rule_is_due

    cache.set_many({rule_is_due(rule=r, now=at)[1]: 1 for r in _hourly_rules() if r != but})


def bench_scheduled_sweeps(now, runs: int = 5) -> None:
    """The sweeps as beat runs them: every minute the event rules, and each hourly rule
    once an hour in a minute of its own. For each hourly rule, the sweep of the minute
    it runs in, with every other hourly rule and the digest pass already done this hour
    (as they would be): the median of ``runs`` runs, each writing that rule's nudges
    afresh."""
    from django.core.cache import cache

    from apps.nudges.rules import local_calendar, rule_next_period, zones_in_use
    from apps.nudges.sweep import DIGEST_HOURS_KEY, local_hours

    rows = []
    for rule in _hourly_rules():
        at = rule_next_period(rule=rule, now=now)
        times = []
        for _ in range(runs):
            execute("TRUNCATE nudges_notification, nudges_outboxmessage")
            cache.clear()
            _mark_hourly_rules_done(at, but=rule)
            cache.set(DIGEST_HOURS_KEY, local_hours(local_calendar(at, zones_in_use())))
            result, ms, queries = sweep_with_queries(at, force=False)
            times.append(ms)
        rows.append((rule.kind, at, result, statistics.median(times), min(times), queries))
    print(f"sweeps as scheduled (each hourly rule in its own minute; median of {runs} runs):")
    for kind, at, result, median, fastest, queries in rows:
        print(
            f"   {at:%H:%M} UTC, {kind}: median {median:.1f} ms (min {fastest:.1f}), "
            f"{queries} queries, {result.total_created} nudges written, "
            f"{result.queued_digests} digests queued"
        )
    cache.clear()


def _close_connections() -> None:
    """Before forking: none of this process's connections (pooled or not) may be
    inherited, so each forked process opens its own."""
    from django.db import connections

    for conn in connections.all():
        conn.close()
        if hasattr(conn, "close_pool"):
            conn.close_pool()


def _pool_connect() -> None:
    """A worker process is long-lived: connected, and warm, before work arrives."""
    from apps.nudges.rules import zones_in_use

    zones_in_use()


def _pool_rule(kind: str, now: datetime, part: int, ids: tuple) -> tuple[str, int, float]:
    """One rule task, as a worker process runs it: (kind and part, nudges written, its
    seconds, ending with its commit)."""
    from apps.nudges.sweep import nudges_rule_run

    start = time.perf_counter()
    result = nudges_rule_run(kind=kind, now=now, part=part, ids=ids)
    return f"{kind} part {part + 1}", result.total_created, time.perf_counter() - start


def sweep_with_rule_workers(now, processes: int = 2) -> tuple[float, int, list]:
    """The sweep as the beat-driven task runs it, the hourly rules handed to
    ``processes`` forked processes (a worker's prefork pool): seconds from the sweep's
    start to the last rule's commit, nudges written, and each rule's (kind, nudges,
    seconds)."""
    import multiprocessing

    from django.core.cache import cache

    from apps.nudges.sweep import nudges_sweep

    cache.clear()  # every hourly rule due (the forked processes inherit this cache)
    _close_connections()
    with multiprocessing.get_context("fork").Pool(processes, initializer=_pool_connect) as pool:
        start = time.perf_counter()
        result = nudges_sweep(now=now, defer_heavy=True)
        tasks = [(kind, now, part, ids) for kind, part, ids in result.heavy_due]
        rules = pool.starmap(_pool_rule, tasks, chunksize=1)
        seconds = time.perf_counter() - start
    created = result.total_created + sum(count for _, count, _ in rules)
    return seconds, created, rules


def bench_worst_case(now, students: int, runs: int = 3, fewer: bool = True) -> None:
    from apps.nudges.sweep import nudges_sweep

    execute("TRUNCATE nudges_notification, nudges_outboxmessage")
    execute(
        "UPDATE milestones_milestone SET status = 'planned', target_date = %s",
        [now.date() + timedelta(days=1)],
    )
    execute("UPDATE readinglists_reviewcard SET due = %s", [now - timedelta(hours=1)])
    execute("UPDATE research_contact SET follow_up_on = %s", [now.date() - timedelta(days=1)])
    execute(
        """
        INSERT INTO nudges_kindpreference (user_id, kind, mode)
        SELECT u.id, k, 'immediate' FROM accounts_user u
        CROSS JOIN unnest(ARRAY['milestone_due', 'cards_due', 'follow_up_due']) k
        ON CONFLICT (user_id, kind) DO UPDATE SET mode = 'immediate'
        """
    )
    # The UPDATEs above rewrote every milestone, card and contact; in production
    # autovacuum would have cleaned up after such a change long before, so measure the
    # sweep on vacuumed tables (as the claim benchmark does) rather than on dead rows.
    # The nudge tables were just emptied and have no dead rows; like a new install's,
    # they have no statistics: the planner goes by their size on disk.
    execute(
        "VACUUM ANALYZE milestones_milestone, readinglists_reviewcard, research_contact, "
        "nudges_kindpreference, accounts_user, milestones_plan"
    )
    # Warm (rules' SQL built, URLs resolved) before forking, as long-lived workers are.
    nudges_sweep(now=now - timedelta(days=400))
    # The two ways in turn, run after run, so both see the machine in the same moods.
    parallel, serial = [], []
    for i in range(runs):
        execute("TRUNCATE nudges_notification, nudges_outboxmessage")
        seconds, created, rules = sweep_with_rule_workers(now)
        parallel.append(seconds)
        if i == 0:
            by_rule = ", ".join(f"{kind} {s:.1f} s" for kind, count, s in rules if count)
            print(f"   rule tasks of the first run (2 processes): {by_rule}")
        execute("TRUNCATE nudges_notification, nudges_outboxmessage")
        result, ms, queries = sweep_with_queries(now, show_slowest=4 if i == 0 else 0)
        serial.append(ms / 1000)
    outbox = execute("SELECT 1 FROM nudges_outboxmessage")
    print(
        f"worst case, hourly rules on 2 worker processes (sweep start to last commit): "
        f"median {statistics.median(parallel):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in parallel)}), {created} nudges written"
    )
    print(
        f"worst case, every rule one after another in one process: "
        f"median {statistics.median(serial):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in serial)}), {queries} queries, "
        f"{result.total_created} nudges and {outbox} outbox rows written"
    )
    if not fewer:
        return
    execute("TRUNCATE nudges_notification, nudges_outboxmessage")
    plans = max(1000, students // 10)
    execute(
        "UPDATE milestones_milestone SET target_date = target_date + 400 "
        "WHERE plan_id NOT IN (SELECT id FROM milestones_plan ORDER BY id LIMIT %s)",
        [plans],
    )
    _, ms_small, queries_small = sweep_with_queries(now)
    print(
        f"   same sweep with fewer due milestones: {ms_small / 1000:.2f} s, "
        f"{queries_small} queries (query count does not grow with rows)"
    )


def bench_claim(now, runs: int = 7) -> None:
    from django.db import connection, transaction

    from apps.nudges.delivery import CLAIM_SQL, outbox_claim

    execute(
        "UPDATE nudges_outboxmessage SET next_attempt_at = %s, status = 'pending', "
        "leased_until = NULL",
        [now],
    )
    # The UPDATE above rewrote every row; autovacuum would clean up after it in
    # production, so measure the steady state rather than a table full of dead tuples.
    execute("VACUUM ANALYZE nudges_outboxmessage")
    pending = execute("SELECT 1 FROM nudges_outboxmessage WHERE status = 'pending'")
    at = now + timedelta(seconds=1)
    # Each run is rolled back, so every run claims the same first 1,000 rows of the same
    # table on a warm cache; the first run warms the cache and is not counted.
    times = []
    for _ in range(runs + 1):
        with transaction.atomic():
            _, ms = timed(outbox_claim, limit=1000, now=at)
            times.append(ms)
            transaction.set_rollback(True)
    times = times[1:]
    print(
        f"claim 1,000 of {pending:,} due rows (warm, each run rolled back): "
        f"median {statistics.median(times):.2f} ms (min {min(times):.2f}, max {max(times):.2f})"
    )
    # Consecutive claims, as one worker draining the backlog would make them.
    seq = [timed(outbox_claim, limit=1000, now=at)[1] for _ in range(runs)]
    print(f"   {runs} consecutive claims of 1,000: median {statistics.median(seq):.2f} ms")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + CLAIM_SQL,
            {"now": at, "lease_until": at + timedelta(minutes=5), "limit": 1000},
        )
        print("EXPLAIN ANALYZE of the claim statement (rolled back):")
        for (line,) in cursor.fetchall():
            print("   ", line)
        transaction.set_rollback(True)


SINK_SCRIPT = """
import sys, time, logging
logging.getLogger("mail.log").setLevel(logging.WARNING)
from aiosmtpd.controller import Controller
class H:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
c = Controller(H(), hostname="127.0.0.1", port=int(sys.argv[1])); c.start()
print("ready", flush=True)
sys.stdin.read()
"""


def _send_in(processes: int, reuse: bool) -> tuple[int, float]:
    """Drain the due rows with ``processes`` senders at once, as one Celery worker's
    prefork pool does; returns (emails sent, wall-clock ms)."""
    import multiprocessing

    from apps.nudges.delivery import outbox_send_due

    if processes == 1:
        result, ms = timed(outbox_send_due, reuse_connection=reuse)
        return result.sent, ms
    _close_connections()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        start = time.perf_counter()
        sent = pool.map(_pool_send, [reuse] * processes)
        ms = (time.perf_counter() - start) * 1000
    return sum(sent), ms


def _pool_send(reuse: bool) -> int:
    from apps.nudges.delivery import outbox_send_due

    return outbox_send_due(reuse_connection=reuse).sent


def _queue_emails(now, count: int) -> None:
    """Make the first ``count`` nudges' emails due again, and nothing else."""
    execute("UPDATE nudges_outboxmessage SET status = 'skipped'")
    execute(
        "UPDATE nudges_outboxmessage SET status = 'pending', next_attempt_at = %s, "
        "leased_until = NULL, attempts = 0 WHERE id IN (SELECT id "
        "FROM nudges_outboxmessage WHERE notification_id IS NOT NULL ORDER BY id LIMIT %s)",
        [now - timedelta(seconds=1), count],
    )
    execute("UPDATE nudges_notification SET read_at = NULL, emailed_at = NULL")
    # Both rewrite whole tables: vacuum now, so autovacuum does not start mid-run.
    execute("VACUUM ANALYZE nudges_outboxmessage, nudges_notification")


def bench_smtp(now, messages: int, runs: int = 3) -> None:
    from django.conf import settings

    from tests.nudges.harness import free_port

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK_SCRIPT, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    sink.stdout.readline()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    cases = (
        (True, 1, messages, "one process, one connection per batch"),
        (False, 1, max(200, messages // 4), "one process, new connection per message"),
        # The worker as deployed (docker-compose: --concurrency=2): two pool processes.
        (True, 2, messages, "one worker (2 pool processes), one connection per batch"),
        (False, 2, max(200, messages // 4), "one worker (2 pool processes), new connection each"),
    )
    try:
        # A worker process is long-lived: warm (mail modules, templates) before timing.
        _queue_emails(now, 100)
        _send_in(1, True)
        for reuse, processes, count, label in cases:
            rates = []
            for _ in range(runs):
                _queue_emails(now, count)
                sent, ms = _send_in(processes, reuse)
                rates.append(sent / (ms / 1000))
            print(
                f"SMTP delivery, {label}: {sent} emails a run, median of {runs} runs "
                f"{statistics.median(rates):.0f} emails/s "
                f"(runs: {', '.join(f'{r:.0f}' for r in rates)})"
            )
    finally:
        sink.stdin.close()
        sink.terminate()


def reference_ms(runs: int = 5) -> float:
    """A fixed CPU-bound query, so figures from machines (or moments: shared hosts vary
    from minute to minute) can be compared: the median of ``runs`` runs."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            start = time.perf_counter()
            cursor.execute("SELECT sum(g) FROM generate_series(1, 5000000) g")
            cursor.fetchone()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--smtp-messages", type=int, default=3000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--database", default=DEFAULT_DB, help="the benchmark database's name")
    parser.add_argument(
        "--only", choices=["worst"], help="run only this part (worst: the worst case)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --only worst: use the database an earlier --keep run left, unseeded again",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of the worst case")
    args = parser.parse_args()
    if args.reuse and args.only != "worst":
        # The other parts expect the data as seeded; the worst case resets what it needs.
        parser.error("--reuse is for --only worst")

    if not args.reuse:
        _admin(f'DROP DATABASE IF EXISTS "{args.database}"')
        _admin(f'CREATE DATABASE "{args.database}"')
        # Configured like production's server on SSD storage (see docker-compose.yml).
        _admin(f'ALTER DATABASE "{args.database}" SET random_page_cost = 1.1')
    try:
        setup_django(args.database)
        # A Wednesday mid-morning UTC: no weekly summaries, daily digests due in most zones.
        now = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
        print(f"reference query (sum over 5,000,000 numbers): {reference_ms():.0f} ms")
        if args.reuse:
            print(f"reusing the kept database: {row_counts()}")
        else:
            _, ms = timed(seed, args.students, now)
            print(f"seeded in {ms / 1000:.1f} s: {row_counts()}")
        if args.only == "worst":
            bench_worst_case(now, args.students, runs=args.runs, fewer=False)
        else:
            bench_sweeps(now)
            bench_scheduled_sweeps(now)
            bench_worst_case(now, args.students, runs=args.runs)
            bench_claim(now)
            bench_smtp(now, args.smtp_messages)
        print(f"reference query again, at the end: {reference_ms():.0f} ms")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
