"""Mentorship events, read from ``matching.Mentorship`` rows so that they flow through the
outbox like every other nudge. Each is keyed by the mentorship: it is sent once."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime, timedelta

from apps.nudges import conf
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import Rule, register, url_sql

_NAME = "COALESCE(NULLIF({p}.display_name, ''), {p}.email)"
_MENTORSHIP_URL = ("matching:mentorship_detail", "matching:mentorship_list")


def _lookback(now: datetime) -> dict:
    return {"since": now - timedelta(days=conf.EVENT_LOOKBACK_DAYS)}


def _expiring_window(now: datetime) -> dict:
    return {"expiring_before": now + timedelta(days=2)}


def _url() -> str:
    return url_sql(_MENTORSHIP_URL, "m.id", fallback="matching:mentorship_list")


def _request_sql() -> str:
    return f"""
    SELECT m.mentor_id AS user_id, m.id AS object_id, '' AS period,
           'Reply to ' || {_NAME.format(p="st")} || '''s mentorship request' AS title,
           {_NAME.format(p="st")} || ' asked you to mentor them'
             || CASE WHEN m.expires_at IS NOT NULL
                     THEN '; the request expires on '
                          || to_char(m.expires_at AT TIME ZONE 'UTC', 'FMDD Mon YYYY')
                     ELSE '' END
             || '. Accept or decline so they can plan ahead.' AS body,
           {_url()} AS url
    FROM matching_mentorship m
    JOIN accounts_user st ON st.id = m.student_id
    WHERE m.status = 'pending' AND m.created_at >= %(since)s
    """


def _response_sql(status: str, verb: str, advice: str) -> str:
    return f"""
    SELECT m.student_id AS user_id, m.id AS object_id, '' AS period,
           {_NAME.format(p="me")} || ' {verb} your mentorship request' AS title,
           '{advice}' AS body,
           {_url()} AS url
    FROM matching_mentorship m
    JOIN accounts_user me ON me.id = m.mentor_id
    WHERE m.status = '{status}' AND m.responded_at >= %(since)s
    """


def _expiring_sql() -> str:
    return f"""
    SELECT m.mentor_id AS user_id, m.id AS object_id, 'expiring' AS period,
           'Answer ' || {_NAME.format(p="st")} || '''s request before it expires' AS title,
           'The request expires on '
             || to_char(m.expires_at AT TIME ZONE 'UTC', 'FMDD Mon YYYY HH24:MI "UTC"')
             || '. After that they will look for another mentor.' AS body,
           {_url()} AS url
    FROM matching_mentorship m
    JOIN accounts_user st ON st.id = m.student_id
    WHERE m.status = 'pending' AND m.expires_at > %(now)s
      AND m.expires_at <= %(expiring_before)s
    """


register(
    Rule(
        kind=Kind.MENTORSHIP_REQUEST,
        default_mode=Mode.IMMEDIATE,
        sql=_request_sql,
        requires=("matching.Mentorship",),
        params=_lookback,
    )
)
register(
    Rule(
        kind=Kind.MENTORSHIP_ACCEPTED,
        default_mode=Mode.IMMEDIATE,
        sql=lambda: _response_sql(
            "active", "accepted", "Say hello and agree how often you will meet."
        ),
        requires=("matching.Mentorship",),
        params=_lookback,
    )
)
register(
    Rule(
        kind=Kind.MENTORSHIP_DECLINED,
        default_mode=Mode.IMMEDIATE,
        sql=lambda: _response_sql(
            "declined", "declined", "Look for another mentor whose interests match yours."
        ),
        requires=("matching.Mentorship",),
        params=_lookback,
    )
)
register(
    Rule(
        kind=Kind.MENTORSHIP_EXPIRING,
        default_mode=Mode.IMMEDIATE,
        sql=_expiring_sql,
        requires=("matching.Mentorship",),
        params=_expiring_window,
    )
)
