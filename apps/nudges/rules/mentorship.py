"""Mentorship events, read from ``matching.Mentorship`` rows so that they flow through the
outbox like every other nudge. Each is keyed by the mentorship: it is sent once.

These rules are the only path by which mentorship events reach people's inboxes: the
matching app writes the rows and sends no email of its own (except cohort invitations,
which go to addresses that may have no account)."""

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
             || '. Accept or decline so they can plan ahead.'
             || CASE WHEN m.message <> ''
                     THEN E'\n\nTheir message: ' || left(m.message, 1000) ELSE '' END AS body,
           {_url()} AS url
    FROM matching_mentorship m
    JOIN accounts_user st ON st.id = m.student_id
    WHERE m.status = 'pending' AND m.created_at >= %(since)s
    """


def _response_sql(status: str, verb: str, advice: str) -> str:
    return f"""
    SELECT m.student_id AS user_id, m.id AS object_id, '' AS period,
           {_NAME.format(p="me")} || ' {verb} your mentorship request' AS title,
           '{advice}'
             || CASE WHEN m.response_note <> ''
                     THEN E'\n\nTheir note: ' || left(m.response_note, 1000) ELSE '' END
             AS body,
           {_url()} AS url
    FROM matching_mentorship m
    JOIN accounts_user me ON me.id = m.mentor_id
    WHERE m.status = '{status}' AND m.responded_at >= %(since)s
      AND NOT {_FROM_ROUND}
    """


# A published matching round creates active mentorships directly (no request): its
# ``published_at`` is the mentorships' ``started_at``, and a pair of the round names them.
_FROM_ROUND = """EXISTS (
        SELECT 1 FROM matching_matchinground r
        JOIN matching_proposedpair pp ON pp.round_id = r.id
        WHERE r.status = 'published' AND r.published_at = m.started_at
          AND pp.student_id = m.student_id AND pp.mentor_id = m.mentor_id)"""


def _matched_sql() -> str:
    # Both sides hear of it: one row per person, both keyed by the mentorship.
    return f"""
    SELECT x.user_id, m.id AS object_id, '' AS period,
           'You have been matched with ' || {_NAME.format(p="other")}
             || CASE WHEN x.user_id = m.mentor_id THEN ' as their mentor' ELSE '' END AS title,
           'Your programme paired '
             || {_NAME.format(p="st")} || ' with ' || {_NAME.format(p="me")}
             || ' as mentor. Say hello and agree how often you will meet.' AS body,
           {_url()} AS url
    FROM matching_mentorship m
    JOIN accounts_user st ON st.id = m.student_id
    JOIN accounts_user me ON me.id = m.mentor_id
    CROSS JOIN LATERAL (VALUES (m.student_id, m.mentor_id), (m.mentor_id, m.student_id))
        AS x(user_id, other_id)
    JOIN accounts_user other ON other.id = x.other_id
    WHERE m.status = 'active' AND m.started_at >= %(since)s AND {_FROM_ROUND}
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
        requires=("matching.Mentorship", "matching.MatchingRound", "matching.ProposedPair"),
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
        kind=Kind.MENTORSHIP_MATCHED,
        default_mode=Mode.IMMEDIATE,
        sql=_matched_sql,
        requires=("matching.Mentorship", "matching.MatchingRound", "matching.ProposedPair"),
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
