"""Writes: the sweep that turns due things into notifications and outbox rows, the
claim-send-mark loop that delivers them, and a person's own choices."""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone

from apps.nudges import conf
from apps.nudges.emails import build_email
from apps.nudges.models import (
    UNSUBSCRIBE_ALL,
    Kind,
    KindPreference,
    Mode,
    Notification,
    NudgeSettings,
    OutboxMessage,
    Snooze,
)
from apps.nudges.rules import (
    DIGEST_SLOTS_SQL,
    SLOT_COLUMNS,
    TZ_NOW_CTE,
    Rule,
    RulesRun,
    all_rules,
    local_calendar,
    rule_is_due,
    rules_clear,
    rules_run,
    zones_in_use,
)
from apps.nudges.selectors import outbox_due

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)

# Any sweep holds this advisory lock: a second scheduler's sweep waits rather than
# racing the first on the same unique keys (which could deadlock).
SWEEP_LOCK_KEY = 0x6E75_6467  # "nudg"
# A sweep that writes at least this many rows refreshes the nudge tables' statistics.
ANALYZE_AFTER_ROWS = 10_000


@dataclass
class SweepResult:
    created: dict[str, int] = field(default_factory=dict)
    queued_immediate: int = 0
    queued_digests: int = 0
    due: int = 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


QUEUE_IMMEDIATE_SQL = """
WITH q AS (
    UPDATE nudges_notification n SET queued_at = %(now)s
    WHERE n.queued_at IS NULL AND n.delivery = 'immediate'
    RETURNING n.id, n.user_id, n.kind, n.object_id, n.period
)
INSERT INTO nudges_outboxmessage
    (user_id, kind, object_id, period, notification_id, status, next_attempt_at,
     attempts, last_error, subject, created_at)
SELECT q.user_id, q.kind, q.object_id, q.period, q.id, 'pending', %(now)s, 0, '', '', %(now)s
FROM q
ON CONFLICT (notification_id) WHERE notification_id IS NOT NULL DO NOTHING
"""

# Every person with notifications waiting for a digest, whose slot may have come: run
# when a local hour has turned somewhere (or a person changed their schedule), not every
# minute. New nudges queue their people's slots in the statement that writes them.
# Each person is looked up once: ``OFFSET 0`` keeps the planner, which cannot know how
# many wait, from joining every zone to every person first and looking people up once
# per zone.
_WAITING = f"""
    SELECT w.user_id, w.delivery, {SLOT_COLUMNS}
    FROM (
        SELECT w.user_id, w.delivery, u.timezone
        FROM (
            SELECT DISTINCT n.user_id, n.delivery FROM nudges_notification n
            WHERE n.queued_at IS NULL AND n.delivery IN ('daily', 'weekly')
        ) w
        JOIN accounts_user u ON u.id = w.user_id AND u.is_active
        OFFSET 0
    ) w
    JOIN tz_now t ON t.tz = w.timezone
    LEFT JOIN nudges_nudgesettings s ON s.user_id = w.user_id"""  # noqa: S608 (code constants only)
QUEUE_DIGESTS_SQL = f"WITH {TZ_NOW_CTE}\n{DIGEST_SLOTS_SQL.format(people=_WAITING)}"

# The local hours the last full digest pass saw, zone by zone.
DIGEST_HOURS_KEY = "nudges:digest-hours"


def _local_hours(calendar: dict[str, list]) -> str:
    return "|".join(
        f"{tz}/{day}/{hour}"
        for tz, day, hour in zip(
            calendar["tz_names"], calendar["tz_dates"], calendar["tz_hours"], strict=True
        )
    )


def _digest_pass_due(local_hours: str) -> bool:
    """A person's digest can only fall due when their local hour or date turns (or they
    change their schedule, which forgets the mark): so the full pass over the waiting
    notifications runs when some zone's hour differs from the last pass's."""
    try:
        return cache.get(DIGEST_HOURS_KEY) != local_hours
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


def nudges_sweep(*, now: datetime | None = None, force: bool = False) -> SweepResult:
    """Write every due nudge and its outbox row; sending is enqueued once written.
    Re-running it (or running two at once) adds nothing. ``force`` runs every rule,
    including the hourly ones whose hour has been done.

    Called inside a transaction (a test, a command run in one), the sweep is part of
    it. Otherwise each step commits on its own: the digest pass, each rule (a rule's
    nudges and their outbox rows together), then the final queueing; when several
    heavy rules are due at once they run side by side on ``conf.SWEEP_CONNECTIONS``
    connections. A step that fails leaves the rest due for the next sweep: every step
    is idempotent, and the rules are marked done only when all have committed."""
    now = now or timezone.now()
    if _in_callers_transaction():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
            _tune(cursor)
        return _sweep(now=now, force=force, streams=1)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [SWEEP_LOCK_KEY])
        return _sweep(now=now, force=force, streams=conf.SWEEP_CONNECTIONS)
    finally:
        _sweep_lock_release()


