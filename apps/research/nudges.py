"""Paper drafts stalled before a deadline, venue deadline countdowns, and outreach
follow-ups (never shown or sent once a reply is logged)."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime, timedelta

from apps.core.registry import nudge_rules
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import (
    HOURLY,
    Rule,
    columns,
    sql_values,
    url_sql,
    user_column,
    user_table,
)
from apps.research.models import (
    CLOSED_STATUSES,
    PRE_SUBMISSION_STAGES,
    Contact,
    ContactStatus,
    DeadlineKind,
    Draft,
    ResearchPreferences,
    Venue,
    VenueDeadline,
)

STALLED_DAYS = 14
STALLED_HORIZON_DAYS = 30
COUNTDOWN_DAYS = (14, 7, 2)
SUBMISSION_KINDS = (
    DeadlineKind.REGISTRATION,
    DeadlineKind.ABSTRACT,
    DeadlineKind.PAPER,
    DeadlineKind.SUPPLEMENTARY,
)
# A contact who answered (or whose thread is closed) needs no follow-up.
NO_FOLLOW_UP = (ContactStatus.REPLIED, ContactStatus.MEETING_SCHEDULED, *CLOSED_STATUSES)
DRAFTS = ("research.Draft", "research.Venue", "research.VenueDeadline")


def _params(now: datetime) -> dict:
    return {
        "stalled_before": now - timedelta(days=STALLED_DAYS),
        "horizon": now + timedelta(days=STALLED_HORIZON_DAYS),
        "countdown_hi": now + timedelta(days=max(COUNTDOWN_DAYS) + 2),
        "countdown_days": list(COUNTDOWN_DAYS),
        "date_hi": now.date() + timedelta(days=1),
        "week_ago": now - timedelta(days=7),
    }


def _draft_url() -> str:
    return url_sql(("research:draft_detail",), "d.id", fallback="research:draft_board")


def _drafts_before_deadlines() -> str:
    """Drafts not yet submitted ``d`` with their venue ``v`` and its submission
    deadlines ``vd``, and ``days_left``: the venue's midnights until the deadline (its
    published local date/time and ``due_at`` in UTC give the venue's offset, so the
    days are counted on the venue's calendar, not ours)."""
    d, v, vd = columns(Draft), columns(Venue), columns(VenueDeadline)
    venue_today = (
        f"((%(now)s AT TIME ZONE 'UTC') + ((vd.{vd.local_date} + vd.{vd.local_time})"
        f" - (vd.{vd.due_at} AT TIME ZONE 'UTC')))::date"
    )
    return f"""(
        SELECT d.id, d.{d.owner} AS owner_id, d.{d.title} AS title, d.{d.stage} AS stage,
               d.{d.stage_changed_at} AS stage_changed_at, d.{d.next_action} AS next_action,
               v.{v.title} AS venue, vd.id AS deadline_id, vd.{vd.kind} AS deadline_kind,
               vd.{vd.label} AS deadline_label, vd.{vd.local_date} AS due_date,
               vd.{vd.local_time} AS due_time, vd.{vd.timezone_name} AS due_zone,
               vd.{vd.due_at} AS due_at, vd.{vd.local_date} - {venue_today} AS days_left
        FROM {Draft._meta.db_table} d
        JOIN {Venue._meta.db_table} v ON v.id = d.{d.target_venue}
        JOIN {VenueDeadline._meta.db_table} vd ON vd.{vd.venue} = v.id
        WHERE d.{d.stage} IN {sql_values(PRE_SUBMISSION_STAGES)}
          AND vd.{vd.kind} IN {sql_values(SUBMISSION_KINDS)}
    )"""


_DEADLINE_CONTEXT = """'draft', d.title, 'venue', d.venue, 'deadline_kind', d.deadline_kind,
           'deadline_label', d.deadline_label, 'days_left', d.days_left,
           'due_date', d.due_date, 'due_time', d.due_time, 'due_zone', d.due_zone"""


def _stalled_sql() -> str:
    return f"""
    SELECT DISTINCT ON (d.id)
           d.owner_id AS user_id, d.id AS object_id, t.iso_week AS period,
           jsonb_build_object({_DEADLINE_CONTEXT},
             'idle_days', %(now)s::date - d.stage_changed_at::date,
             'next_action', d.next_action) AS context,
           {_draft_url()} AS url
    FROM {_drafts_before_deadlines()} d
    JOIN {user_table()} u ON u.id = d.owner_id
    JOIN tz_now t ON t.tz = u.{user_column("timezone")}
    WHERE d.stage_changed_at < %(stalled_before)s
      AND d.due_at > %(now)s AND d.due_at <= %(horizon)s
    ORDER BY d.id, d.due_at
    """


def _countdown_sql() -> str:
    return f"""
    SELECT d.owner_id AS user_id, d.id AS object_id,
           d.deadline_id || ':d' || d.days_left AS period,
           jsonb_build_object({_DEADLINE_CONTEXT}, 'stage', d.stage) AS context,
           {_draft_url()} AS url
    FROM {_drafts_before_deadlines()} d
    WHERE d.due_at > %(now)s AND d.due_at <= %(countdown_hi)s
      AND d.days_left = ANY(%(countdown_days)s)
    """


