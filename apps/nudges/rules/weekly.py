"""Weekly summaries, written on each person's weekly-digest day (their local calendar)
and delivered with the weekly digest. A summary with nothing in it is never written."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime, timedelta

from apps.nudges.models import Kind, Mode, NudgeSettings
from apps.nudges.rules import HOURLY, Rule, list_url, register, table
from apps.nudges.rules.milestones import OPEN

INACTIVE_DAYS = 14


def _params(now: datetime) -> dict:
    today = now.date()
    return {
        "week_ago": now - timedelta(days=7),
        "inactive_before": now - timedelta(days=INACTIVE_DAYS),
        "w_today": today,
        "w_next_week": today + timedelta(days=7),
    }


# Per person: milestone counts, computed only for people whose summary day is today
# (LATERAL keeps it to their own plans, by index).
_STATS = f"""
    LATERAL (
        SELECT count(*) FILTER (WHERE m.status = 'done' AND m.completed_at >= %(week_ago)s)
                   AS done_week,
               count(*) FILTER (WHERE m.status IN {OPEN} AND m.target_date < %(w_today)s)
                   AS overdue,
               count(*) FILTER (WHERE m.status IN {OPEN} AND m.target_date >= %(w_today)s
                                  AND m.target_date < %(w_next_week)s) AS upcoming,
               max(m.updated_at) AS last_activity
        FROM {{plan}} p JOIN {{milestone}} m ON m.plan_id = p.id
        WHERE p.owner_id = {{owner}}
    ) st
"""

# The people whose weekly day it is now, in their own zone, with their ISO week. Two
# index-friendly halves: on the default day, everyone in the zones where it is that
# day (by the timezone index) who kept the default; on any day, those who chose
# another (few: a settings row each). On most days most zones match neither, so no
# one is read at all. Those with this week's summary already written are left out.
_WEEKLY_PEOPLE = f"""
    (
        SELECT u2.id AS user_id, t2.iso_week
        FROM tz_now t2
        JOIN accounts_user u2 ON u2.timezone = t2.tz
        LEFT JOIN nudges_nudgesettings s2 ON s2.user_id = u2.id
        WHERE t2.isodow = {NudgeSettings.DEFAULT_WEEKDAY}
          AND COALESCE(s2.weekly_day, {NudgeSettings.DEFAULT_WEEKDAY})
              = {NudgeSettings.DEFAULT_WEEKDAY}
        UNION ALL
        SELECT s2.user_id, t2.iso_week
        FROM nudges_nudgesettings s2
        JOIN accounts_user u2 ON u2.id = s2.user_id
        JOIN tz_now t2 ON t2.tz = u2.timezone
        WHERE s2.weekly_day <> {NudgeSettings.DEFAULT_WEEKDAY} AND s2.weekly_day = t2.isodow
    ) wk
    JOIN accounts_user u ON u.id = wk.user_id
"""

_NOT_YET = """
    NOT EXISTS (SELECT 1 FROM nudges_notification x
                WHERE x.user_id = u.id AND x.kind = '{kind}' AND x.object_id = 0
                  AND x.period = wk.iso_week)
"""


def _tables() -> dict:
    return {"plan": table("milestones.Plan"), "milestone": table("milestones.Milestone")}


def _student_sql() -> str:
    stats = _STATS.format(owner="u.id", **_tables())
    return f"""
    SELECT u.id AS user_id, 0 AS object_id, wk.iso_week AS period,
           'Your week: ' || st.done_week || ' done, ' || st.overdue || ' overdue, '
             || st.upcoming || ' due in the next 7 days' AS title,
           CASE WHEN st.overdue > 0
                THEN 'Start with the overdue ones: finish them or move their dates.'
                WHEN st.upcoming > 0 THEN 'Plan time this week for what is coming up.'
                ELSE 'Well done. Pick the next milestone to start.' END AS body,
           {list_url(("milestones:plan_list",))} AS url
    FROM {_WEEKLY_PEOPLE}
    CROSS JOIN {stats}
    WHERE u.is_student AND u.is_active
      AND {_NOT_YET.format(kind=Kind.STUDENT_WEEKLY.value)}
      AND st.done_week + st.overdue + st.upcoming > 0
    """


def _mentor_sql() -> str:
    stats = _STATS.format(owner="ms.student_id", **_tables())
    return f"""
    SELECT u.id AS user_id, 0 AS object_id, wk.iso_week AS period,
           'Your mentees this week: ' || count(*) || ' to check in with' AS title,
           string_agg(
             COALESCE(NULLIF(me.display_name, ''), me.email) || ': '
               || st.overdue || ' overdue, ' || st.upcoming || ' due soon, '
               || st.done_week || ' completed this week'
               || CASE WHEN st.last_activity IS NULL OR st.last_activity < %(inactive_before)s
                       THEN ', inactive for {INACTIVE_DAYS}+ days' ELSE '' END,
             '; ' ORDER BY me.email) AS body,
           {list_url(("dashboards:mentor", "matching:mentorship_list"))} AS url
    FROM {_WEEKLY_PEOPLE}
    JOIN matching_mentorship ms ON ms.mentor_id = u.id AND ms.status = 'active'
                               AND ms.share_plan
    JOIN accounts_user me ON me.id = ms.student_id
    CROSS JOIN {stats}
    WHERE u.is_active
      AND {_NOT_YET.format(kind=Kind.MENTOR_WEEKLY.value)}
      AND (st.overdue + st.upcoming + st.done_week > 0
           OR st.last_activity IS NULL OR st.last_activity < %(inactive_before)s)
    GROUP BY u.id, wk.iso_week
    """


REQUIRES = ("milestones.Plan", "milestones.Milestone")

register(
    Rule(
        kind=Kind.STUDENT_WEEKLY,
        default_mode=Mode.WEEKLY,
        sql=_student_sql,
        requires=REQUIRES,
        params=_params,
        every_seconds=HOURLY,
    )
)
register(
    Rule(
        kind=Kind.MENTOR_WEEKLY,
        default_mode=Mode.WEEKLY,
        sql=_mentor_sql,
        requires=(*REQUIRES, "matching.Mentorship"),
        params=_params,
        every_seconds=HOURLY,
    )
)
