"""Message nudges: a new message for the other person of the thread, and the kind notice
to a student whose request closed early because the mentor was slow to respond.

A message is emailed once the author's edit window has closed (so the email carries the
final words), and only if its reader has not read it in the app by then: the candidate
query skips read messages, and ``stale_sql`` clears a notification whose message was
read before its email went (or which is gone)."""

# SQL here is assembled from code constants, model metadata, reverse()d URLs and
# querysets compiled by the ORM; every value that varies travels as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from apps.conversations.models import EDIT_WINDOW, EarlyExpiry, Message, ReadMark
from apps.conversations.selectors import THREAD_STATUSES
from apps.core.registry import nudge_rules
from apps.matching.models import Mentorship
from apps.nudges import conf
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import Rule, columns, list_url, person_name, url_sql, user_table

EXCERPT_LENGTH = 500


def _compiled(queryset: QuerySet) -> str:
    """A queryset of another app as SQL (its own decision, not restated here)."""
    ops: Any = connection.ops
    return ops.compose_sql(*queryset.query.sql_with_params()).replace("%", "%%")


def _params(now: datetime) -> dict:
    return {
        "since": now - timedelta(days=conf.EVENT_LOOKBACK_DAYS),
        "final_before": now - EDIT_WINDOW,
    }


def _message_sql() -> str:
    msg, mark = columns(Message), columns(ReadMark)
    threads = _compiled(
        Mentorship.objects.filter(status__in=THREAD_STATUSES).values(
            "id", "student_id", "mentor_id"
        )
    )
    return f"""
    SELECT x.reader AS user_id, msg.id AS object_id, '' AS period,
           jsonb_build_object('sender', {person_name("au")},
                              'excerpt', left(msg.{msg.body}, {EXCERPT_LENGTH}),
                              'truncated', length(msg.{msg.body}) > {EXCERPT_LENGTH}) AS context,
           {url_sql(("conversations:thread",), "msg." + msg.mentorship)} AS url
    FROM {Message._meta.db_table} msg
    JOIN ({threads}) ms ON ms.id = msg.{msg.mentorship}
    CROSS JOIN LATERAL (SELECT CASE WHEN msg.{msg.author} = ms.student_id
                                    THEN ms.mentor_id ELSE ms.student_id END AS reader) x
    JOIN {user_table()} au ON au.id = msg.{msg.author}
    WHERE msg.{msg.created_at} >= %(since)s AND msg.{msg.created_at} <= %(final_before)s
      AND NOT EXISTS (
          SELECT 1 FROM {ReadMark._meta.db_table} r
          WHERE r.{mark.mentorship} = msg.{msg.mentorship} AND r.{mark.user} = x.reader
            AND r.{mark.last_read_id} >= msg.id)
    """


def _message_stale_sql() -> str:
    msg, mark = columns(Message), columns(ReadMark)
    return f"""NOT EXISTS (
        SELECT 1 FROM {Message._meta.db_table} msg
        WHERE msg.id = n.object_id
          AND NOT EXISTS (
              SELECT 1 FROM {ReadMark._meta.db_table} r
              WHERE r.{mark.mentorship} = msg.{msg.mentorship} AND r.{mark.user} = n.user_id
                AND r.{mark.last_read_id} >= msg.id))"""


def _about_author(person) -> Q:
    # Another person's notice quoting a message this person wrote.
    return Q(object_id__in=Message.objects.filter(author=person).values("pk"))


@nudge_rules.register(Kind.MESSAGE_RECEIVED, order=70)
def message_received() -> Rule:
    return Rule(
        kind=Kind.MESSAGE_RECEIVED,
        default_mode=Mode.IMMEDIATE,
        sql=_message_sql,
        template="conversations/nudges/message_received.txt",
        requires=("conversations.Message", "matching.Mentorship"),
        params=_params,
        stale_sql=_message_stale_sql,
        about_person=_about_author,
    )


def _early_expiry_sql() -> str:
    e = columns(EarlyExpiry)
    return f"""
    SELECT e.{e.student} AS user_id, e.{e.mentorship} AS object_id, '' AS period,
           jsonb_build_object('mentor', {person_name("me")}, 'days', %(slow_days)s) AS context,
           {list_url(("matching:mentor_search",))} AS url
    FROM {EarlyExpiry._meta.db_table} e
    JOIN {user_table()} me ON me.id = e.{e.mentor}
    WHERE e.{e.expired_at} >= %(since)s
    """


def _early_params(now: datetime) -> dict:
    from django.conf import settings

    return {**_params(now), "slow_days": settings.PACER_SLOW_RESPONSE_DAYS}


def _about_mentor(person) -> Q:
    # A student's notice naming the mentor whose silence closed their request.
    return Q(object_id__in=EarlyExpiry.objects.filter(mentor=person).values("mentorship_id"))


@nudge_rules.register(Kind.REQUEST_EXPIRED_EARLY, order=71)
def request_expired_early() -> Rule:
    return Rule(
        kind=Kind.REQUEST_EXPIRED_EARLY,
        default_mode=Mode.IMMEDIATE,
        sql=_early_expiry_sql,
        template="conversations/nudges/request_expired_early.txt",
        requires=("conversations.EarlyExpiry",),
        params=_early_params,
        about_person=_about_mentor,
    )
