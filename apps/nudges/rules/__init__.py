"""The nudge engine's rules: each is one set-based SQL statement per kind.

A rule is declared by the app that owns its data, in that app's ``nudges.py``, through
:data:`apps.core.registry.nudge_rules` (see :class:`Rule`). Its SQL supplies a
``SELECT`` of candidate nudges with the columns ``user_id, object_id, period, context,
url``: ``context`` is a ``jsonb`` object of the facts the nudge is about (a title, a
date, counts), and the words shown to the person come from the rule's text template,
rendered when the nudge is shown (:mod:`apps.nudges.rendering`). The engine wraps the
query in one ``INSERT ... SELECT`` of the keys not yet written that applies the
person's preferences (kind off → nothing, holiday pause → in the app only) and
per-item snoozes. No Python loop over people: the statement's cost grows with the rows
due, not with the query count.

Inside a rule's SQL these are available:
- ``%(now)s`` (timestamptz), ``%(kind)s`` and any named parameter the rule's ``params``
  returns;
- the CTE ``tz_now(tz, local_date, local_hour, isodow, iso_week)`` holding, for every
  IANA zone, the local calendar at ``now`` computed with :mod:`zoneinfo` in Python.
  Join it with the person's ``timezone`` (:func:`user_table`) to key a nudge by the
  person's local day.
"""

from __future__ import annotations

import functools
import zlib
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from apps.core.registry import nudge_rules
from apps.nudges.kinds import (
    DEFAULT_DIGEST_HOUR,
    DEFAULT_WEEKLY_DAY,
    DIGEST_DAILY,
    DIGEST_WEEKLY,
    Mode,
)


@dataclass(frozen=True)
class Rule:
    """One kind of nudge, as its app declares it:

    ``@nudge_rules.register(kind, order=...)`` on a function returning a ``Rule``."""

    kind: str
    default_mode: str
    # Built when run, so table names and URLs resolve against the installed apps.
    sql: Callable[[], str]
    # The text template (``<app>/nudges/<kind>.txt``) rendered with the notification's
    # context: its first line is the title, the rest the body.
    template: str
    requires: tuple[str, ...] = ()
    params: Callable[[datetime], dict[str, Any]] = field(default=lambda now: {})
    # Optional: a condition on notification ``n`` meaning "no longer true" (a reply was
    # logged, the milestone was done); such unread, unsent notifications are cleared for
    # their person when the notification centre opens and before an email is built.
    stale_sql: Callable[[], str] | None = None
    # How often the insert runs: every sweep (60) or, for rules whose period is a day or
    # a week and whose query reads many rows, less often.
    every_seconds: int = 60
    # Optional: the ``Q`` on other people's notifications of this kind that name
    # ``person`` (a request from them, a summary listing them); these go when the
    # person's account is deleted.
    about_person: Callable[[Any], Q] | None = None

    @property
    def available(self) -> bool:
        """The models this rule reads exist (another app may not have shipped them yet)."""
        for label in self.requires:
            try:
                apps.get_model(label)
            except LookupError:
                return False
        return True


@functools.cache
def _rules() -> dict[str, Rule]:
    # The registry is filled once, by importing every app's ``nudges`` module.
    return {kind: build() for kind, build in nudge_rules.items()}


def all_rules() -> list[Rule]:
    return [rule for rule in _rules().values() if rule.available]


def get_rule(kind: str) -> Rule | None:
    return _rules().get(kind)


def default_mode(kind: str) -> str:
    rule = get_rule(kind)
    return rule.default_mode if rule else Mode.DAILY


# --- SQL helpers --------------------------------------------------------------------

# Rules whose nudges are per day or per week and read many rows run once an hour.
HOURLY = 3600

URL_SENTINEL = "987654321"


def url_sql(names: Iterable[str], id_expr: str, *, fallback: str = "nudges:inbox") -> str:
    """A SQL expression for the deep link to an object: the first URL name that
    exists (taking one id argument), with the id spliced in; else ``fallback``."""
    for name in names:
        try:
            template = reverse(name, args=[int(URL_SENTINEL)])
        except NoReverseMatch:
            continue
        return f"replace({_quote(template)}, '{URL_SENTINEL}', ({id_expr})::text)"
    try:
        return _quote(reverse(fallback))
    except NoReverseMatch:
        return _quote(reverse("nudges:inbox"))


