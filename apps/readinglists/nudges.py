"""Maths review cards due: at most one reminder a day, with the count."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from apps.core.registry import nudge_rules
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import HOURLY, Rule, columns, list_url, user_column, user_table
from apps.readinglists.models import ReviewCard, ReviewSettings


def _sql() -> str:
    # One row per person per local day; the (owner, due) index serves the count.
    owner, due = columns(ReviewCard).owner, columns(ReviewCard).due
    return f"""
    SELECT c.{owner} AS user_id, 0 AS object_id, t.local_date::text AS period,
           jsonb_build_object('count', count(*)) AS context,
           {list_url(("readinglists:review_session", "readinglists:review_home"))} AS url
    FROM {ReviewCard._meta.db_table} c
    JOIN {user_table()} u ON u.id = c.{owner}
    JOIN tz_now t ON t.tz = u.{user_column("timezone")}
    LEFT JOIN {ReviewSettings._meta.db_table} rs ON rs.{columns(ReviewSettings).user} = c.{owner}
    WHERE c.{due} <= %(now)s AND rs.{columns(ReviewSettings).paused_since} IS NULL
    GROUP BY c.{owner}, t.local_date
    """


def _stale_sql() -> str:
    owner, due = columns(ReviewCard).owner, columns(ReviewCard).due
    return f"""NOT EXISTS (
        SELECT 1 FROM {ReviewCard._meta.db_table} c
        WHERE c.{owner} = n.user_id AND c.{due} <= %(now)s)"""


@nudge_rules.register(Kind.CARDS_DUE, order=50)
def cards_due() -> Rule:
    return Rule(
        kind=Kind.CARDS_DUE,
        default_mode=Mode.DAILY,
        sql=_sql,
        template="readinglists/nudges/cards_due.txt",
        requires=("readinglists.ReviewCard", "readinglists.ReviewSettings"),
        stale_sql=_stale_sql,
        every_seconds=HOURLY,
    )
