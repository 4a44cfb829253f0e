"""Paper drafts stalled before a deadline, venue deadline countdowns, and outreach
follow-ups (never shown or sent once a reply is logged)."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime, timedelta

from django.apps import apps

from apps.nudges.models import Kind, Mode
from apps.nudges.rules import HOURLY, Rule, register, table, url_sql

STALLED_DAYS = 14
STALLED_HORIZON_DAYS = 30
COUNTDOWN_DAYS = (14, 7, 2)
PRE_SUBMISSION = "('idea', 'outline', 'drafting', 'internal_review')"
SUBMISSION_KINDS = "('registration', 'abstract', 'paper', 'supplementary')"
CONTACT_CLOSED = "('replied', 'meeting_scheduled', 'no_reply_closed', 'closed')"


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


# "paper deadline (Round 2)": the kind, and the venue's label when it gave one, since a
# venue may have several deadlines of a kind in a year.
_DEADLINE_NAME = (
    "replace(vd.kind, '_', ' ') || ' deadline'"
    " || CASE WHEN vd.label <> '' THEN ' (' || vd.label || ')' ELSE '' END"
)

# The venue's own calendar: its published local date/time and due_at (UTC) give the
# venue's offset, so "days left" counts the venue's midnights, not ours.
_VENUE_TODAY = (
    "((%(now)s AT TIME ZONE 'UTC') + ((vd.local_date + vd.local_time)"
    " - (vd.due_at AT TIME ZONE 'UTC')))::date"
)


def _stalled_sql() -> str:
    return f"""
    SELECT DISTINCT ON (d.id)
           d.owner_id AS user_id, d.id AS object_id, t.iso_week AS period,
           'Move “' || d.title || '” forward — '
             || v.title || ' ' || {_DEADLINE_NAME} || ' in '
             || (vd.local_date - {_VENUE_TODAY}) || ' days' AS title,
           'No stage change for ' || (%(now)s::date - d.stage_changed_at::date)
             || ' days. Due ' || to_char(vd.local_date, 'FMDD Mon YYYY') || ' '
             || to_char(vd.local_time, 'HH24:MI') || ' ' || vd.timezone_name
             || CASE WHEN d.next_action <> '' THEN '. Next step: ' || d.next_action ELSE '' END
             AS body,
           {_draft_url()} AS url
    FROM {table("research.Draft")} d
    JOIN {table("research.Venue")} v ON v.id = d.target_venue_id
    JOIN {table("research.VenueDeadline")} vd ON vd.venue_id = v.id
    JOIN accounts_user u ON u.id = d.owner_id
    JOIN tz_now t ON t.tz = u.timezone
    WHERE d.stage IN {PRE_SUBMISSION}
      AND d.stage_changed_at < %(stalled_before)s
      AND vd.kind IN {SUBMISSION_KINDS}
      AND vd.due_at > %(now)s AND vd.due_at <= %(horizon)s
    ORDER BY d.id, vd.due_at
    """


def _countdown_sql() -> str:
    return f"""
    SELECT d.owner_id AS user_id, d.id AS object_id,
           vd.id || ':d' || (vd.local_date - {_VENUE_TODAY}) AS period,
           v.title || ' ' || {_DEADLINE_NAME} || ' in '
             || (vd.local_date - {_VENUE_TODAY}) || ' days: plan the work on “'
             || d.title || '”' AS title,
           'Due ' || to_char(vd.local_date, 'FMDD Mon YYYY') || ' '
             || to_char(vd.local_time, 'HH24:MI') || ' ' || vd.timezone_name
             || ' (the venue''s time). Stage now: ' || replace(d.stage, '_', ' ') || '.' AS body,
           {_draft_url()} AS url
    FROM {table("research.Draft")} d
    JOIN {table("research.Venue")} v ON v.id = d.target_venue_id
    JOIN {table("research.VenueDeadline")} vd ON vd.venue_id = v.id
    WHERE d.stage IN {PRE_SUBMISSION}
      AND vd.kind IN {SUBMISSION_KINDS}
      AND vd.due_at > %(now)s AND vd.due_at <= %(countdown_hi)s
      AND (vd.local_date - {_VENUE_TODAY}) = ANY(%(countdown_days)s)
    """


def _contact_url() -> str:
    return url_sql(("research:contact_detail",), "c.id", fallback="research:contact_list")


def _default_weekly_cap() -> int:
    field = apps.get_model("research.ResearchPreferences")._meta.get_field("followup_weekly_cap")
    return int(field.default)


def _follow_up_sql() -> str:
    # The weekly cap: a person gets at most ``followup_weekly_cap`` follow-up nudges in
    # any seven days (the model default without a preferences row). Already-nudged
    # follow-ups are left out before ranking so they cannot use up the budget; the
    # oldest due follow-ups go first. The nudges of the past week are counted in one
    # join for all the people with follow-ups due, never in a subquery per row: planned
    # while another rule is filling a nearly empty notification table, a per-row count
    # could rescan that whole table for every row.
    return f"""
    SELECT ranked.user_id, ranked.object_id, ranked.period, ranked.title, ranked.body,
           ranked.url
    FROM (
        WITH due AS MATERIALIZED (
            SELECT c.owner_id AS user_id, c.id AS object_id, c.follow_up_on::text AS period,
                   'Follow up with ' || c.name
                     || CASE WHEN c.affiliation <> '' THEN ' (' || c.affiliation || ')'
                        ELSE '' END AS title,
                   'No reply since '
                     || COALESCE(to_char(c.last_emailed_on, 'FMDD Mon YYYY'), 'your email')
                     || '. A short, polite follow-up often gets the answer.' AS body,
                   {_contact_url()} AS url,
                   row_number() OVER (PARTITION BY c.owner_id ORDER BY c.follow_up_on, c.id)
                     AS position,
                   COALESCE(rp.followup_weekly_cap, {_default_weekly_cap()}) AS cap
            FROM {table("research.Contact")} c
            JOIN accounts_user u ON u.id = c.owner_id
            JOIN tz_now t ON t.tz = u.timezone
            LEFT JOIN {table("research.ResearchPreferences")} rp ON rp.user_id = c.owner_id
            WHERE c.follow_up_on IS NOT NULL
              AND c.follow_up_on < %(date_hi)s
              AND c.follow_up_on <= t.local_date
              AND c.status NOT IN {CONTACT_CLOSED}
              AND NOT EXISTS (
                  SELECT 1 FROM nudges_notification n
                  WHERE n.user_id = c.owner_id AND n.kind = %(kind)s AND n.object_id = c.id
                    AND n.period = c.follow_up_on::text)
              AND NOT EXISTS (
                  SELECT 1 FROM nudges_snooze z
                  WHERE z.user_id = c.owner_id AND z.kind = %(kind)s AND z.object_id = c.id
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
    return f"""NOT EXISTS (
        SELECT 1 FROM {table("research.Contact")} c
        WHERE c.id = n.object_id AND c.follow_up_on::text = n.period
          AND c.status NOT IN {CONTACT_CLOSED})"""


def _draft_stale() -> str:
    return f"""NOT EXISTS (
        SELECT 1 FROM {table("research.Draft")} d
        WHERE d.id = n.object_id AND d.stage IN {PRE_SUBMISSION})"""


DRAFTS = ("research.Draft", "research.Venue", "research.VenueDeadline")

register(
    Rule(
        kind=Kind.DRAFT_STALLED,
        default_mode=Mode.DAILY,
        sql=_stalled_sql,
        requires=DRAFTS,
        params=_params,
        every_seconds=HOURLY,
        stale_sql=_draft_stale,
    )
)
register(
    Rule(
        kind=Kind.DEADLINE_COUNTDOWN,
        default_mode=Mode.IMMEDIATE,
        sql=_countdown_sql,
        requires=DRAFTS,
        params=_params,
        stale_sql=_draft_stale,
    )
)
register(
    Rule(
        kind=Kind.FOLLOW_UP_DUE,
        default_mode=Mode.DAILY,
        sql=_follow_up_sql,
        requires=("research.Contact", "research.ResearchPreferences"),
        params=_params,
        every_seconds=HOURLY,
        stale_sql=_follow_up_stale,
    )
)