def list_url(names: Iterable[str]) -> str:
    for name in names:
        try:
            return _quote(reverse(name))
        except NoReverseMatch:
            continue
    return _quote(reverse("nudges:inbox"))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@functools.cache
def user_table() -> str:
    """The people's table; rules join it by ``id`` for ``timezone`` and ``is_active``."""
    return get_user_model()._meta.db_table


@functools.cache
def user_column(name: str) -> str:
    field = get_user_model()._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def person_name(alias: str) -> str:
    """A person's name as the site shows it (``User.name``), for the people's table
    joined as ``alias``."""
    return (
        f"COALESCE(NULLIF({alias}.{user_column('display_name')}, ''),"
        f" split_part({alias}.{user_column('email')}, '@', 1))"
    )


def columns(model: type[models.Model]) -> SimpleNamespace:
    """A model's columns by field name, for rule SQL: ``columns(Plan).owner`` is
    ``owner_id``."""
    return SimpleNamespace(**{f.name: f.column for f in model._meta.concrete_fields})


def sql_values(values: Iterable[str]) -> str:
    """A parenthesised SQL list of enum values (code constants, never input)."""
    return "(" + ", ".join(_quote(str(value)) for value in values) + ")"


def weekly_people(kind: str) -> str:
    """A ``FROM`` item of the people whose weekly day it is now, in their own zone, as
    ``wk(user_id, iso_week)`` joined to their row ``u``, less those whose summary of
    ``kind`` this week is written. Two index-friendly halves: on the default day,
    everyone in the zones where it is that day (by the timezone index) who kept the
    default; on any day, those who chose another (few: a settings row each). On most
    days most zones match neither, so no one is read at all."""
    users, tz = user_table(), user_column("timezone")
    day = DEFAULT_WEEKLY_DAY
    return f"""
    (
        SELECT u2.id AS user_id, t2.iso_week
        FROM tz_now t2
        JOIN {users} u2 ON u2.{tz} = t2.tz
        LEFT JOIN nudges_nudgesettings s2 ON s2.user_id = u2.id
        WHERE t2.isodow = {day} AND COALESCE(s2.weekly_day, {day}) = {day}
        UNION ALL
        SELECT s2.user_id, t2.iso_week
        FROM nudges_nudgesettings s2
        JOIN {users} u2 ON u2.id = s2.user_id
        JOIN tz_now t2 ON t2.tz = u2.{tz}
        WHERE s2.weekly_day <> {day} AND s2.weekly_day = t2.isodow
    ) wk
    JOIN {users} u ON u.id = wk.user_id
        AND NOT EXISTS (SELECT 1 FROM nudges_notification x
                        WHERE x.user_id = u.id AND x.kind = {_quote(kind)} AND x.object_id = 0
                          AND x.period = wk.iso_week)"""  # noqa: S608 (code constants only)