def _contact_url() -> str:
    return url_sql(("research:contact_detail",), "c.id", fallback="research:contact_list")


def _default_weekly_cap() -> int:
    return int(ResearchPreferences._meta.get_field("followup_weekly_cap").default)


def _follow_up_sql() -> str:
    # The weekly cap: a person gets at most ``followup_weekly_cap`` follow-up nudges in
    # any seven days (the model default without a preferences row). Already-nudged
    # follow-ups are left out before ranking so they cannot use up the budget; the
    # oldest due follow-ups go first. The nudges of the past week are counted in one
    # join for all the people with follow-ups due, never in a subquery per row: planned
    # while another rule is filling a nearly empty notification table, a per-row count
    # could rescan that whole table for every row.
    c, rp = columns(Contact), columns(ResearchPreferences)
    return f"""
    SELECT ranked.user_id, ranked.object_id, ranked.period, ranked.context, ranked.url
    FROM (
        WITH due AS MATERIALIZED (
            SELECT c.{c.owner} AS user_id, c.id AS object_id,
                   c.{c.follow_up_on}::text AS period,
                   jsonb_build_object('name', c.{c.name}, 'affiliation', c.{c.affiliation},
                                      'last_emailed_on', c.{c.last_emailed_on}) AS context,
                   {_contact_url()} AS url,
                   row_number() OVER (PARTITION BY c.{c.owner}
                                      ORDER BY c.{c.follow_up_on}, c.id) AS position,
                   COALESCE(rp.{rp.followup_weekly_cap}, {_default_weekly_cap()}) AS cap
            FROM {Contact._meta.db_table} c
            JOIN {user_table()} u ON u.id = c.{c.owner}
            JOIN tz_now t ON t.tz = u.{user_column("timezone")}
            LEFT JOIN {ResearchPreferences._meta.db_table} rp ON rp.{rp.user} = c.{c.owner}
            WHERE c.{c.follow_up_on} IS NOT NULL
              AND c.{c.follow_up_on} < %(date_hi)s
              AND c.{c.follow_up_on} <= t.local_date
              AND c.{c.status} NOT IN {sql_values(NO_FOLLOW_UP)}
              AND NOT EXISTS (
                  SELECT 1 FROM nudges_notification n
                  WHERE n.user_id = c.{c.owner} AND n.kind = %(kind)s AND n.object_id = c.id
                    AND n.period = c.{c.follow_up_on}::text)
              AND NOT EXISTS (
                  SELECT 1 FROM nudges_snooze z
                  WHERE z.user_id = c.{c.owner} AND z.kind = %(kind)s AND z.object_id = c.id
                    AND z.until > %(now)s)
        ),
        nudged AS (
            SELECT n.user_id, count(*) AS recent
            FROM (SELECT DISTINCT due.user_id FROM due) people
            JOIN nudges_notification n
              ON n.user_id = people.user_id AND n.kind = %(kind)s
             AND n.created_at > %(week_ago)s
            GROUP BY n.user_id
        )
        SELECT due.*, COALESCE(nudged.recent, 0) AS recent
        FROM due LEFT JOIN nudged ON nudged.user_id = due.user_id
    ) ranked
    WHERE ranked.position <= ranked.cap - ranked.recent
    """


def _follow_up_stale() -> str:
    # A logged reply clears follow_up_on (or closes the contact): the nudge goes too.
    c = columns(Contact)
    return f"""NOT EXISTS (
        SELECT 1 FROM {Contact._meta.db_table} c
        WHERE c.id = n.object_id AND c.{c.follow_up_on}::text = n.period
          AND c.{c.status} NOT IN {sql_values(NO_FOLLOW_UP)})"""


def _draft_stale() -> str:
    d = columns(Draft)
    return f"""NOT EXISTS (
        SELECT 1 FROM {Draft._meta.db_table} d
        WHERE d.id = n.object_id AND d.{d.stage} IN {sql_values(PRE_SUBMISSION_STAGES)})"""


@nudge_rules.register(Kind.DRAFT_STALLED, order=20)
def draft_stalled() -> Rule:
    return Rule(
        kind=Kind.DRAFT_STALLED,
        default_mode=Mode.DAILY,
        sql=_stalled_sql,
        template="research/nudges/draft_stalled.txt",
        requires=DRAFTS,
        params=_params,
        every_seconds=HOURLY,
        stale_sql=_draft_stale,
    )


@nudge_rules.register(Kind.DEADLINE_COUNTDOWN, order=21)
def deadline_countdown() -> Rule:
    return Rule(
        kind=Kind.DEADLINE_COUNTDOWN,
        default_mode=Mode.IMMEDIATE,
        sql=_countdown_sql,
        template="research/nudges/deadline_countdown.txt",
        requires=DRAFTS,
        params=_params,
        stale_sql=_draft_stale,
    )


@nudge_rules.register(Kind.FOLLOW_UP_DUE, order=30)
def follow_up_due() -> Rule:
    return Rule(
        kind=Kind.FOLLOW_UP_DUE,
        default_mode=Mode.DAILY,
        sql=_follow_up_sql,
        template="research/nudges/follow_up_due.txt",
        requires=("research.Contact", "research.ResearchPreferences"),
        params=_params,
        every_seconds=HOURLY,
        stale_sql=_follow_up_stale,
    )