def _in_callers_transaction() -> bool:
    """The caller has a transaction open (an atomic block, or autocommit turned off):
    the sweep's writes belong to it, so they go on this one connection."""
    return connection.in_atomic_block or not connection.get_autocommit()


def _sweep_lock_release() -> None:
    """Give the session-level sweep lock back, however the sweep ended. The connection
    may go back to a pool, which keeps a session's advisory locks: if the release
    itself fails (the connection broke, a time limit struck), the session is closed,
    which releases them."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
    except BaseException:
        raw = connection.connection
        if raw is not None:
            raw.close()
        connection.close()
        raise


def _tune(cursor) -> None:
    # A sweep is idempotent: were PostgreSQL to crash and lose the last fraction of a
    # second of commits, the next sweep would write the same rows again. So a commit
    # need not wait for its WAL flush, which is long after a large sweep. And the rows
    # a sweep reads (today's milestones, cards, contacts and their people) are in
    # memory; with the default cost of a random read (4, for spinning disks) the
    # planner would rather hash whole tables than look a few thousand rows up.
    cursor.execute(
        "SELECT set_config('synchronous_commit', 'off', true), "
        "set_config('random_page_cost', '1.1', true)"
    )


@contextmanager
def _step():
    """A cursor for one step of the sweep: in its own tuned transaction, unless the
    whole sweep is already inside one."""
    if _in_callers_transaction():
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        _tune(cursor)
        yield cursor


def _sweep(*, now: datetime, force: bool, streams: int) -> SweepResult:
    result = SweepResult()
    done_keys: list[str] = []
    calendar = local_calendar(now, zones_in_use())
    due_rules = []
    for rule in all_rules():
        due, key = rule_is_due(rule=rule, now=now)
        if due or force:
            due_rules.append(rule)
            if key:
                done_keys.append(key)
    # Nudges that stop being true (a milestone done, a reply logged) are not looked for
    # here: they are cleared for their person when that person opens the notification
    # centre and just before an email to them is built, the only two places they could
    # be seen.
    local_hours = _local_hours(calendar)
    digest_pass = force or _digest_pass_due(local_hours)
    if digest_pass:
        # Before the rules: the slots of the people with new nudges are queued by the
        # rules' own statements, so this pass reads only what was waiting.
        with _step() as cursor:
            cursor.execute(QUEUE_DIGESTS_SQL, {"now": now, **calendar})
            result.queued_digests = cursor.rowcount
    runs = []
    heavy = [rule for rule in due_rules if rule.every_seconds > 60]
    if streams > 1 and len(heavy) > 1 and not _notifications_known_empty():
        runs.append(
            _rules_run_side_by_side(
                rules=heavy, now=now, calendar=calendar, streams=min(streams, len(heavy))
            )
        )
        # The light rules (a few rows each) after them, together.
        due_rules = [rule for rule in due_rules if rule not in heavy]
    with _step():
        runs.append(rules_run(rules=due_rules, now=now, calendar=calendar))
    run = RulesRun.combined(runs)
    result.created = run.created
    result.queued_immediate += run.queued
    result.queued_digests += run.digests
    with _step() as cursor:
        if result.total_created + result.queued_immediate >= ANALYZE_AFTER_ROWS:
            # The rules find the keys already written by index lookups; planned on
            # statistics from before a large write, the next sweep could scan instead.
            # Refresh them now rather than wait for autovacuum (a sample: ~0.1 s).
            cursor.execute("ANALYZE nudges_notification, nudges_outboxmessage")
        # Notifications written elsewhere (not by a rule) still get their outbox rows.
        cursor.execute(QUEUE_IMMEDIATE_SQL, {"now": now})
        result.queued_immediate += cursor.rowcount
        result.due = outbox_due_count(now=now)
        # Marked done only once committed: a rolled-back sweep leaves the work due.
        marks: dict[str, object] = dict.fromkeys(done_keys, 1)
        if digest_pass:
            marks[DIGEST_HOURS_KEY] = local_hours
        transaction.on_commit(lambda: _mark_done(marks), robust=True)
        transaction.on_commit(lambda: outbox_enqueue_sends(due=result.due), robust=True)
    return result


# Statistics that say the notification table is empty, and it has no pages yet: a
# statement planned now would take every lookup in it for free and might scan it once
# per candidate, while a rule on another connection fills it. Then the rules run one
# after another in one transaction, each planned after the previous one's rows.
KNOWN_EMPTY_SQL = """
SELECT c.reltuples = 0 AND pg_relation_size(c.oid) = 0
FROM pg_class c WHERE c.oid = 'nudges_notification'::regclass
"""


def _notifications_known_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(KNOWN_EMPTY_SQL)
        return bool(cursor.fetchone()[0])


def _rules_run_side_by_side(
    *, rules: list[Rule], now: datetime, calendar: dict[str, list], streams: int
) -> RulesRun:
    """Run these heavy rules on ``streams`` connections at once (this one and threads of
    their own), each rule in its own transaction, the next rule going to whichever
    connection is free. Rules write different kinds, so their nudges never meet; two
    may queue the same person's digest slot, and as every statement writes its slots
    in the same order (``DIGEST_SLOTS_SQL``), the second simply waits for the first to
    commit, never in a cycle. The first error stops the others taking more rules and
    is raised once every connection is done (so the sweep's lock outlives its work);
    what other rules committed stays, and the next sweep finds the rest still due."""
    pending: queue.SimpleQueue[Rule] = queue.SimpleQueue()
    for rule in rules:
        pending.put(rule)
    runs: list[RulesRun] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    lock = threading.Lock()

    def drain() -> None:
        while not stop.is_set():
            try:
                rule = pending.get_nowait()
            except queue.Empty:
                return
            try:
                with _step():
                    run = rules_run(rules=[rule], now=now, calendar=calendar)
            except BaseException as exc:
                stop.set()
                with lock:
                    errors.append(exc)
                return
            with lock:
                runs.append(run)

    def drain_on_own_connection() -> None:
        try:
            drain()
        finally:
            connection.close()

    threads = [threading.Thread(target=drain_on_own_connection) for _ in range(streams - 1)]
    for thread in threads:
        thread.start()
    try:
        drain()
    finally:
        # Also when this thread is interrupted (a task's time limit), even while it
        # waits: no rule is left running on another connection once the sweep returns
        # or raises and gives its lock up.
        stop.set()
        _join_all(threads)
    if errors:
        raise errors[0]
    return RulesRun.combined(runs)


def _join_all(threads: list[threading.Thread]) -> None:
    """Wait for every thread to finish; an interruption while waiting is raised only
    once they have."""
    interrupted: BaseException | None = None
    for thread in threads:
        while thread.is_alive():
            try:
                thread.join()
            except BaseException as exc:
                interrupted = interrupted or exc
    if interrupted is not None:
        raise interrupted


def _mark_done(marks: dict[str, object]) -> None:
    if marks:
        cache.set_many(marks, timeout=2 * 3600)


def outbox_due_count(*, now: datetime, cap: int | None = None) -> int:
    cap = cap or conf.BATCH_SIZE * conf.MAX_PARALLEL_SENDS
    # Counting at most `cap` rows, in the claim's order, keeps this a short walk of the
    # partial index however large the backlog (and however stale the table's
    # statistics right after a sweep has written it).
    return outbox_due(now=now).order_by("next_attempt_at")[:cap].count()


def outbox_enqueue_sends(*, due: int) -> int:
    """Fan out sending tasks. A broker outage is logged, not raised: the rows stay in
    the outbox and the next sweep enqueues them again."""
    from apps.nudges.tasks import send_due_nudges

    tasks = min(conf.MAX_PARALLEL_SENDS, -(-due // conf.BATCH_SIZE))
    sent = 0
    for _ in range(tasks):
        try:
            send_due_nudges.delay()
            sent += 1
        except Exception:
            logger.warning("Could not enqueue nudge sending; the next sweep will.", exc_info=True)
            break
    return sent


# --- Delivery -----------------------------------------------------------------------


# ``ctid = ANY(ARRAY(...))`` rather than ``id IN (...)``: with IN the planner may
# hash-join the claimed ids against a full scan of the table; the array of row
# addresses makes it fetch exactly those rows (a TID scan, without a second walk of
# the primary key), so the claim's cost follows the batch, not the table. The
# addresses cannot go stale in between: the same statement holds the rows' locks.
# The lease goes in ``leased_until``, which no index covers, and ``next_attempt_at``
# stays put: the UPDATE then adds no index entries (a HOT update), which is most of
# what a claim used to cost. Rows leased by a live worker are still in the partial
# index and are skipped by the heap filter; there are at most a few batches of them.
CLAIM_SQL = """
UPDATE nudges_outboxmessage
SET claimed_at = %(now)s, leased_until = %(lease_until)s, attempts = attempts + 1
WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM nudges_outboxmessage
    WHERE status = 'pending' AND next_attempt_at <= %(now)s
      AND (leased_until IS NULL OR leased_until <= %(now)s)
    ORDER BY next_attempt_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
))
RETURNING id
"""


def outbox_claim(*, limit: int, now: datetime | None = None) -> list[int]:
    """Claim up to ``limit`` due rows for this worker, in one statement. ``SKIP LOCKED``
    lets parallel workers take disjoint batches; setting ``leased_until`` a lease
    ahead both hides the rows from other claims and brings them back if this worker
    dies. The inner query reads the partial index ``nudges_outbox_due``."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL,
            {
                "now": now,
                "lease_until": now + timedelta(seconds=conf.CLAIM_LEASE_SECONDS),
                "limit": limit,
            },
        )
        return sorted(row[0] for row in cursor.fetchall())


