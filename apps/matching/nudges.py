"""Mentorship nudges, read from ``Mentorship`` rows so that they flow through the
outbox like every other nudge (each keyed by the mentorship: it is sent once), and the
requests' answers and expiries.

These rules are the only path by which mentorship events reach people's inboxes: this
app writes the rows and sends no email of its own (except cohort invitations, which go
to addresses that may have no account)."""

# SQL here is assembled from code constants, model metadata, reverse()d URLs and the
# selectors' own compiled queries only; every value that varies travels as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from apps.core.registry import nudge_rules
from apps.matching.models import MatchingRound, Mentorship, ProposedPair
from apps.matching.selectors import mentorships_of
from apps.nudges import conf
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import (
    Rule,
    columns,
    person_name,
    url_sql,
    user_table,
)

EXPIRING_WITHIN = timedelta(days=2)
MENTORSHIP_KINDS = (
    Kind.MENTORSHIP_REQUEST,
    Kind.MENTORSHIP_ACCEPTED,
    Kind.MENTORSHIP_DECLINED,
    Kind.MENTORSHIP_MATCHED,
    Kind.MENTORSHIP_EXPIRING,
)
_MENTORSHIP = ("matching.Mentorship",)
_ROUNDS = ("matching.Mentorship", "matching.MatchingRound", "matching.ProposedPair")


def _lookback(now: datetime) -> dict:
    return {"since": now - timedelta(days=conf.EVENT_LOOKBACK_DAYS)}


def _expiring_window(now: datetime) -> dict:
    return {"expiring_before": now + EXPIRING_WITHIN}


def _url() -> str:
    return url_sql(
        ("matching:mentorship_detail", "matching:mentorship_list"),
        "m.id",
        fallback="matching:mentorship_list",
    )


def _status(value: Mentorship.Status) -> str:
    return f"m.{columns(Mentorship).status} = '{value.value}'"


def _request_sql() -> str:
    m = columns(Mentorship)
    return f"""
    SELECT m.{m.mentor} AS user_id, m.id AS object_id, '' AS period,
           jsonb_build_object('student', {person_name("st")},
                              'expires_at', m.{m.expires_at} AT TIME ZONE 'UTC',
                              'message', left(m.{m.message}, 1000)) AS context,
           {_url()} AS url
    FROM {Mentorship._meta.db_table} m
    JOIN {user_table()} st ON st.id = m.{m.student}
    WHERE {_status(Mentorship.Status.PENDING)} AND m.{m.created_at} >= %(since)s
    """


def _from_round() -> str:
    """A published matching round creates active mentorships directly (no request):
    its ``published_at`` is the mentorships' ``started_at``, and a pair of the round
    names them."""
    m, r, pp = columns(Mentorship), columns(MatchingRound), columns(ProposedPair)
    return f"""EXISTS (
        SELECT 1 FROM {MatchingRound._meta.db_table} r
        JOIN {ProposedPair._meta.db_table} pp ON pp.{pp.round} = r.id
        WHERE r.{r.status} = '{MatchingRound.Status.PUBLISHED.value}'
          AND r.{r.published_at} = m.{m.started_at}
          AND pp.{pp.student} = m.{m.student} AND pp.{pp.mentor} = m.{m.mentor})"""


def _response_sql(status: Mentorship.Status) -> str:
    m = columns(Mentorship)
    return f"""
    SELECT m.{m.student} AS user_id, m.id AS object_id, '' AS period,
           jsonb_build_object('mentor', {person_name("me")},
                              'note', left(m.{m.response_note}, 1000)) AS context,
           {_url()} AS url
    FROM {Mentorship._meta.db_table} m
    JOIN {user_table()} me ON me.id = m.{m.mentor}
    WHERE {_status(status)} AND m.{m.responded_at} >= %(since)s
      AND NOT {_from_round()}
    """


def _matched_sql() -> str:
    # Both sides hear of it: one row per person, both keyed by the mentorship.
    m = columns(Mentorship)
    users = user_table()
    return f"""
    SELECT x.user_id, m.id AS object_id, '' AS period,
           jsonb_build_object('other', {person_name("other")}, 'student', {person_name("st")},
                              'mentor', {person_name("me")},
                              'to_mentor', x.user_id = m.{m.mentor}) AS context,
           {_url()} AS url
    FROM {Mentorship._meta.db_table} m
    JOIN {users} st ON st.id = m.{m.student}
    JOIN {users} me ON me.id = m.{m.mentor}
    CROSS JOIN LATERAL (VALUES (m.{m.student}, m.{m.mentor}), (m.{m.mentor}, m.{m.student}))
        AS x(user_id, other_id)
    JOIN {users} other ON other.id = x.other_id
    WHERE {_status(Mentorship.Status.ACTIVE)} AND m.{m.started_at} >= %(since)s
      AND {_from_round()}
    """


def _expiring_sql() -> str:
    m = columns(Mentorship)
    return f"""
    SELECT m.{m.mentor} AS user_id, m.id AS object_id, 'expiring' AS period,
           jsonb_build_object('student', {person_name("st")},
                              'expires_at', m.{m.expires_at} AT TIME ZONE 'UTC') AS context,
           {_url()} AS url
    FROM {Mentorship._meta.db_table} m
    JOIN {user_table()} st ON st.id = m.{m.student}
    WHERE {_status(Mentorship.Status.PENDING)} AND m.{m.expires_at} > %(now)s
      AND m.{m.expires_at} <= %(expiring_before)s
    """


def _about_mentorships(person) -> Q:
    # Keyed by a mentorship with the person: the request, the reply, the match.
    return Q(kind__in=MENTORSHIP_KINDS, object_id__in=mentorships_of(user=person).values("pk"))


def _mentorship_rule(kind: str, sql, template: str, **options) -> Rule:
    return Rule(
        kind=kind,
        default_mode=Mode.IMMEDIATE,
        sql=sql,
        template=f"matching/nudges/{template}.txt",
        about_person=_about_mentorships,
        **{"requires": _MENTORSHIP, "params": _lookback, **options},
    )


@nudge_rules.register(Kind.MENTORSHIP_REQUEST, order=60)
def mentorship_request() -> Rule:
    return _mentorship_rule(Kind.MENTORSHIP_REQUEST, _request_sql, "mentorship_request")


@nudge_rules.register(Kind.MENTORSHIP_ACCEPTED, order=61)
def mentorship_accepted() -> Rule:
    return _mentorship_rule(
        Kind.MENTORSHIP_ACCEPTED,
        lambda: _response_sql(Mentorship.Status.ACTIVE),
        "mentorship_accepted",
        requires=_ROUNDS,
    )


@nudge_rules.register(Kind.MENTORSHIP_DECLINED, order=62)
def mentorship_declined() -> Rule:
    return _mentorship_rule(
        Kind.MENTORSHIP_DECLINED,
        lambda: _response_sql(Mentorship.Status.DECLINED),
        "mentorship_declined",
        requires=_ROUNDS,
    )


@nudge_rules.register(Kind.MENTORSHIP_MATCHED, order=63)
def mentorship_matched() -> Rule:
    return _mentorship_rule(
        Kind.MENTORSHIP_MATCHED, _matched_sql, "mentorship_matched", requires=_ROUNDS
    )


@nudge_rules.register(Kind.MENTORSHIP_EXPIRING, order=64)
def mentorship_expiring() -> Rule:
    return _mentorship_rule(
        Kind.MENTORSHIP_EXPIRING,
        _expiring_sql,
        "mentorship_expiring",
        params=_expiring_window,
    )
