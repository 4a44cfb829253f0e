"""The sweep: turns what is due into notifications, their outbox rows and digest slots.

It runs the rules one after another on this process's one connection. The beat-driven
task asks it to leave the heavy (hourly) rules out and runs each of those as a task of
its own (:func:`nudges_rule_run`), so other worker processes write them side by side:
more throughput comes from more worker processes, never from threads inside a task."""

from __future__ import annotations

import functools
import logging
import zlib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from apps.nudges import conf
from apps.nudges.rules import (
    DIGEST_SLOTS_SQL,
    SLOT_COLUMNS,
    TZ_NOW_CTE,
    Rule,
    RulesRun,
    all_rules,
    get_rule,
    local_calendar,
    rule_is_due,
    rules_run,
    user_column,
    user_table,
    zones_in_use,
)
from apps.nudges.selectors import outbox_due

logger = logging.getLogger(__name__)

# Any sweep holds this advisory lock: a second scheduler's sweep waits rather than
# racing the first on the same unique keys (which could deadlock).
SWEEP_LOCK_KEY = 0x6E75_6467  # "nudg"

# A span of people's ids, ``(start, stop)``: ``start <= id < stop``, open where None.
Span = tuple[int | None, int | None]


def rule_lock_key(kind: str, part: int = 0) -> int:
    """The second key of the advisory lock on one part of a heavy rule's people,
    ``(SWEEP_LOCK_KEY, this)``: stable across processes and releases (unlike ``hash``),
    and within PostgreSQL's ``int4``. Two parts sharing a key would only wait for each
    other."""
    return zlib.crc32(f"{kind}:{part}".encode()) & 0x7FFF_FFFF


@dataclass
class SweepResult:
    created: dict[str, int] = field(default_factory=dict)
    queued_immediate: int = 0
    queued_digests: int = 0
    due: int = 0
    # The heavy rules found due, as (kind, part, its span of people's ids), each part
    # left to a task of its own (``defer_heavy``).
    heavy_due: list[tuple[str, int, Span]] = field(default_factory=list)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


QUEUE_IMMEDIATE_SQL = """
WITH q AS (
    UPDATE nudges_notification n SET queued_at = %(now)s
    WHERE n.queued_at IS NULL AND n.delivery = 'immediate'
    RETURNING n.id, n.kind, n.object_id, n.period
)
INSERT INTO nudges_outboxmessage
    (kind, object_id, period, notification_id, status, next_attempt_at,
     attempts, last_error, subject, created_at)
SELECT q.kind, q.object_id, q.period, q.id, 'pending', %(now)s, 0, '', '', %(now)s
FROM q
ON CONFLICT (notification_id) WHERE notification_id IS NOT NULL DO NOTHING
"""


# Every person with notifications waiting for a digest, whose slot may have come: run
# when a local hour has turned somewhere (or a person changed their schedule), not every
# minute. New nudges queue their people's slots in the statement that writes them.
# Each person is looked up once: ``OFFSET 0`` keeps the planner, which cannot know how
# many wait, from joining every zone to every person first and looking people up once
# per zone.
@functools.cache
def queue_digests_sql() -> str:
    # Built on first use, from the people model's metadata.
    people = user_table()
    waiting = f"""
    SELECT w.user_id, w.delivery, {SLOT_COLUMNS}
    FROM (
        SELECT w.user_id, w.delivery, u.{user_column("timezone")} AS timezone
        FROM (
            SELECT DISTINCT n.user_id, n.delivery FROM nudges_notification n
            WHERE n.queued_at IS NULL AND n.delivery IN ('daily', 'weekly')
        ) w
        JOIN {people} u ON u.id = w.user_id AND u.{user_column("is_active")}
        OFFSET 0
    ) w
    JOIN tz_now t ON t.tz = w.timezone
    LEFT JOIN nudges_nudgesettings s ON s.user_id = w.user_id"""  # noqa: S608 (code constants only)
    return f"WITH {TZ_NOW_CTE}\n{DIGEST_SLOTS_SQL.format(people=waiting)}"