def is_transient(exc: BaseException) -> bool:
    """Errors worth another try later: 4xx SMTP replies, dropped or refused
    connections, timeouts. A 5xx reply or a bug is permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, ConnectionError | TimeoutError | OSError)


def failure_reason(exc: BaseException) -> str:
    """What the delivery log may show of an error: its kind and the mail server's code.
    Coordinators read that log, and an error's own text can quote the email (a subject
    made of a student's milestone title), so that text goes to the server log only."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name}: the mail server answered {exc.smtp_code}."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = ", ".join(sorted({str(code) for code, _text in exc.recipients.values()}))
        return f"{name}: the mail server refused the address ({codes})."
    return f"{name} (details in the server log)."


def retry_delay(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(conf.RETRY_MAX_SECONDS, conf.RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))
    )


@dataclass
class SendResult:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0


def outbox_send_batch(*, limit: int | None = None, reuse_connection: bool = True) -> SendResult:
    """Claim one batch and send it over one SMTP connection. Rows the server accepted
    are marked sent ``MARK_SENT_EVERY`` at a time (default 1: as soon as each is
    accepted, so a worker crash repeats at most that one message)."""
    ids = outbox_claim(limit=limit or conf.BATCH_SIZE)
    result = SendResult(claimed=len(ids))
    if not ids:
        return result
    # Nothing that stopped being true since the sweep (a milestone done, a reply
    # logged) goes out: clear it for these people before their emails are built.
    rules_clear(
        rules=all_rules(),
        now=timezone.now(),
        user_ids=OutboxMessage.objects.filter(id__in=ids).values_list("user_id", flat=True),
    )
    messages = list(
        OutboxMessage.objects.filter(id__in=ids)
        .select_related("user", "notification")
        .order_by("id")
    )
    missing = set(ids) - {m.pk for m in messages}
    if missing:
        # Rows whose person was deleted outside Django's cascade (no FK in the database).
        OutboxMessage.objects.filter(pk__in=missing).update(
            status=OutboxMessage.Status.FAILED, last_error="The person no longer exists."
        )
        result.failed += len(missing)
    prefs = _preferences_for([m.user_id for m in messages])
    mail_connection = get_connection() if reuse_connection else None
    with connection.cursor() as cursor:
        # Each "sent" mark commits on its own; waiting for its WAL flush would cost more
        # than the SMTP exchange. Without the wait, a mark is still visible at once and
        # survives a worker crash; only a PostgreSQL crash could lose the last fraction
        # of a second of marks, and those messages would be sent once more.
        cursor.execute("SET synchronous_commit TO off")
    sent: list[_Sent] = []
    try:
        for message in messages:
            _send_one(message, prefs, mail_connection, result, sent)
            if len(sent) >= conf.MARK_SENT_EVERY:
                _mark_sent_many(sent)
                sent.clear()
    finally:
        # Also on an unexpected error: what the server accepted is marked sent.
        _mark_sent_many(sent)
        if mail_connection is not None:
            _close_quietly(mail_connection)
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    return result


