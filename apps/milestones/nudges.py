"""Milestone nudges: due soon and overdue, for the plan's owner by the owner's local
date, and the student's weekly summary of their plan. The weekly figures
(:func:`plan_week_stats`) are also what a mentor's summary shows of each mentee."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from apps.core.registry import nudge_rules
from apps.matching.models import ShareArea
from apps.matching.selectors import mentorships_of, mentorships_sharing_sql
from apps.milestones.models import OPEN_STATUSES, Milestone, Plan, Status
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import (
    HOURLY,
    Rule,
    columns,
    list_url,
    person_name,
    sql_values,
    url_sql,
    user_column,
    user_table,
    weekly_people,
)

DUE_SOON_DAYS = 3
# A milestone overdue by more than this is a plan to revise, not a weekly reminder.
OVERDUE_NAG_DAYS = 180
# A mentee whose plan has not changed for this long is flagged in the weekly summary.
INACTIVE_DAYS = 14
REQUIRES = ("milestones.Milestone", "milestones.Plan")


# The open statuses, as this app defines them (its nudge index uses the same).
OPEN = sql_values(OPEN_STATUSES)


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


def open_date() -> str:
    """The index expression of ``milestone_open_target_date``: a milestone's date while
    it is open, else NULL. Filtering on it (not on status and date apart) lets
    PostgreSQL estimate from that index's statistics how few rows are due."""
    status, target = columns(Milestone).status, columns(Milestone).target_date
    return f"(CASE WHEN m.{status} IN {OPEN} THEN m.{target} END)"


def _open_between(lo: str, hi: str) -> str:
    """Open milestones with their owner and the owner's zone. ``OFFSET 0`` keeps the
    planner from joining every zone to every milestone before the owner is known
    (which multiplies the index lookups by the number of zones in use)."""
    m = vars(columns(Milestone))
    return f"""(
        SELECT m.id, m.{m["title"]} AS title, m.{m["target_date"]} AS target_date,
               m.{m["success_criterion"]} AS success_criterion,
               p.{columns(Plan).owner} AS owner_id, u.{user_column("timezone")} AS timezone
        FROM {Milestone._meta.db_table} m
        JOIN {Plan._meta.db_table} p ON p.id = m.{columns(Milestone).plan}
        JOIN {user_table()} u ON u.id = p.{columns(Plan).owner}
        WHERE {open_date()} >= {lo} AND {open_date()} <= {hi}
        OFFSET 0
    ) m JOIN tz_now t ON t.tz = m.timezone"""


def _due_sql() -> str:
    return f"""
    SELECT m.owner_id AS user_id, m.id AS object_id, m.target_date::text AS period,
           jsonb_build_object('title', m.title, 'target_date', m.target_date,
                              'days_left', m.target_date - t.local_date,
                              'success_criterion', m.success_criterion) AS context,
           {_url()} AS url
    FROM {_open_between("%(date_lo)s", "%(date_hi)s")}
    WHERE m.target_date - t.local_date BETWEEN 0 AND %(due_soon_days)s
    """


def _overdue_sql() -> str:
    # Repeats once a week while overdue, never daily: a nag is not a coach.
    return f"""
    SELECT m.owner_id AS user_id, m.id AS object_id, t.iso_week AS period,
           jsonb_build_object('title', m.title, 'target_date', m.target_date,
                              'days_late', t.local_date - m.target_date) AS context,
           {_url()} AS url
    FROM {_open_between("%(overdue_since)s", "%(overdue_until)s")}
    WHERE m.target_date < t.local_date
    """


def _stale_sql() -> str:
    return f"""NOT EXISTS (
        SELECT 1 FROM {Milestone._meta.db_table} m
        WHERE m.id = n.object_id AND m.{columns(Milestone).status} IN {OPEN})"""


@nudge_rules.register(Kind.MILESTONE_DUE, order=10)
def milestone_due() -> Rule:
    return Rule(
        kind=Kind.MILESTONE_DUE,
        default_mode=Mode.DAILY,
        sql=_due_sql,
        template="milestones/nudges/milestone_due.txt",
        requires=REQUIRES,
        params=_params,
        every_seconds=HOURLY,
        stale_sql=_stale_sql,
    )


@nudge_rules.register(Kind.MILESTONE_OVERDUE, order=11)
def milestone_overdue() -> Rule:
    return Rule(
        kind=Kind.MILESTONE_OVERDUE,
        default_mode=Mode.DAILY,
        sql=_overdue_sql,
        template="milestones/nudges/milestone_overdue.txt",
        requires=REQUIRES,
        params=_params,
        every_seconds=HOURLY,
        stale_sql=_stale_sql,
    )


# --- Weekly figures -------------------------------------------------------------------