# The local hours the last full digest pass saw, zone by zone.
DIGEST_HOURS_KEY = "nudges:digest-hours"


def local_hours(calendar: dict[str, list]) -> str:
    """Every zone's local date and hour in one string: the digest pass's mark."""
    return "|".join(
        f"{tz}/{day}/{hour}"
        for tz, day, hour in zip(
            calendar["tz_names"], calendar["tz_dates"], calendar["tz_hours"], strict=True
        )
    )


def _digest_pass_due(hours: str) -> bool:
    """A person's digest can only fall due when their local hour or date turns (or they
    change their schedule, which forgets the mark): so the full pass over the waiting
    notifications runs when some zone's hour differs from the last pass's."""
    try:
        return cache.get(DIGEST_HOURS_KEY) != hours
    except Exception:
        # Without the cache (Redis down) the pass simply runs: it is idempotent.
        return True


def digest_schedule_changed() -> None:
    """Someone's digest hour, day or pause changed: the next sweep looks at everyone's
    waiting digests again."""
    try:
        cache.delete(DIGEST_HOURS_KEY)
    except Exception:
        logger.warning("Could not reset the digest pass mark.", exc_info=True)


def nudges_sweep(
    *, now: datetime | None = None, force: bool = False, defer_heavy: bool = False
) -> SweepResult:
    """Write every due nudge and its outbox row. Re-running it (or running two at once)
    adds nothing. ``force`` runs every rule, including the hourly ones whose hour has
    been done.

    With ``defer_heavy`` (the beat-driven task) the due hourly rules are not run here
    but listed in ``heavy_due``, each split into ``NUDGES_RULE_PARTS`` parts of its
    people, for :func:`nudges_rule_run` to run on other worker processes; ``force``
    still runs every rule here.

    Called inside a transaction (a test, a command run in one), the sweep is part of
    it. Otherwise each step commits on its own: the digest pass, each rule (a rule's
    nudges, their outbox rows and digest slots together, in one statement), then the
    final queueing. A step that fails stops the sweep and leaves the rest due for the
    next one: every step is idempotent, and the rules are marked done only once all
    have committed."""
    now = now or timezone.now()
    defer_heavy = defer_heavy and not force
    with _locks_given_back():
        take = "pg_advisory_xact_lock" if _in_callers_transaction() else "pg_advisory_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {take}(%s)", [SWEEP_LOCK_KEY])
        return _sweep(now=now, force=force, defer_heavy=defer_heavy)


def nudges_rule_run(
    *, kind: str, now: datetime, part: int | None = None, ids: Span = (None, None)
) -> SweepResult:
    """Run one heavy rule that a sweep at ``now`` found due, for one ``part`` of its
    people, those whose id is in ``ids`` (see :func:`people_parts`), or for everyone
    when ``part`` is None, in a transaction of its own, under the lock of that part (not
    the sweep's: the sweep, other rules and the rule's other parts go on beside it). A
    duplicate message, or one from a second scheduler's sweep, waits for the lock,
    finds the period done (or every key written) and adds nothing. The part is marked
    done only once committed: a failure leaves it due for the next sweep."""
    rule = get_rule(kind)
    if rule is None or not rule.available or rule.every_seconds <= 60:
        logger.warning("No hourly nudge rule %r to run.", kind)
        return SweepResult()
    # The whole rule holds the lock of every part.
    locked = range(conf.RULE_PARTS) if part is None else [part]
    with _locks_given_back(), _rule_lock(kind, locked):
        return _rule_run(rule=rule, now=now, part=part, ids=ids)