def outbox_send_due(
    *, budget_seconds: float | None = None, reuse_connection: bool = True
) -> SendResult:
    """Drain due rows batch after batch until none are left or the budget is spent."""
    deadline = time.monotonic() + (budget_seconds or conf.SEND_TASK_BUDGET_SECONDS)
    total = SendResult()
    while time.monotonic() < deadline:
        batch = outbox_send_batch(reuse_connection=reuse_connection)
        for name in ("claimed", "sent", "skipped", "retried", "failed"):
            setattr(total, name, getattr(total, name) + getattr(batch, name))
        if batch.claimed == 0:
            break
    return total


@dataclass
class _Sent:
    message: OutboxMessage
    subject: str
    included_ids: list[int]
    consumed_ids: list[int]


def _send_one(message, prefs, mail_connection, result: SendResult, sent: list[_Sent]) -> None:
    now = timezone.now()
    try:
        built = build_email(message, prefs=prefs.get(message.user_id, {}), now=now)
    except Exception as exc:
        logger.exception("Could not build nudge email %s", message.pk)
        _mark_failed(message, f"Could not build the email: {failure_reason(exc)}")
        result.failed += 1
        return
    if built.email is None:
        _mark_skipped(message, built.skip_reason, built.consumed_ids)
        result.skipped += 1
        return
    email = built.email
    try:
        if mail_connection is not None:
            # Django's backend only keeps a connection it was given open; one it opens
            # inside send() it closes again. So open it here (a no-op while it is open,
            # and again after a failure closed it) and the whole batch shares it.
            mail_connection.open()
            email.connection = mail_connection
        email.send(fail_silently=False)
    except Exception as exc:
        if mail_connection is not None:
            # A dropped connection stays "open" in Django's backend; start afresh.
            _close_quietly(mail_connection)
        logger.warning("Nudge email %s not sent: %r", message.pk, exc)
        if is_transient(exc) and message.attempts < conf.MAX_ATTEMPTS:
            _mark_retry(message, exc)
            result.retried += 1
        else:
            _mark_failed(message, failure_reason(exc))
            result.failed += 1
        return
    sent.append(_Sent(message, str(email.subject), built.included_ids, built.consumed_ids))
    result.sent += 1


