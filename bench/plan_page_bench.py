"""Benchmark the plan page: server time and HTML size for a plan of 300 milestones.

    uv run python -m bench.plan_page_bench                   # 300 milestones, 20 requests
    uv run python -m bench.plan_page_bench --milestones 600 --requests 40
    uv run python -m bench.plan_page_bench --reuse           # keep the seeded database
    uv run python -m bench.plan_page_bench --profile         # where the time goes

Seeds a separate database (``pacer_plan_bench``, dropped and recreated) with one student
whose plan has N milestones over five years: every category and status, a Markdown
description each, most depending on one or two earlier milestones, a third with a
mentor's comment, some asking for evidence. Then, in this process and with production
settings (DEBUG off, cached templates, hashed static files), it requests as the owner:

- the plan page (``GET /plans/<pk>/``), the full page a browser loads first,
- the plan body as htmx redraws it after a filter change,
- one row's edit form (the fragment htmx loads when "Edit" is pressed),
- the timeline page.

Each is warmed up once, then timed over ``--requests`` requests from the moment the
request enters Django's handler to the moment the response is complete (no network,
no browser). Prints min / median / max in milliseconds, the median CPU time of this
process per request (on a shared machine it moves less than the wall-clock time; the
database's own work is not in it), the size of the HTML, and the number of queries
with the time PostgreSQL spent on them. Exits non-zero when the plan
page answers anything but 200 or does not show every milestone.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "pacer_plan_bench"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
OWNER_EMAIL = "owner@plan-bench.example.org"

DESCRIPTION = (
    "Why this step matters: **{title}** builds on what came before.\n\n"
    "- read the two most recent papers of the group\n"
    "- write a one-page summary with *open questions*\n"
    "- see [the guide](https://example.org/guide/{i}) for details\n"
)


def setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="0",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or "bench-" + "k" * 50,
        DATABASE_URL=f"{PG_URL}/{DB_NAME}",
        DATABASE_POOL="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        # Configured like production's server on SSD storage (see docker-compose.yml).
        conn.execute(f'ALTER DATABASE "{DB_NAME}" SET random_page_cost = 1.1')


def seed(n: int, seed_value: int = 11) -> int:
    """One student's plan of ``n`` milestones; returns the plan's id."""
    from allauth.account.models import EmailAddress
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.matching.models import Mentorship
    from apps.milestones.models import Category, Milestone, MilestoneComment, Plan, Status

    call_command("migrate", verbosity=0)
    rng = random.Random(seed_value)
    now, today = timezone.now(), timezone.localdate()
    owner = User.objects.create_user(
        email=OWNER_EMAIL, password=None, display_name="Bench Owner", is_student=True
    )
    mentor = User.objects.create_user(
        email="mentor@plan-bench.example.org", password=None, display_name="Bench Mentor"
    )
    User.objects.filter(pk__in=[owner.pk, mentor.pk]).update(onboarded_at=now)
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    Mentorship.objects.create(
        student=owner, mentor=mentor, status=Mentorship.Status.ACTIVE, share_plan=True
    )
    start = today - dt.timedelta(days=700)
    plan = Plan.objects.create(
        owner=owner,
        title="Road to a research career",
        target_role="Research scientist in RL",
        focus_areas="reinforcement learning, off-policy evaluation",
        start_date=start,
        horizon_years=5,
        is_primary=True,
    )
    categories, span = Category.values, 5 * 365
    milestones = []
    for i in range(n):
        target = start + dt.timedelta(days=round(i * span / n) + rng.randint(0, 20))
        if target < today:
            status = rng.choice([Status.DONE, Status.DONE, Status.SKIPPED, Status.PLANNED])
        else:
            status = rng.choice(
                [Status.PLANNED, Status.PLANNED, Status.IN_PROGRESS, Status.BLOCKED]
            )
        title = f"Step {i}: {rng.choice(['Read', 'Write', 'Apply', 'Review', 'Email'])} things"
        milestones.append(
            Milestone(
                plan=plan,
                title=title,
                category=categories[i % len(categories)],
                description=DESCRIPTION.format(title=title, i=i),
                success_criterion="Something measurable happened, checked by my mentor",
                target_date=target,
                status=status,
                requires_evidence=i % 7 == 0,
                completed_at=now - dt.timedelta(days=rng.randint(1, 600))
                if status == Status.DONE
                else None,
                position=i,
            )
        )
    milestones = Milestone.objects.bulk_create(milestones)
    through = Milestone.dependencies.through
    edges = set()
    for i, m in enumerate(milestones[1:], start=1):
        for _ in range(rng.choice([0, 1, 1, 2])):
            edges.add((m.pk, milestones[rng.randrange(max(0, i - 10), i)].pk))
    through.objects.bulk_create(through(from_milestone_id=a, to_milestone_id=b) for a, b in edges)
    MilestoneComment.objects.bulk_create(
        MilestoneComment(milestone=m, author=mentor, body="Good, keep going: **one** more.")
        for m in milestones[::3]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return plan.pk


def timed(client, path: str, n: int, headers: dict[str, str] | None = None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path, headers=headers or {})  # warm-up: templates, connection
    if response.status_code != 200:
        raise SystemExit(f"GET {path}: HTTP {response.status_code}")
    times, cpu = [], []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers or {})
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path, headers=headers or {})
    return {
        "min": min(times),
        "median": statistics.median(times),
        "max": max(times),
        "cpu": statistics.median(cpu),
        "bytes": len(response.content),
        "queries": len(queries.captured_queries),
        "sql_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
        "html": response.content.decode(),
    }


def profile(client, path: str, n: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--milestones", type=int, default=300)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--reuse", action="store_true", help="use the already seeded database")
    parser.add_argument("--profile", action="store_true", help="print a profile of the plan page")
    args = parser.parse_args()

    if not args.reuse:
        print(f"Creating database {DB_NAME} with a plan of {args.milestones} milestones…")
        create_database()
    setup_django()
    from django.core.management import call_command

    plan_pk = _existing_plan() if args.reuse else seed(args.milestones)
    # DEBUG off serves hashed static files (WhiteNoise's manifest), as in production.
    call_command("collectstatic", "--noinput", verbosity=0)
    from django.test import Client
    from django.urls import reverse

    from apps.accounts.models import User
    from apps.milestones.models import Milestone

    owner = User.objects.get(email=OWNER_EMAIL)
    client = Client()
    client.force_login(owner)
    n_milestones = Milestone.objects.filter(plan_id=plan_pk).count()
    first = Milestone.objects.filter(plan_id=plan_pk).order_by("position", "pk").first()
    plan_url = reverse("milestones:plan_detail", args=[plan_pk])
    pages = {
        "plan page": (plan_url, None),
        "plan body (htmx filter)": (
            plan_url + "?group=category",
            {"HX-Request": "true", "HX-Target": "plan-body"},
        ),
        "edit form of one row (htmx)": (
            reverse("milestones:milestone_edit", args=[first.pk]),
            {"HX-Request": "true"},
        ),
        "timeline page": (reverse("milestones:plan_timeline", args=[plan_pk]), None),
    }
    if args.profile:
        profile(client, plan_url, args.requests)
    print(f"\nPlan of {n_milestones} milestones; {args.requests} requests per page, in process\n")
    print(
        f"{'page':30} {'min ms':>8} {'median':>8} {'max ms':>8} {'CPU ms':>8} {'KiB':>8} "
        f"{'queries':>8} {'SQL ms':>8}"
    )
    failed = False
    for label, (path, headers) in pages.items():
        r = timed(client, path, args.requests, headers)
        print(
            f"{label:30} {r['min']:>8.1f} {r['median']:>8.1f} {r['max']:>8.1f} {r['cpu']:>8.1f} "
            f"{r['bytes'] / 1024:>8.1f} {r['queries']:>8} {r['sql_ms']:>8.1f}"
        )
        if label == "plan page":
            rows = r["html"].count('class="milestone milestone-')
            if rows != n_milestones:
                print(f"  the plan page shows {rows} milestones, not {n_milestones}")
                failed = True
    print(f"\n(database {DB_NAME} is kept for --reuse; drop it with: dropdb {DB_NAME})")
    return 1 if failed else 0


def _existing_plan() -> int:
    from apps.milestones.models import Plan

    return Plan.objects.get(owner__email=OWNER_EMAIL).pk


if __name__ == "__main__":
    sys.exit(main())