def local_calendar(now: datetime, zones: Iterable[str]) -> dict[str, list]:
    """Each zone's local date, hour, ISO weekday and ISO week at ``now``, by zoneinfo,
    as arrays for ``unnest``; DST is the zone database's business, not ours. A name
    zoneinfo does not know is left out (its people get no local-time nudges)."""
    tzs, dates, hours, dows, weeks = [], [], [], [], []
    for name in sorted(set(zones)):
        try:
            local = now.astimezone(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        iso = local.isocalendar()
        tzs.append(name)
        dates.append(local.date())
        hours.append(local.hour)
        dows.append(iso.weekday)
        weeks.append(f"{iso.year}-W{iso.week:02d}")
    return {
        "tz_names": tzs,
        "tz_dates": dates,
        "tz_hours": hours,
        "tz_dows": dows,
        "tz_weeks": weeks,
    }


# The distinct zones people have chosen, by skipping through the timezone index (one
# probe per zone) rather than reading every person: a few dozen zones, not ~600, then
# travel in each statement's tz_now arrays.
def _zones_in_use_sql() -> str:
    users, tz = user_table(), user_column("timezone")
    return f"""
WITH RECURSIVE z(tz) AS (
    SELECT min({tz}) FROM {users}
    UNION ALL
    SELECT (SELECT min(u.{tz}) FROM {users} u WHERE u.{tz} > z.tz)
    FROM z WHERE z.tz IS NOT NULL
)
SELECT tz FROM z WHERE tz IS NOT NULL
"""  # noqa: S608 (model metadata only)


def zones_in_use() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(_zones_in_use_sql())
        return [tz for (tz,) in cursor.fetchall()]


# Materialised: joined row by row, an inlined unnest would be re-run for every row.
TZ_NOW_CTE = """tz_now(tz, local_date, local_hour, isodow, iso_week) AS MATERIALIZED (
    SELECT * FROM unnest(%(tz_names)s::text[], %(tz_dates)s::date[], %(tz_hours)s::int[],
                         %(tz_dows)s::int[], %(tz_weeks)s::text[])
)"""


# A person's digest slot: one outbox row per person, digest kind and local date (or ISO
# week), written once the local hour has reached the person's digest hour on a day the
# person gets digests. The slot comes from zoneinfo's local calendar, so a DST change
# can neither skip a day (the hour test is ">=") nor send two (the date is part of the
# unique key). Slots go in in one order (by person) in every statement that writes
# them (each rule's, and the sweep's digest pass, ``queue_digests_sql``), and no
# transaction writes slots in more than one statement, so statements running at once
# (a rule task beside the sweep or another rule) wait for each other in line, never in
# a cycle. When two meet on a slot, the second waits until the first has committed
# (seconds, for a rule writing every milestone due), then skips the slot (``DO
# NOTHING``): the person gets one digest, and the second statement was held up.
# ``{people}`` is a query of distinct people with notifications waiting, one row per
# (user_id, delivery), with their local calendar (``tz_now``'s columns) and their
# digest settings (``nudges_nudgesettings``'s columns, NULL without a row).
DIGEST_SLOTS_SQL = f"""
INSERT INTO nudges_outboxmessage
    (user_id, kind, object_id, period, status, next_attempt_at, attempts, last_error,
     subject, created_at)
SELECT w.user_id,
       CASE w.delivery WHEN 'daily' THEN '{DIGEST_DAILY}' ELSE '{DIGEST_WEEKLY}' END,
       0,
       CASE w.delivery WHEN 'daily' THEN w.local_date::text ELSE w.iso_week END,
       'pending', %(now)s, 0, '', '', %(now)s
FROM ({{people}}) w
WHERE w.local_hour >= COALESCE(w.digest_hour, {DEFAULT_DIGEST_HOUR})
  AND (w.paused_until IS NULL OR w.paused_until < w.local_date)
  AND CASE w.delivery
        WHEN 'daily' THEN NOT (COALESCE(w.weekdays_only, TRUE) AND w.isodow >= 6)
        ELSE w.isodow = COALESCE(w.weekly_day, {DEFAULT_WEEKLY_DAY}) END
ORDER BY w.user_id, w.delivery
ON CONFLICT (user_id, kind, object_id, period) WHERE notification_id IS NULL DO NOTHING"""  # noqa: S608 (code constants only)

# The calendar and digest settings columns ``DIGEST_SLOTS_SQL`` reads, from ``tz_now t``
# and ``nudges_nudgesettings s``.
_SLOT_SOURCES = (
    "t.local_date",
    "t.local_hour",
    "t.isodow",
    "t.iso_week",
    "s.digest_hour",
    "s.weekly_day",
    "s.weekdays_only",
    "s.paused_until",
)
SLOT_COLUMNS = ", ".join(_SLOT_SOURCES)
_SLOT_NAMES = ", ".join(source.split(".")[1] for source in _SLOT_SOURCES)


# A candidate ``c`` whose key has no notification yet.
_NOT_WRITTEN = """NOT EXISTS (
          SELECT 1 FROM nudges_notification x
          WHERE x.user_id = c.user_id AND x.kind = %(kind)s AND x.object_id = c.object_id
            AND x.period = c.period)"""


# One statement per rule: decide each candidate's delivery from the person's choices,
# write the notifications, the outbox rows of the immediate ones (from what the insert
# returned) and the digest slots of the people whose digest is due now (from the decided
# rows, which already carry each person's local calendar and digest settings), so no
# second pass over the notifications or the people is needed.
#
# One writer per kind and person: the rules run every minute are run only by the
# sweep, under the sweep's advisory lock; each hourly rule, whether by the tasks that
# each write one part of its people (a span of their ids) or by a sweep running
# every rule in-process, only under the locks of the parts it writes (``_rule_lock`` in
# ``sweep``), taken before its transaction and held until it has committed. So the
# existing keys of a kind are filtered out by an anti-join and the rows go in with a
# plain INSERT: ``ON CONFLICT`` would make every row a speculative insertion, which
# costs about half again as much when every nudge is due at once. Kinds never share a
# key, so rules of different kinds write side by side. A rule yields each key once
# (the tests run every rule); were one not to, the unique constraint would stop the
# rule, loudly, rather than let a duplicate through. The outbox rows of new
# notifications are new by construction, and the database still holds them to one
# per notification (``nudges_outbox_one_per_notification``).
INSERT_SQL = """
WITH {tz_now},
candidates AS (
{candidates}
),
decided AS (
    SELECT c.user_id, c.object_id, c.period, c.context, c.url,
           CASE WHEN s.paused_until IS NOT NULL
                     AND s.paused_until
                         >= COALESCE(t.local_date, (%(now)s AT TIME ZONE 'UTC')::date)
                THEN 'none'
                ELSE COALESCE(p.mode, %(default_mode)s) END AS delivery,
           {slot_columns}
    FROM candidates c
    JOIN {users} u ON u.id = c.user_id AND u.{is_active}
    LEFT JOIN tz_now t ON t.tz = u.{timezone}
    LEFT JOIN nudges_nudgesettings s ON s.user_id = c.user_id
    LEFT JOIN nudges_kindpreference p ON p.user_id = c.user_id AND p.kind = %(kind)s
    WHERE COALESCE(p.mode, %(default_mode)s) <> 'off'
      {part_of_people}
      AND {not_written}
      AND NOT EXISTS (
          SELECT 1 FROM nudges_snooze z
          WHERE z.user_id = c.user_id AND z.kind = %(kind)s AND z.object_id = c.object_id
            AND z.until > %(now)s)
),
inserted AS (
    INSERT INTO nudges_notification
        (user_id, kind, object_id, period, context, url, delivery, created_at, queued_at)
    SELECT d.user_id, %(kind)s, d.object_id, d.period, d.context, d.url, d.delivery,
           %(now)s, CASE WHEN d.delivery = 'immediate' THEN %(now)s::timestamptz END
    FROM decided d
    RETURNING id, object_id, period, delivery
),
queued AS (
    INSERT INTO nudges_outboxmessage
        (kind, object_id, period, notification_id, status, next_attempt_at,
         attempts, last_error, subject, created_at)
    SELECT %(kind)s, i.object_id, i.period, i.id, 'pending', %(now)s, 0, '', '', %(now)s
    FROM inserted i WHERE i.delivery = 'immediate'
    RETURNING 1
),
digests AS ({digests}
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM queued),
       (SELECT count(*) FROM digests)
"""

# The people with new daily or weekly nudges from this rule, with what decided them.
_NEW_WAITING = f"""
    SELECT DISTINCT d.user_id, d.delivery, {_SLOT_NAMES}
    FROM decided d WHERE d.delivery IN ('daily', 'weekly')"""  # noqa: S608 (code constants only)


# Whether a rule has any candidate not yet written. The rules run every minute read a
# few rows (this week's requests, this month's deadlines) and nearly always have nothing
# new: this asks that in a statement that is quick to plan, where the full one takes a
# few milliseconds to plan each minute for nothing. It can only answer "yes" too often
# (the full statement then applies the person's choices), never "no" wrongly.
PROBE_SQL = """
WITH {tz_now},
candidates AS (
{candidates}
)
SELECT EXISTS (SELECT 1 FROM candidates c WHERE {not_written})
"""


@dataclass
class RulesRun:
    created: dict[str, int] = field(default_factory=dict)  # new notifications per kind
    queued: int = 0  # outbox rows of immediate notifications
    digests: int = 0  # digest slots queued for the people with new nudges

    @classmethod
    def combined(cls, runs: Iterable[RulesRun]) -> RulesRun:
        total = cls()
        for run in runs:
            total.created.update(run.created)
            total.queued += run.queued
            total.digests += run.digests
        return total


def rules_run(
    *,
    rules: Iterable[Rule],
    now: datetime,
    calendar: dict[str, list],
    ids: tuple[int | None, int | None] = (None, None),
) -> RulesRun:
    """Write the due nudges of these rules, one statement per rule, with their outbox
    rows and the digest slots now due for their people: of the people whose id is in
    ``ids``, from the first up to (not including) the second, either open when None
    (everyone by default)."""
    start, stop = ids
    # A range of ids, which the planner estimates from the ids' statistics (it could
    # not estimate how many people a remainder keeps, and planned for a few rows).
    part_of_people = ""
    if start is not None:
        part_of_people += " AND c.user_id >= %(ids_start)s"
    if stop is not None:
        part_of_people += " AND c.user_id < %(ids_stop)s"
    run = RulesRun()
    digests = DIGEST_SLOTS_SQL.format(people=_NEW_WAITING)
    with connection.cursor() as cursor:
        for rule in rules:
            params = {
                "now": now,
                "kind": rule.kind,
                "default_mode": rule.default_mode,
                "ids_start": start,
                "ids_stop": stop,
                **calendar,
                **rule.params(now),
            }
            candidates = rule.sql()
            if rule.every_seconds <= 60:
                probe = PROBE_SQL.format(
                    tz_now=TZ_NOW_CTE, candidates=candidates, not_written=_NOT_WRITTEN
                )
                cursor.execute(probe, params)
                if not cursor.fetchone()[0]:
                    run.created[rule.kind] = 0
                    continue
            sql = INSERT_SQL.format(
                tz_now=TZ_NOW_CTE,
                candidates=candidates,
                part_of_people=part_of_people,
                not_written=_NOT_WRITTEN,
                slot_columns=SLOT_COLUMNS,
                digests=digests,
                users=user_table(),
                is_active=user_column("is_active"),
                timezone=user_column("timezone"),
            )
            cursor.execute(sql, params)
            created, queued, slots = cursor.fetchone()
            run.created[rule.kind] = created
            run.queued += queued
            run.digests += slots
    return run


def _offset(rule: Rule) -> int:
    return zlib.crc32(rule.kind.encode()) % rule.every_seconds


def rule_next_period(*, rule: Rule, now: datetime) -> datetime:
    """When this heavy rule's next period begins after ``now`` (the sweep then runs it)."""
    offset = _offset(rule)
    start = ((int(now.timestamp()) + offset) // rule.every_seconds + 1) * rule.every_seconds
    return datetime.fromtimestamp(start - offset, UTC)


def rule_is_due(*, rule: Rule, now: datetime, part: int | None = None) -> tuple[bool, str]:
    """Heavy rules run once per ``every_seconds``, each at its own offset in the period
    so that no sweep runs them all; returns (due, the cache key marking this period, or
    this ``part`` of the rule's people in it)."""
    if rule.every_seconds <= 60:
        return True, ""
    bucket = (int(now.timestamp()) + _offset(rule)) // rule.every_seconds
    key = f"nudges:rule:{rule.kind}:{bucket}"
    if part is not None:
        key += f":part{part}"
    try:
        return cache.get(key) is None, key
    except Exception:
        # Without the cache (Redis down) the rule simply runs: it is idempotent.
        return True, key


# One statement for every kind: clear a few people's unsent, unread nudges that stopped
# being true. Their open nudges are found person by person through the dedup index
# (which starts with the person), then fetched by address (a row updated meanwhile has
# moved, so it is left alone). ``OFFSET 0`` keeps each lookup a lookup: flattened into a
# join, the planner may prefer a scan that grows with everyone's nudges rather than
# these people's.
CLEAR_SQL = """
UPDATE nudges_notification n SET read_at = %(now)s, queued_at = COALESCE(n.queued_at, %(now)s)
WHERE n.ctid = ANY(ARRAY(
    SELECT x.ctid FROM unnest(%(people)s::bigint[]) AS p(id)
    CROSS JOIN LATERAL (
        SELECT x.ctid FROM nudges_notification x
        WHERE x.user_id = p.id AND x.kind = ANY(%(kinds)s)
          AND x.read_at IS NULL AND x.emailed_at IS NULL
        OFFSET 0
    ) x
  ))
  AND CASE n.kind {branches} ELSE false END
"""


def rules_clear(*, rules: Iterable[Rule], now: datetime, user_ids: Iterable[int]) -> int:
    """Clear these people's unsent nudges, of these rules' kinds, that stopped being
    true; returns how many. A rule's ``stale_sql`` may use ``%(now)s`` and no other
    parameter."""
    stale = [(rule.kind, rule.stale_sql()) for rule in rules if rule.stale_sql is not None]
    people = sorted(set(user_ids))
    if not stale or not people:
        return 0
    branches = " ".join(f"WHEN {_quote(kind)} THEN ({sql})" for kind, sql in stale)
    with connection.cursor() as cursor:
        cursor.execute(
            CLEAR_SQL.format(branches=branches),
            {"now": now, "kinds": [kind for kind, _ in stale], "people": people},
        )
        return cursor.rowcount