def _close_quietly(mail_connection) -> None:
    try:
        mail_connection.close()
    except Exception:
        logger.debug("Closing the SMTP connection failed", exc_info=True)
    # Django's backend keeps a broken socket object around after some failures.
    if getattr(mail_connection, "connection", None) is not None:
        mail_connection.connection = None


def _owned(message: OutboxMessage):
    # Only the claim that sent the message may mark it: a row reclaimed after a lease
    # expired belongs to the new claimant.
    return OutboxMessage.objects.filter(
        pk=message.pk, claimed_at=message.claimed_at, status=OutboxMessage.Status.PENDING
    )


# One statement, in autocommit, for a group of sent messages: mark the outbox rows this
# claim still owns, then their notifications (emailed, or taken by a digest) in a single
# UPDATE, so no row is modified twice by one statement.
MARK_SENT_SQL = """
WITH sent AS (
    SELECT * FROM unnest(%(ids)s::bigint[], %(claimed)s::timestamptz[], %(subjects)s::text[])
        AS s(id, claimed_at, subject)
), marked AS (
    UPDATE nudges_outboxmessage o
    SET status = 'sent', sent_at = %(now)s, subject = s.subject, last_error = ''
    FROM sent s
    WHERE o.id = s.id AND o.claimed_at = s.claimed_at AND o.status = 'pending'
    RETURNING o.id
)
UPDATE nudges_notification n
SET queued_at = COALESCE(n.queued_at, %(now)s),
    emailed_at = CASE WHEN x.included THEN %(now)s ELSE n.emailed_at END
FROM unnest(%(n_outbox)s::bigint[], %(n_ids)s::bigint[], %(n_included)s::boolean[])
    AS x(outbox_id, id, included)
WHERE n.id = x.id AND x.outbox_id IN (SELECT id FROM marked)
"""


def _mark_sent_many(sent: list[_Sent]) -> None:
    if not sent:
        return
    n_outbox: list[int] = []
    n_ids: list[int] = []
    n_included: list[bool] = []
    for item in sent:
        included = set(item.included_ids)
        for notification_id in dict.fromkeys([*item.included_ids, *item.consumed_ids]):
            n_outbox.append(item.message.pk)
            n_ids.append(notification_id)
            n_included.append(notification_id in included)
    with connection.cursor() as cursor:
        cursor.execute(
            MARK_SENT_SQL,
            {
                "now": timezone.now(),
                "ids": [item.message.pk for item in sent],
                "claimed": [item.message.claimed_at for item in sent],
                "subjects": [item.subject[:300] for item in sent],
                "n_outbox": n_outbox,
                "n_ids": n_ids,
                "n_included": n_included,
            },
        )


