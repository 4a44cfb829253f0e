"""Maths review cards due: at most one reminder a day, with the count."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from apps.core.registry import nudge_rules
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import HOURLY, Rule, columns, list_url, user_column, user_table
from apps.readinglists.models import ReviewCard, ReviewSettings


def _card_due(card: str, settings: str) -> str:
    """``selectors.card_due_q`` in SQL: due time come, not suspended, owner not paused
    (``settings`` is the owner's review-settings row, LEFT JOINed: absent means not paused)."""
    card_columns = columns(ReviewCard)
    return (
        f"{card}.{card_columns.due} <= %(now)s AND NOT {card}.{card_columns.suspended} "
        f"AND {settings}.{columns(ReviewSettings).paused_since} IS NULL"
    )


def _settings_join(card: str, settings: str) -> str:
    return (
        f"LEFT JOIN {ReviewSettings._meta.db_table} {settings} "
        f"ON {settings}.{columns(ReviewSettings).user} = {card}.{columns(ReviewCard).owner}"
    )


def _sql() -> str:
    # One row per person per local day; the (owner, due) index serves the count.
    owner = columns(ReviewCard).owner
    return f"""
    SELECT c.{owner} AS user_id, 0 AS object_id, t.local_date::text AS period,
           jsonb_build_object('count', count(*)) AS context,
           {list_url(("readinglists:review_session", "readinglists:review_home"))} AS url
    FROM {ReviewCard._meta.db_table} c
    JOIN {user_table()} u ON u.id = c.{owner}
    JOIN tz_now t ON t.tz = u.{user_column("timezone")}
    {_settings_join("c", "rs")}
    WHERE {_card_due("c", "rs")}
    GROUP BY c.{owner}, t.local_date
    """


def _stale_sql() -> str:
    owner = columns(ReviewCard).owner
    return f"""NOT EXISTS (
        SELECT 1 FROM {ReviewCard._meta.db_table} c {_settings_join("c", "rs")}
        WHERE c.{owner} = n.user_id AND {_card_due("c", "rs")})"""


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
