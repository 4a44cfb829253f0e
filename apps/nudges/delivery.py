"""Delivery: claim due outbox rows, send them over SMTP, mark each one as it goes."""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone

from apps.nudges import conf
from apps.nudges.emails import build_email
from apps.nudges.models import KindPreference, Notification, NudgeSettings, OutboxMessage, Snooze
from apps.nudges.rules import all_rules, rules_clear

logger = logging.getLogger(__name__)


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

    def add(self, other: SendResult) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.skipped += other.skipped
        self.retried += other.retried
        self.failed += other.failed


def outbox_send_batch(*, limit: int | None = None, reuse_connection: bool = True) -> SendResult:
    """Claim one batch and send it over one SMTP connection. Each row the server
    accepted is marked sent (and committed) before the next is sent, so a worker that
    dies mid-batch sends at most that one message again."""
    ids = outbox_claim(limit=limit or conf.BATCH_SIZE)
    result = SendResult(claimed=len(ids))
    if not ids:
        return result
    # Nothing that stopped being true since the sweep (a milestone done, a reply
    # logged) goes out: clear it for these people before their emails are built.
    rules_clear(
        rules=all_rules(),
        now=timezone.now(),
        user_ids=OutboxMessage.objects.filter(id__in=ids).recipient_ids(),
    )
    messages = list(
        OutboxMessage.objects.filter(id__in=ids)
        .select_related("user", "notification__user")
        .order_by("id")
    )
    prefs = _preferences_for([m.recipient_id for m in messages])
    mail_connection = get_connection() if reuse_connection else None
    try:
        for message in messages:
            _send_one(message, prefs, mail_connection, result)
    finally:
        if mail_connection is not None:
            _close_quietly(mail_connection)
    return result


def outbox_send_due(
    *, budget_seconds: float | None = None, reuse_connection: bool = True
) -> SendResult:
    """Drain due rows batch after batch until none are left or the budget is spent."""
    deadline = time.monotonic() + (budget_seconds or conf.SEND_TASK_BUDGET_SECONDS)
    total = SendResult()
    while time.monotonic() < deadline:
        batch = outbox_send_batch(reuse_connection=reuse_connection)
        total.add(batch)
        if batch.claimed == 0:
            break
    return total


def _send_one(message: OutboxMessage, prefs, mail_connection, result: SendResult) -> None:
    now = timezone.now()
    try:
        built = build_email(message, prefs=prefs.get(message.recipient_id, {}), now=now)
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
    _mark_sent(
        message,
        subject=str(email.subject),
        included_ids=built.included_ids,
        consumed_ids=built.consumed_ids,
    )
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


# One statement, committed on its own: mark the outbox row if this claim still owns it,
# then its notifications (emailed, or taken by a digest without being shown).
MARK_SENT_SQL = """
WITH marked AS (
    UPDATE nudges_outboxmessage
    SET status = 'sent', sent_at = %(now)s, subject = %(subject)s, last_error = ''
    WHERE id = %(id)s AND claimed_at = %(claimed_at)s AND status = 'pending'
    RETURNING id
)
UPDATE nudges_notification n
SET queued_at = COALESCE(n.queued_at, %(now)s),
    emailed_at = CASE WHEN n.id = ANY(%(included)s::bigint[]) THEN %(now)s
                      ELSE n.emailed_at END
WHERE n.id = ANY(%(notifications)s::bigint[]) AND EXISTS (SELECT FROM marked)
"""


def _mark_sent(
    message: OutboxMessage, *, subject: str, included_ids: list[int], consumed_ids: list[int]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            MARK_SENT_SQL,
            {
                "now": timezone.now(),
                "id": message.pk,
                "claimed_at": message.claimed_at,
                "subject": subject[:300],
                "included": included_ids,
                "notifications": list(dict.fromkeys([*included_ids, *consumed_ids])),
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


def _preferences_for(user_ids: list[int]) -> dict[int, dict[str, Any]]:
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
