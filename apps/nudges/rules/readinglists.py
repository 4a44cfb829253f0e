"""Maths review cards due: at most one reminder a day, with the count."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from apps.nudges.models import Kind, Mode
from apps.nudges.rules import HOURLY, Rule, list_url, register, table


def _sql() -> str:
    # One row per person per local day; the (owner, due) index serves the count.
    return f"""
    SELECT c.owner_id AS user_id, 0 AS object_id, t.local_date::text AS period,
           'Review ' || count(*) || ' maths card' || CASE WHEN count(*) = 1 THEN '' ELSE 's' END
             || ' due today' AS title,
           'A few minutes now keeps them from piling up; spaced review works best on time.'
             AS body,
           {list_url(("readinglists:review_session", "readinglists:review_home"))} AS url
    FROM {table("readinglists.ReviewCard")} c
    JOIN accounts_user u ON u.id = c.owner_id
    JOIN tz_now t ON t.tz = u.timezone
    LEFT JOIN {table("readinglists.ReviewSettings")} rs ON rs.user_id = c.owner_id
    WHERE c.due <= %(now)s AND rs.paused_since IS NULL
    GROUP BY c.owner_id, t.local_date
    """


def _stale_sql() -> str:
    return f"""NOT EXISTS (
        SELECT 1 FROM {table("readinglists.ReviewCard")} c
        WHERE c.owner_id = n.user_id AND c.due <= %(now)s)"""


register(
    Rule(
        kind=Kind.CARDS_DUE,
        default_mode=Mode.DAILY,
        sql=_sql,
        requires=("readinglists.ReviewCard", "readinglists.ReviewSettings"),
        stale_sql=_stale_sql,
        every_seconds=HOURLY,
    )
)
