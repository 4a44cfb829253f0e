"""The coordinator's alert when a pairing may not fit: two "not a good fit" answers in a
row (``health.fit_alerts``, the one definition) notify every coordinator of a programme
the pair belongs to, once per streak, while the mentorship is active.

Registered from ``apps.meetings.nudges`` (where the nudge engine looks for rules)."""

# SQL here is assembled from model metadata, code constants, reverse()d URLs and the
# compiled query of ``fit_alerts``; every value that varies travels as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q

from apps.matching.models import (
    Cohort,
    CohortMembership,
    MemberRole,
    Mentorship,
    ProgrammeCoordinator,
)
from apps.matching.selectors import mentorships_of
from apps.meetings.health import fit_alerts
from apps.nudges import conf
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import Rule, columns, person_name, url_sql, user_column, user_table

REQUIRES = ("meetings.MeetingFeedback", "meetings.Meeting", "matching.Mentorship")


def _alerts_sql() -> str:
    query = fit_alerts().values("id", "mentorship_id", "created_at").query  # type: ignore[misc]
    ops: Any = connection.ops
    return ops.compose_sql(*query.sql_with_params()).replace("%", "%%")


def _member_of(user_expr: str, role: MemberRole) -> str:
    cm, c = columns(CohortMembership), columns(Cohort)
    return f"""EXISTS (
        SELECT 1 FROM {CohortMembership._meta.db_table} cm
        JOIN {Cohort._meta.db_table} c ON c.id = cm.{cm.cohort}
        WHERE cm.{cm.user} = {user_expr} AND cm.{cm.role} = '{role.value}'
          AND c.{c.programme} = pc.{columns(ProgrammeCoordinator).programme})"""


def _sql() -> str:
    m, pc = columns(Mentorship), columns(ProgrammeCoordinator)
    users = user_table()
    url = url_sql(
        ("dashboards:programme",), f"pc.{pc.programme}", fallback="dashboards:coordinator"
    )
    return f"""
    SELECT DISTINCT ON (pc.{pc.user}, m.id, a.id)
           pc.{pc.user} AS user_id, m.id AS object_id, a.id::text AS period,
           jsonb_build_object('student', {person_name("st")},
                              'mentor', {person_name("me")}) AS context,
           {url} AS url
    FROM ({_alerts_sql()}) a
    JOIN {Mentorship._meta.db_table} m ON m.id = a.mentorship_id
    JOIN {users} st ON st.id = m.{m.student}
    JOIN {users} me ON me.id = m.{m.mentor}
    JOIN {ProgrammeCoordinator._meta.db_table} pc
      ON {_member_of(f"m.{m.student}", MemberRole.STUDENT)}
     AND {_member_of(f"m.{m.mentor}", MemberRole.MENTOR)}
    JOIN {users} co ON co.id = pc.{pc.user} AND co.{user_column("is_coordinator")}
    WHERE m.{m.status} = '{Mentorship.Status.ACTIVE.value}' AND a.created_at >= %(since)s
    ORDER BY pc.{pc.user}, m.id, a.id, pc.{pc.programme}
    """


def _lookback(now: datetime) -> dict:
    return {"since": now - timedelta(days=conf.EVENT_LOOKBACK_DAYS)}


def _about_person(person) -> Q:
    # Keyed by a mentorship of the person: their pairing's alert goes with their data.
    return Q(kind=Kind.PAIRING_FIT_ALERT, object_id__in=mentorships_of(user=person).values("pk"))


def pairing_fit_alert_rule() -> Rule:
    return Rule(
        kind=Kind.PAIRING_FIT_ALERT,
        default_mode=Mode.IMMEDIATE,
        sql=_sql,
        template="meetings/nudges/pairing_fit_alert.txt",
        requires=REQUIRES,
        params=_lookback,
        about_person=_about_person,
    )