def people_parts(parts: int) -> list[Span]:
    """The people's ids cut into ``parts`` spans of equal width, from the first id to
    the last (one query): ``(start, stop)``, a person in it when ``start <= id < stop``,
    the first open below and the last above, so that together they hold everyone,
    including people who join meanwhile. The sweep cuts them once and hands each rule
    task its span."""
    if parts <= 1:
        return [(None, None)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {user_table()}")  # noqa: S608
        first, last = cursor.fetchone()
    # No one yet: cut anyway, so the parts stay apart whoever joins meanwhile.
    first, last = first or 0, last or 0
    width = -(-(last - first + 1) // parts)
    cuts: list[int | None] = [first + width * k for k in range(1, parts)]
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def _rule_run(*, rule: Rule, now: datetime, part: int | None, ids: Span) -> SweepResult:
    result = SweepResult()
    # Checked again under the lock: the period's mark is set after a commit, so a
    # second run of this period waiting here sees it (or, without the cache, finds
    # every key written). A sweep that ran every rule marks the whole period.
    due, key = rule_is_due(rule=rule, now=now)
    if due and part is not None:
        due, key = rule_is_due(rule=rule, now=now, part=part)
    if not due:
        return result
    calendar = local_calendar(now, zones_in_use())
    with _step():
        run = rules_run(rules=[rule], now=now, calendar=calendar, ids=ids)
        transaction.on_commit(lambda: _mark_done({key: 1}), robust=True)
    result.created = run.created
    result.queued_immediate = run.queued
    result.queued_digests = run.digests
    if run.queued or run.digests:
        # Only what this rule queued needs sending started; the sweep sees to the rest.
        result.due = outbox_due_count(now=now)
    return result


def _in_callers_transaction() -> bool:
    """The caller has a transaction open (an atomic block, or autocommit turned off):
    the sweep's writes belong to it."""
    return connection.in_atomic_block or not connection.get_autocommit()


@contextmanager
def _locks_given_back():
    """Around work that takes the sweep's or a rule's advisory locks: inside a caller's
    transaction they are transaction locks, given back with it; otherwise they are the
    session's, given back here however the work ends."""
    if _in_callers_transaction():
        yield
        return
    try:
        yield
    finally:
        _sweep_lock_release()


def _sweep_lock_release() -> None:
    """Give the session-level sweep lock (or a rule's lock) back, however the sweep or
    the rule ended. The connection may go back to a pool, which keeps a session's
    advisory locks: if the release itself fails (the connection broke, a time limit
    struck), the session is closed, which releases them."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
    except BaseException:
        raw = connection.connection
        if raw is not None:
            raw.close()
        connection.close()
        raise


@contextmanager
def _rule_lock(kind: str, parts: Iterable[int]):
    """Hold the locks of these parts of a heavy rule's people around its transaction:
    one writer of a person's notifications of a kind at a time, whether a rule task or
    a sweep running every rule here (``INSERT_SQL`` relies on it). Taken in one order
    (so two writers never wait for each other in a cycle) before the transaction
    begins, so a waiting writer holds no row locks another rule could need. Given back
    when the block ends; if it fails, by the caller's ``_sweep_lock_release`` (or with
    the caller's transaction)."""
    keys = [rule_lock_key(kind, part) for part in sorted(parts)]
    take = "pg_advisory_xact_lock" if _in_callers_transaction() else "pg_advisory_lock"
    with connection.cursor() as cursor:
        # One statement; its calls run left to right.
        calls = ", ".join(f"{take}({SWEEP_LOCK_KEY}, %s)" for _ in keys)
        cursor.execute(f"SELECT {calls}", keys)
    yield
    if take == "pg_advisory_lock":
        with connection.cursor() as cursor:
            calls = ", ".join(f"pg_advisory_unlock({SWEEP_LOCK_KEY}, %s)" for _ in keys)
            cursor.execute(f"SELECT {calls}", keys)


@contextmanager
def _step():
    """A cursor for one step of the sweep: in a transaction of its own, unless the
    whole sweep is already inside one."""
    if _in_callers_transaction():
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        yield cursor


def _sweep(*, now: datetime, force: bool, defer_heavy: bool) -> SweepResult:
    result = SweepResult()
    done_keys: list[str] = []
    calendar = local_calendar(now, zones_in_use())
    heavy, light = [], []
    spans: list[Span] = []
    for rule in all_rules():
        due, key = rule_is_due(rule=rule, now=now)
        if not (due or force):
            continue
        if rule.every_seconds <= 60:
            light.append(rule)
        elif defer_heavy:
            # Each part of its people run and marked done by a task of its own, not here.
            spans = spans or people_parts(conf.RULE_PARTS)
            result.heavy_due += [
                (rule.kind, part, span)
                for part, span in enumerate(spans)
                if rule_is_due(rule=rule, now=now, part=part)[0]
            ]
        else:
            heavy.append(rule)
            done_keys.append(key)
    # Nudges that stop being true (a milestone done, a reply logged) are not looked for
    # here: they are cleared for their person when that person opens the notification
    # centre and just before an email to them is built, the only two places they could
    # be seen.
    hours = local_hours(calendar)
    digest_pass = force or _digest_pass_due(hours)
    if digest_pass:
        # Before the rules: the slots of the people with new nudges are queued by the
        # rules' own statements, so this pass reads only what was waiting.
        with _step() as cursor:
            cursor.execute(queue_digests_sql(), {"now": now, **calendar})
            result.queued_digests = cursor.rowcount
    # Each rule commits on its own: an hourly one (many rows: every milestone due
    # tomorrow) is not undone by a later one failing, and no transaction writes digest
    # slots in two statements, so the slots it holds are always in one order (see
    # DIGEST_SLOTS_SQL) and a rule task writing beside it cannot deadlock with it. A
    # rule writes in one statement, so those run every minute (which nearly always
    # write nothing) simply autocommit: no transaction to open and close each minute.
    runs = []
    for rule in heavy:
        with _rule_lock(rule.kind, range(conf.RULE_PARTS)), _step():
            runs.append(rules_run(rules=[rule], now=now, calendar=calendar))
    for rule in light:
        runs.append(rules_run(rules=[rule], now=now, calendar=calendar))
    run = RulesRun.combined(runs)
    result.created = run.created
    result.queued_immediate += run.queued
    result.queued_digests += run.digests
    with _step() as cursor:
        # Notifications written elsewhere (not by a rule) still get their outbox rows.
        cursor.execute(QUEUE_IMMEDIATE_SQL, {"now": now})
        result.queued_immediate += cursor.rowcount
        result.due = outbox_due_count(now=now)
        # Marked done only once committed: a rolled-back sweep leaves the work due.
        marks: dict[str, object] = dict.fromkeys(done_keys, 1)
        if digest_pass:
            marks[DIGEST_HOURS_KEY] = hours
        transaction.on_commit(lambda: _mark_done(marks), robust=True)
    return result


def _mark_done(marks: dict[str, object]) -> None:
    if marks:
        cache.set_many(marks, timeout=2 * 3600)


def outbox_due_count(*, now: datetime, cap: int | None = None) -> int:
    cap = cap or conf.BATCH_SIZE * conf.MAX_PARALLEL_SENDS
    # Counting at most `cap` rows, in no particular order, stops after `cap` rows
    # whatever plan is chosen. In the claim's order it did too, but only on the partial
    # index: right after a sweep has written a large batch, the table's statistics
    # still say it is nearly empty, and the planner then fetched every due row and
    # sorted them all (an eighth of a second per 250,000 rows).
    return outbox_due(now=now).order_by()[:cap].count()


def outbox_sends_needed(*, due: int) -> int:
    """How many sending tasks to fan out for ``due`` rows: one per batch, at most
    ``MAX_PARALLEL_SENDS`` (each drains batches until none are due)."""
    return min(conf.MAX_PARALLEL_SENDS, -(-due // conf.BATCH_SIZE))
