"""Milestones due soon and overdue, for the plan's owner, by the owner's local date."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime, timedelta

from apps.milestones.models import OPEN_STATUSES
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import HOURLY, Rule, register, table, url_sql

DUE_SOON_DAYS = 3
# A milestone overdue by more than this is a plan to revise, not a weekly reminder.
OVERDUE_NAG_DAYS = 180
# The open statuses, as the milestones app defines them (its nudge index uses the same).
OPEN = "(" + ", ".join(f"'{status.value}'" for status in OPEN_STATUSES) + ")"


def _params(now: datetime) -> dict:
    # Bounds valid for every zone (UTC-12..+14), so the (target_date, status) index
    # narrows the scan before the per-person local date is applied.
    utc_today = now.date()
    return {
        "date_lo": utc_today - timedelta(days=1),
        "date_hi": utc_today + timedelta(days=DUE_SOON_DAYS + 1),
        "due_soon_days": DUE_SOON_DAYS,
        "overdue_since": utc_today - timedelta(days=OVERDUE_NAG_DAYS),
        # Overdue means before the local today, which is at most tomorrow in UTC
        # (zones run UTC-12..+14): so at the latest today.
        "overdue_until": utc_today,
    }


def _url() -> str:
    return url_sql(("milestones:milestone_detail",), "m.id", fallback="milestones:plan_list")


# The index expression of ``milestone_open_target_date``: a milestone's date while it
# is open, else NULL. Filtering on it (not on status and date apart) lets PostgreSQL
# estimate from that index's statistics how few rows are due.
OPEN_DATE = f"(CASE WHEN m.status IN {OPEN} THEN m.target_date END)"


def _open_between(lo: str, hi: str) -> str:
    """Open milestones with their owner and the owner's zone. ``OFFSET 0`` keeps the
    planner from joining every zone to every milestone before the owner is known
    (which multiplies the index lookups by the number of zones in use)."""
    return f"""(
        SELECT m.id, m.title, m.target_date, m.success_criterion, p.owner_id, u.timezone
        FROM {table("milestones.Milestone")} m
        JOIN {table("milestones.Plan")} p ON p.id = m.plan_id
        JOIN accounts_user u ON u.id = p.owner_id
        WHERE {OPEN_DATE} >= {lo} AND {OPEN_DATE} <= {hi}
        OFFSET 0
    ) m JOIN tz_now t ON t.tz = m.timezone"""


def _due_sql() -> str:
    return f"""
    SELECT m.owner_id AS user_id, m.id AS object_id, m.target_date::text AS period,
           'Finish “' || m.title || '” — due '
             || CASE m.target_date - t.local_date WHEN 0 THEN 'today' WHEN 1 THEN 'tomorrow'
                ELSE 'in ' || (m.target_date - t.local_date) || ' days' END AS title,
           'Target date ' || to_char(m.target_date, 'FMDD Mon YYYY')
             || '. Done means: ' || m.success_criterion AS body,
           {_url()} AS url
    FROM {_open_between("%(date_lo)s", "%(date_hi)s")}
    WHERE m.target_date - t.local_date BETWEEN 0 AND %(due_soon_days)s
    """


def _overdue_sql() -> str:
    # Repeats once a week while overdue, never daily: a nag is not a coach.
    return f"""
    SELECT m.owner_id AS user_id, m.id AS object_id, t.iso_week AS period,
           'Update “' || m.title || '” — '
             || (t.local_date - m.target_date) || ' day'
             || CASE WHEN t.local_date - m.target_date = 1 THEN '' ELSE 's' END
             || ' overdue' AS title,
           'It was due on ' || to_char(m.target_date, 'FMDD Mon YYYY')
             || '. Mark it done, or move the date so your plan stays honest.' AS body,
           {_url()} AS url
    FROM {_open_between("%(overdue_since)s", "%(overdue_until)s")}
    WHERE m.target_date < t.local_date
    """


def _stale_sql() -> str:
    return f"""NOT EXISTS (
        SELECT 1 FROM {table("milestones.Milestone")} m
        WHERE m.id = n.object_id AND m.status IN {OPEN})"""


REQUIRES = ("milestones.Milestone", "milestones.Plan")

register(
    Rule(
        kind=Kind.MILESTONE_DUE,
        default_mode=Mode.DAILY,
        sql=_due_sql,
        requires=REQUIRES,
        params=_params,
        every_seconds=HOURLY,
        stale_sql=_stale_sql,
    )
)
register(
    Rule(
        kind=Kind.MILESTONE_OVERDUE,
        default_mode=Mode.DAILY,
        sql=_overdue_sql,
        requires=REQUIRES,
        params=_params,
        every_seconds=HOURLY,
        stale_sql=_stale_sql,
    )
)
