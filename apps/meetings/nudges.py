"""Meeting reminders, 24 hours and 1 hour before, to both people, through the nudges
engine (so each person's preferences for the kind apply: straight away, a digest, off).

One notification per person, meeting, reminder and start time: the period is
``h24-<start>`` or ``h1-<start>`` (UTC, to the minute), so each reminder goes once, and a
meeting moved to another time is reminded of again at its new time. A reminder is only
written if the meeting was booked (or moved) before the reminder's moment: a meeting
booked 3 hours ahead gets the 1-hour reminder, not a "tomorrow" one straight after
booking. Cancelled, moved or started meetings make their unsent reminders stale."""

# SQL here is assembled from code constants, model metadata and reverse()d URLs only;
# every value that varies travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from django.db.models import Q

from apps.core.registry import nudge_rules
from apps.meetings.models import Meeting, MeetingStatus
from apps.nudges.models import Kind, Mode
from apps.nudges.rules import Rule, columns, person_name, url_sql, user_column, user_table

REMINDERS = (("h24", 24), ("h1", 1))
_START_KEY = "to_char(lower(m.{during}) AT TIME ZONE 'UTC', 'YYYYMMDDHH24MI')"


def _url() -> str:
    return url_sql(("meetings:meeting_detail",), "m.id", fallback="meetings:meeting_list")


def _reminder_sql() -> str:
    m = columns(Meeting)
    users = user_table()
    values = ", ".join(f"('{label}', {hours})" for label, hours in REMINDERS)
    start = f"lower(m.{m.during})"
    return f"""
    SELECT x.user_id, m.id AS object_id,
           r.label || '-' || {_START_KEY.format(during=m.during)} AS period,
           jsonb_build_object(
               'other', {person_name("other")}, 'hours', r.hours,
               'starts_at', {start} AT TIME ZONE u.{user_column("timezone")},
               'zone', u.{user_column("timezone")},
               'purpose', m.{m.purpose}, 'location', m.{m.location}) AS context,
           {_url()} AS url
    FROM {Meeting._meta.db_table} m
    CROSS JOIN (VALUES {values}) AS r(label, hours)
    CROSS JOIN LATERAL (VALUES (m.{m.mentor}, m.{m.student}), (m.{m.student}, m.{m.mentor}))
        AS x(user_id, other_id)
    JOIN {users} u ON u.id = x.user_id
    JOIN {users} other ON other.id = x.other_id
    WHERE m.{m.status} = '{MeetingStatus.BOOKED.value}'
      -- The exclusion constraint's GiST index finds the meetings of the next day.
      AND m.{m.during} && tstzrange(%(now)s, %(now)s + interval '24 hours', '(]')
      AND {start} <= %(now)s + make_interval(hours => r.hours)
      AND (r.hours = 1 OR {start} > %(now)s + interval '1 hour')
      AND COALESCE(m.{m.rescheduled_at}, m.{m.created_at})
          <= {start} - make_interval(hours => r.hours)
    """


def _stale_sql() -> str:
    m = columns(Meeting)
    return f"""NOT EXISTS (
        SELECT 1 FROM {Meeting._meta.db_table} m
        WHERE m.id = n.object_id AND m.{m.status} = '{MeetingStatus.BOOKED.value}'
          AND lower(m.{m.during}) > %(now)s
          AND right(n.period, 12) = {_START_KEY.format(during=m.during)})"""


def _about_meetings(person) -> Q:
    # The other person's reminders name this one: they go with the person's account.
    ids = Meeting.objects.involving(person.pk).values("pk")
    return Q(kind=Kind.MEETING_REMINDER, object_id__in=ids)


@nudge_rules.register(Kind.MEETING_REMINDER, order=70)
def meeting_reminder() -> Rule:
    return Rule(
        kind=Kind.MEETING_REMINDER,
        default_mode=Mode.IMMEDIATE,
        sql=_reminder_sql,
        template="meetings/nudges/meeting_reminder.txt",
        requires=("meetings.Meeting",),
        stale_sql=_stale_sql,
        about_person=_about_meetings,
    )