def week_params(now: datetime) -> dict:
    """The parameters :func:`plan_week_stats` reads."""
    today = now.date()
    return {
        "week_ago": now - timedelta(days=7),
        "inactive_before": now - timedelta(days=INACTIVE_DAYS),
        "w_today": today,
        "w_next_week": today + timedelta(days=7),
    }


def plan_week_stats(owner: str) -> str:
    """A ``LATERAL`` item ``st(done_week, overdue, upcoming, last_activity, inactive)``:
    the week of the plans of the person whose id is the SQL expression ``owner``, read
    by that person's plans (by index), so only for the people it is asked for."""
    status, target = columns(Milestone).status, columns(Milestone).target_date
    done, completed = Status.DONE.value, columns(Milestone).completed_at
    return f"""
    LATERAL (
        SELECT *, (last_activity IS NULL OR last_activity < %(inactive_before)s) AS inactive
        FROM (
            SELECT count(*) FILTER (WHERE m.{status} = '{done}'
                                      AND m.{completed} >= %(week_ago)s) AS done_week,
                   count(*) FILTER (WHERE m.{status} IN {OPEN}
                                      AND m.{target} < %(w_today)s) AS overdue,
                   count(*) FILTER (WHERE m.{status} IN {OPEN} AND m.{target} >= %(w_today)s
                                      AND m.{target} < %(w_next_week)s) AS upcoming,
                   max(m.{columns(Milestone).updated_at}) AS last_activity
            FROM {Plan._meta.db_table} p
            JOIN {Milestone._meta.db_table} m ON m.{columns(Milestone).plan} = p.id
            WHERE p.{columns(Plan).owner} = {owner}
        ) figures
    ) st"""


def _student_weekly_sql() -> str:
    return f"""
    SELECT u.id AS user_id, 0 AS object_id, wk.iso_week AS period,
           jsonb_build_object('done_week', st.done_week, 'overdue', st.overdue,
                              'upcoming', st.upcoming) AS context,
           {list_url(("milestones:plan_list",))} AS url
    FROM {weekly_people(Kind.STUDENT_WEEKLY)}
    CROSS JOIN {plan_week_stats("u.id")}
    WHERE u.{user_column("is_student")} AND u.{user_column("is_active")}
      AND st.done_week + st.overdue + st.upcoming > 0
    """


@nudge_rules.register(Kind.STUDENT_WEEKLY, order=90)
def student_weekly() -> Rule:
    return Rule(
        kind=Kind.STUDENT_WEEKLY,
        default_mode=Mode.WEEKLY,
        sql=_student_weekly_sql,
        template="milestones/nudges/student_weekly.txt",
        requires=REQUIRES,
        params=week_params,
        every_seconds=HOURLY,
    )


# --- The mentor's weekly summary ------------------------------------------------------


def _mentor_weekly_sql() -> str:
    return f"""
    SELECT u.id AS user_id, 0 AS object_id, wk.iso_week AS period,
           jsonb_build_object(
             'count', count(*), 'inactive_days', {INACTIVE_DAYS},
             'mentees', jsonb_agg(jsonb_build_object(
                 'id', me.id, 'name', {person_name("me")}, 'overdue', st.overdue,
                 'upcoming', st.upcoming, 'done_week', st.done_week, 'inactive', st.inactive)
               ORDER BY me.{user_column("email")})) AS context,
           {list_url(("dashboards:mentor", "matching:mentorship_list"))} AS url
    FROM {weekly_people(Kind.MENTOR_WEEKLY)}
    JOIN ({mentorships_sharing_sql(area=ShareArea.PLAN)}) ms ON ms.mentor_id = u.id
    JOIN {user_table()} me ON me.id = ms.student_id
    CROSS JOIN {plan_week_stats("ms.student_id")}
    WHERE u.{user_column("is_active")}
      AND (st.overdue + st.upcoming + st.done_week > 0 OR st.inactive)
    GROUP BY u.id, wk.iso_week
    """


def _about_mentee(person) -> Q:
    # A summary listing the person among a mentor's mentees (before templates, by the
    # person's name in its stored words).
    naming = Q(context__mentees__contains=[{"id": person.pk}])
    for name in {person.email, person.display_name.strip()} - {""}:
        naming |= Q(context__stored__title__icontains=name)
        naming |= Q(context__stored__body__icontains=name)
    mentors = mentorships_of(user=person).values("mentor_id")
    return Q(kind=Kind.MENTOR_WEEKLY, user_id__in=mentors) & naming


@nudge_rules.register(Kind.MENTOR_WEEKLY, order=91)
def mentor_weekly() -> Rule:
    return Rule(
        kind=Kind.MENTOR_WEEKLY,
        default_mode=Mode.WEEKLY,
        sql=_mentor_weekly_sql,
        template="milestones/nudges/mentor_weekly.txt",
        requires=("milestones.Plan", "milestones.Milestone", "matching.Mentorship"),
        params=week_params,
        every_seconds=HOURLY,
        about_person=_about_mentee,
    )