def _mark_skipped(message: OutboxMessage, reason: str, consumed_ids: list[int]) -> None:
    with transaction.atomic():
        if _owned(message).update(status=OutboxMessage.Status.SKIPPED, last_error=reason):
            _consume(consumed_ids, timezone.now())


def _consume(notification_ids: list[int], now: datetime) -> None:
    # A digest takes every waiting notification, shown or not (read, snoozed), so the
    # same ones never make another digest slot fall due.
    if notification_ids:
        Notification.objects.filter(pk__in=notification_ids, queued_at__isnull=True).update(
            queued_at=now
        )


def _mark_failed(message: OutboxMessage, reason: str) -> None:
    _owned(message).update(status=OutboxMessage.Status.FAILED, last_error=reason[:2000])


def _mark_retry(message: OutboxMessage, exc: BaseException) -> None:
    # Ending the lease hands the row back to the claim at its new ``next_attempt_at``.
    _owned(message).update(
        next_attempt_at=timezone.now() + retry_delay(message.attempts),
        leased_until=None,
        last_error=failure_reason(exc),
    )


def _preferences_for(user_ids: list[int]) -> dict[int, dict[str, object]]:
    """Per person: their kind → mode choices, settings row (or None) and the items they
    have snoozed now; three queries for the whole batch."""
    now = timezone.now()
    prefs: dict[int, dict[str, Any]] = {
        uid: {"modes": {}, "settings": None, "snoozed": set()} for uid in user_ids
    }
    for pref in KindPreference.objects.filter(user_id__in=user_ids):
        prefs[pref.user_id]["modes"][pref.kind] = pref.mode
    for row in NudgeSettings.objects.filter(user_id__in=user_ids):
        prefs[row.user_id]["settings"] = row
    for user_id, kind, object_id in Snooze.objects.filter(
        user_id__in=user_ids, until__gt=now
    ).values_list("user_id", "kind", "object_id"):
        prefs[user_id]["snoozed"].add((kind, object_id))
    return prefs


# --- A person's choices ---------------------------------------------------------------


def preferences_update(
    *,
    user: User,
    modes: dict[str, str],
    digest_hour: int,
    weekly_day: int,
    weekdays_only: bool,
    paused_until,
) -> NudgeSettings:
    with transaction.atomic():
        settings_row, _ = NudgeSettings.objects.update_or_create(
            user=user,
            defaults={
                "digest_hour": digest_hour,
                "weekly_day": weekly_day,
                "weekdays_only": weekdays_only,
                "paused_until": paused_until,
            },
        )
        KindPreference.objects.bulk_create(
            [KindPreference(user=user, kind=kind, mode=mode) for kind, mode in modes.items()],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["mode"],
        )
        transaction.on_commit(digest_schedule_changed)
    return settings_row


def preferences_unsubscribe(*, user_id: int, kind: str) -> list[str]:
    """Switch one kind (or every kind) off; returns the kinds switched off."""
    kinds = list(Kind.values) if kind == UNSUBSCRIBE_ALL else [kind]
    KindPreference.objects.bulk_create(
        [KindPreference(user_id=user_id, kind=k, mode=Mode.OFF) for k in kinds],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["mode"],
    )
    return kinds


SNOOZE_CHOICES = {1: "1 day", 3: "3 days", 7: "1 week"}


def notification_snooze(*, notification: Notification, days: int) -> Snooze:
    """Quiet this item for ``days``: it is marked read and its rule skips the object
    (e.g. the milestone) until then."""
    if days not in SNOOZE_CHOICES:
        raise ValueError(f"Snooze for 1, 3 or 7 days, not {days}.")
    until = timezone.now() + timedelta(days=days)
    with transaction.atomic():
        snooze, _ = Snooze.objects.update_or_create(
            user_id=notification.user_id,
            kind=notification.kind,
            object_id=notification.object_id,
            defaults={"until": until},
        )
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return snooze


def notifications_clear_stale(*, user: User) -> int:
    """Clear this person's unsent nudges that stopped being true (a reply logged, a
    milestone done), so the notification centre never lists them."""
    return rules_clear(rules=all_rules(), now=timezone.now(), user_ids=[user.pk])


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
