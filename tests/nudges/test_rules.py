"""Every rule, through the sweep that runs it: what it writes, what it must not, and
the person's preferences, pauses and snoozes (with timezone and DST edges)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.matching.models import Mentorship
from apps.milestones.models import Status
from apps.nudges.models import (
    Delivery,
    Kind,
    KindPreference,
    Mode,
    Notification,
    NudgeSettings,
    OutboxMessage,
    Snooze,
)
from apps.nudges.rules import get_rule, rule_is_due, rule_next_period
from apps.nudges.services import notifications_clear_stale, nudges_sweep
from apps.readinglists.models import ReviewCard, ReviewSettings
from apps.research.models import ContactStatus, Stage
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory
from tests.nudges.factories import MentorshipFactory
from tests.research.factories import (
    ContactFactory,
    DraftFactory,
    VenueDeadlineFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def kinds(user, kind=None):
    qs = Notification.objects.filter(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id"))


# --- Mentorship -------------------------------------------------------------------


def test_request_received_nudges_the_mentor_once():
    ms = MentorshipFactory()
    nudges_sweep()
    nudges_sweep()
    [item] = kinds(ms.mentor, Kind.MENTORSHIP_REQUEST)
    assert ms.student.name in item.title
    assert item.delivery == Delivery.IMMEDIATE
    assert item.url == "/mentors/mentorships/"
    assert OutboxMessage.objects.to_people([ms.mentor.pk]).count() == 1
    assert kinds(ms.student) == []


def test_old_requests_are_not_mailed_out_on_first_run():
    ms = MentorshipFactory()
    Mentorship.objects.filter(pk=ms.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    nudges_sweep()
    assert kinds(ms.mentor) == []


@pytest.mark.parametrize(
    ("status", "kind"),
    [("active", Kind.MENTORSHIP_ACCEPTED), ("declined", Kind.MENTORSHIP_DECLINED)],
)
def test_response_nudges_the_student(status, kind):
    ms = MentorshipFactory(status=status, responded_at=timezone.now())
    nudges_sweep()
    [item] = kinds(ms.student, kind)
    assert ms.mentor.name in item.title


def test_a_published_rounds_mentorship_nudges_both_sides_not_as_an_acceptance():
    from apps.matching.models import ProposedPair
    from tests.matching.factories import RoundFactory

    now = timezone.now()
    ms = MentorshipFactory(status="active", responded_at=now, started_at=now)
    ProposedPair.objects.create(
        round=RoundFactory(status="published", published_at=now),
        student=ms.student,
        mentor=ms.mentor,
    )
    nudges_sweep()
    nudges_sweep()
    [to_student] = kinds(ms.student)
    [to_mentor] = kinds(ms.mentor)
    assert (to_student.kind, to_mentor.kind) == (Kind.MENTORSHIP_MATCHED,) * 2
    assert ms.mentor.name in to_student.title
    assert ms.student.name in to_mentor.title
    assert OutboxMessage.objects.filter(kind=Kind.MENTORSHIP_MATCHED).count() == 2


def test_mentorship_kinds_default_to_straight_away():
    mentorship_kinds = [k for k in Kind.values if k.startswith("mentorship_")]
    assert len(mentorship_kinds) == 5
    assert {get_rule(k).default_mode for k in mentorship_kinds} == {Mode.IMMEDIATE}


def test_expiring_request_nudges_the_mentor_within_two_days_only():
    soon = MentorshipFactory(expires_at=timezone.now() + dt.timedelta(hours=30))
    later = MentorshipFactory(expires_at=timezone.now() + dt.timedelta(days=5))
    nudges_sweep()
    assert len(kinds(soon.mentor, Kind.MENTORSHIP_EXPIRING)) == 1
    assert kinds(later.mentor, Kind.MENTORSHIP_EXPIRING) == []


# --- Milestones, with local dates --------------------------------------------------


def test_milestone_due_soon_and_not_later_or_done():
    now = timezone.now()
    today = now.astimezone(ZoneInfo("Europe/London")).date()
    due = MilestoneFactory(target_date=today + dt.timedelta(days=2))
    owner = due.plan.owner
    MilestoneFactory(plan=due.plan, target_date=today + dt.timedelta(days=6))
    MilestoneFactory(plan=due.plan, target_date=today + dt.timedelta(days=1), status=Status.DONE)
    nudges_sweep(now=now)
    [item] = kinds(owner, Kind.MILESTONE_DUE)
    assert item.object_id == due.pk
    assert "in 2 days" in item.title
    assert item.url == f"/plans/milestones/{due.pk}/"
    assert item.delivery == Delivery.DAILY


@pytest.mark.parametrize(
    ("tz", "expected"),
    # 11:30 UTC on 25 Nov is already 26 Nov in Auckland, still 25 Nov in Honolulu.
    [("Pacific/Auckland", "tomorrow"), ("Pacific/Honolulu", "in 2 days")],
)
def test_milestone_days_left_count_the_owners_local_date(tz, expected):
    now = dt.datetime(2026, 11, 25, 11, 30, tzinfo=UTC)
    owner = UserFactory(is_student=True, timezone=tz)
    MilestoneFactory(plan=PlanFactory(owner=owner), target_date=dt.date(2026, 11, 27))
    nudges_sweep(now=now)
    [item] = kinds(owner, Kind.MILESTONE_DUE)
    assert expected in item.title


def test_overdue_repeats_weekly_not_daily():
    now = dt.datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday
    m = MilestoneFactory(target_date=dt.date(2026, 11, 20))
    for day in range(3):
        nudges_sweep(now=now + dt.timedelta(days=day))
    assert len(kinds(m.plan.owner, Kind.MILESTONE_OVERDUE)) == 1
    nudges_sweep(now=now + dt.timedelta(days=7))
    assert len(kinds(m.plan.owner, Kind.MILESTONE_OVERDUE)) == 2


def test_completing_a_milestone_clears_its_unsent_nudge():
    today = timezone.localdate()
    m = MilestoneFactory(target_date=today + dt.timedelta(days=1))
    nudges_sweep()
    m.status = Status.DONE
    m.save(update_fields=["status"])
    assert notifications_clear_stale(user=m.plan.owner) == 1
    [item] = kinds(m.plan.owner, Kind.MILESTONE_DUE)
    assert item.read_at is not None
    assert item.queued_at is not None


# --- Preferences, pause, snooze ------------------------------------------------------


def test_kind_switched_off_writes_nothing():
    m = MilestoneFactory(target_date=timezone.localdate() + dt.timedelta(days=1))
    KindPreference.objects.create(user=m.plan.owner, kind=Kind.MILESTONE_DUE, mode=Mode.OFF)
    nudges_sweep()
    assert kinds(m.plan.owner) == []


def test_chosen_mode_decides_delivery():
    m = MilestoneFactory(target_date=timezone.localdate() + dt.timedelta(days=1))
    KindPreference.objects.create(user=m.plan.owner, kind=Kind.MILESTONE_DUE, mode=Mode.IMMEDIATE)
    nudges_sweep()
    [item] = kinds(m.plan.owner)
    assert item.delivery == Delivery.IMMEDIATE
    assert OutboxMessage.objects.to_people([m.plan.owner.pk]).get().notification == item


def test_holiday_pause_keeps_it_in_the_app_only():
    ms = MentorshipFactory()
    NudgeSettings.objects.create(
        user=ms.mentor, paused_until=timezone.localdate() + dt.timedelta(days=3)
    )
    nudges_sweep()
    [item] = kinds(ms.mentor)
    assert item.delivery == Delivery.NONE
    assert not OutboxMessage.objects.exists()


def test_snoozed_item_is_skipped_until_the_snooze_ends():
    now = timezone.now()
    m = MilestoneFactory(target_date=timezone.localdate() - dt.timedelta(days=3))
    Snooze.objects.create(
        user=m.plan.owner,
        kind=Kind.MILESTONE_OVERDUE,
        object_id=m.pk,
        until=now + dt.timedelta(days=3),
    )
    nudges_sweep(now=now)
    assert kinds(m.plan.owner) == []
    nudges_sweep(now=now + dt.timedelta(days=8))
    assert len(kinds(m.plan.owner)) == 1


# --- Research ----------------------------------------------------------------------


def test_follow_up_due_then_cleared_by_a_reply():
    owner = UserFactory(is_student=True)
    contact = ContactFactory(owner=owner, name="Prof. Ada", affiliation="", follow_up_due=True)
    nudges_sweep()
    [item] = kinds(owner, Kind.FOLLOW_UP_DUE)
    assert item.title == "Follow up with Prof. Ada"
    assert item.url == f"/research/outreach/{contact.pk}/"
    contact.status, contact.follow_up_on = ContactStatus.REPLIED, None
    contact.save(update_fields=["status", "follow_up_on"])
    assert notifications_clear_stale(user=owner) == 1
    item.refresh_from_db()
    assert item.read_at is not None


def _due_contacts(owner, count, today):
    return [
        ContactFactory(
            owner=owner,
            name=f"Prof. {i}",
            follow_up_due=True,
            follow_up_on=today - dt.timedelta(days=count - i),
        )
        for i in range(count)
    ]


def test_follow_ups_respect_the_default_weekly_cap_over_a_rolling_week():
    owner = UserFactory(is_student=True, timezone="UTC")
    now = timezone.now()
    oldest_first = _due_contacts(owner, 5, now.date())
    nudges_sweep(now=now, force=True)
    nudges_sweep(now=now + dt.timedelta(hours=2), force=True)
    first = kinds(owner, Kind.FOLLOW_UP_DUE)
    # The default cap is 3 (no preferences row); the oldest follow-ups go first.
    assert sorted(n.object_id for n in first) == [c.pk for c in oldest_first[:3]]
    nudges_sweep(now=now + dt.timedelta(days=6, hours=23), force=True)
    assert len(kinds(owner, Kind.FOLLOW_UP_DUE)) == 3
    # Seven days on, the week's budget is free again: the two left are nudged.
    nudges_sweep(now=now + dt.timedelta(days=7, minutes=1), force=True)
    assert {n.object_id for n in kinds(owner, Kind.FOLLOW_UP_DUE)} == {c.pk for c in oldest_first}


@pytest.mark.parametrize("cap", [0, 1, 4])
def test_follow_ups_respect_the_persons_own_weekly_cap(cap):
    from apps.research.services import research_preferences_update

    owner, other = UserFactory(is_student=True), UserFactory(is_student=True)
    research_preferences_update(user=owner, followup_weekly_cap=cap)
    _due_contacts(owner, 6, timezone.localdate())
    _due_contacts(other, 6, timezone.localdate())
    nudges_sweep(force=True)
    assert len(kinds(owner, Kind.FOLLOW_UP_DUE)) == cap
    assert len(kinds(other, Kind.FOLLOW_UP_DUE)) == 3


def test_a_snoozed_follow_up_does_not_use_up_the_weekly_cap():
    owner = UserFactory(is_student=True, timezone="UTC")
    contacts = _due_contacts(owner, 4, timezone.now().date())
    Snooze.objects.create(
        user=owner,
        kind=Kind.FOLLOW_UP_DUE,
        object_id=contacts[0].pk,
        until=timezone.now() + dt.timedelta(days=1),
    )
    nudges_sweep(force=True)
    assert sorted(n.object_id for n in kinds(owner)) == [c.pk for c in contacts[1:]]


def test_deadline_countdown_at_7_days_in_the_venues_time():
    venue = VenueFactory(title="NEURIPS")
    VenueDeadlineFactory(venue=venue, in_days=7)
    draft = DraftFactory(target_venue=venue, stage=Stage.DRAFTING)
    nudges_sweep()
    [item] = kinds(draft.owner, Kind.DEADLINE_COUNTDOWN)
    assert item.title.startswith("NEURIPS paper deadline in 7 days")
    assert "AoE" in item.body
    nudges_sweep()
    assert len(kinds(draft.owner, Kind.DEADLINE_COUNTDOWN)) == 1


def test_deadline_countdown_names_the_deadline_by_its_label():
    venue = VenueFactory(title="KDDX")
    VenueDeadlineFactory(venue=venue, in_days=7, label="Round 2")
    VenueDeadlineFactory(venue=venue, in_days=14, label="Round 3", kind="registration")
    draft = DraftFactory(target_venue=venue, stage=Stage.DRAFTING)
    nudges_sweep()
    titles = sorted(n.title for n in kinds(draft.owner, Kind.DEADLINE_COUNTDOWN))
    assert titles[0].startswith("KDDX paper deadline (Round 2) in 7 days")
    assert titles[1].startswith("KDDX registration deadline (Round 3) in 14 days")


def test_stalled_draft_before_a_deadline():
    venue = VenueFactory()
    VenueDeadlineFactory(venue=venue, in_days=20)
    stalled = DraftFactory(
        target_venue=venue, stage_changed_at=timezone.now() - dt.timedelta(days=20)
    )
    fresh = DraftFactory(target_venue=venue)
    nudges_sweep()
    assert len(kinds(stalled.owner, Kind.DRAFT_STALLED)) == 1
    assert kinds(fresh.owner, Kind.DRAFT_STALLED) == []


# --- Cards --------------------------------------------------------------------------


def test_cards_due_one_reminder_a_day_with_the_count():
    now = timezone.now()
    owner = UserFactory(is_student=True)
    for i in range(3):
        ReviewCard.objects.create(owner=owner, prompt=f"Q{i}", due=now - dt.timedelta(hours=1))
    ReviewCard.objects.create(owner=owner, prompt="later", due=now + dt.timedelta(days=2))
    nudges_sweep(now=now)
    nudges_sweep(now=now + dt.timedelta(minutes=5))
    [item] = kinds(owner, Kind.CARDS_DUE)
    assert item.title == "Review 3 maths cards due today"


def test_cards_paused_in_review_settings_are_quiet():
    owner = UserFactory(is_student=True)
    ReviewCard.objects.create(owner=owner, prompt="Q", due=timezone.now() - dt.timedelta(hours=1))
    ReviewSettings.objects.create(user=owner, paused_since=timezone.now())
    nudges_sweep()
    assert kinds(owner) == []


# --- Weekly summaries ---------------------------------------------------------------


def test_student_weekly_summary_on_their_day_and_never_empty():
    monday = dt.datetime(2026, 11, 23, 9, tzinfo=UTC)
    busy = MilestoneFactory(target_date=dt.date(2026, 11, 20)).plan.owner
    idle = PlanFactory().owner
    nudges_sweep(now=monday - dt.timedelta(days=1))  # Sunday: not their day
    assert kinds(busy, Kind.STUDENT_WEEKLY) == []
    nudges_sweep(now=monday)
    [item] = kinds(busy, Kind.STUDENT_WEEKLY)
    assert "1 overdue" in item.title
    assert item.delivery == Delivery.WEEKLY
    assert kinds(idle, Kind.STUDENT_WEEKLY) == []


def test_student_weekly_summary_on_a_chosen_day_in_their_own_zone():
    # Friday 20:00 in Honolulu is Saturday 06:00 UTC: the local day decides.
    friday_evening = dt.datetime(2026, 11, 28, 6, tzinfo=UTC)
    owner = MilestoneFactory(target_date=dt.date(2026, 11, 25)).plan.owner
    owner.timezone = "Pacific/Honolulu"
    owner.save(update_fields=["timezone"])
    NudgeSettings.objects.create(user=owner, weekly_day=NudgeSettings.Weekday.FRIDAY)
    default_day = MilestoneFactory(target_date=dt.date(2026, 11, 25)).plan.owner
    nudges_sweep(now=friday_evening - dt.timedelta(days=1))  # Thursday there
    assert kinds(owner, Kind.STUDENT_WEEKLY) == []
    nudges_sweep(now=friday_evening)
    nudges_sweep(now=friday_evening + dt.timedelta(hours=2), force=True)
    [item] = kinds(owner, Kind.STUDENT_WEEKLY)
    assert item.period == "2026-W48"
    # Someone on the default day (Monday) gets nothing on a Friday or Saturday.
    assert kinds(default_day, Kind.STUDENT_WEEKLY) == []


def test_someone_who_moved_off_the_default_day_gets_no_summary_on_it():
    monday = dt.datetime(2026, 11, 23, 9, tzinfo=UTC)
    owner = MilestoneFactory(target_date=dt.date(2026, 11, 20)).plan.owner
    NudgeSettings.objects.create(user=owner, weekly_day=NudgeSettings.Weekday.WEDNESDAY)
    nudges_sweep(now=monday)
    assert kinds(owner, Kind.STUDENT_WEEKLY) == []
    nudges_sweep(now=monday + dt.timedelta(days=2))
    assert len(kinds(owner, Kind.STUDENT_WEEKLY)) == 1


def test_mentor_weekly_digest_lists_mentees_sharing_their_plan():
    monday = dt.datetime(2026, 11, 23, 9, tzinfo=UTC)
    mentor = UserFactory(is_mentor=True)
    shared = MilestoneFactory(target_date=dt.date(2026, 11, 20)).plan.owner
    hidden = MilestoneFactory(target_date=dt.date(2026, 11, 20)).plan.owner
    MentorshipFactory(mentor=mentor, student=shared, status="active")
    MentorshipFactory(mentor=mentor, student=hidden, status="active", share_plan=False)
    nudges_sweep(now=monday)
    [item] = kinds(mentor, Kind.MENTOR_WEEKLY)
    assert shared.name in item.body
    assert "1 overdue" in item.body
    assert hidden.name not in item.body


# --- Digest slots across daylight-saving changes -------------------------------------


@pytest.mark.parametrize(
    ("day", "hour"),
    [
        (dt.date(2026, 3, 29), 1),  # London springs forward: 01:00 local never happens
        (dt.date(2026, 10, 25), 1),  # London falls back: 01:00 local happens twice
    ],
)
def test_daily_digest_once_per_local_day_across_dst(day, hour):
    user = UserFactory(timezone="Europe/London")
    NudgeSettings.objects.create(user=user, digest_hour=hour, weekdays_only=False)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=UTC) - dt.timedelta(hours=2)
    for step in range(0, 30 * 60, 20):  # every 20 minutes for 30 hours
        now = start + dt.timedelta(minutes=step)
        Notification.objects.create(
            user=user,
            kind=Kind.MENTORSHIP_ACCEPTED,
            object_id=step,
            period="",
            url="/",
            delivery=Delivery.DAILY,
            created_at=now,
        )
        nudges_sweep(now=now)
    periods = list(
        OutboxMessage.objects.to_people([user.pk])
        .order_by("period")
        .values_list("period", flat=True)
    )
    assert (
        periods
        == [str(day - dt.timedelta(days=1)), str(day), str(day + dt.timedelta(days=1))][
            -len(periods) :
        ]
    )
    assert str(day) in periods
    assert len(periods) == len(set(periods))


def test_weekday_only_daily_digest_waits_for_monday():
    user = UserFactory(timezone="UTC")
    saturday = dt.datetime(2026, 11, 28, 9, tzinfo=UTC)
    Notification.objects.create(
        user=user,
        kind=Kind.MENTORSHIP_ACCEPTED,
        object_id=1,
        url="/",
        delivery=Delivery.DAILY,
        created_at=saturday,
    )
    nudges_sweep(now=saturday)
    nudges_sweep(now=saturday + dt.timedelta(days=1))
    assert not OutboxMessage.objects.exists()
    nudges_sweep(now=saturday + dt.timedelta(days=2))
    assert OutboxMessage.objects.get().period == "2026-11-30"


def test_hourly_rules_run_once_an_hour_unless_forced(django_capture_on_commit_callbacks):
    def sweep(**kwargs):
        # The hour is marked done when the sweep commits.
        with django_capture_on_commit_callbacks(execute=True):
            nudges_sweep(**kwargs)

    rule = get_rule(Kind.MILESTONE_DUE)
    now = rule_next_period(rule=rule, now=dt.datetime(2026, 11, 25, 6, tzinfo=UTC))
    # A period begins there: the second before is the last one, the hour after is in it.
    period = [rule_is_due(rule=rule, now=now + dt.timedelta(seconds=s))[1] for s in (-1, 0, 3599)]
    assert period[0] != period[1] == period[2]
    plan = PlanFactory()
    MilestoneFactory(plan=plan, target_date=now.date() + dt.timedelta(days=1))
    sweep(now=now)
    assert len(kinds(plan.owner, Kind.MILESTONE_DUE)) == 1
    MilestoneFactory(plan=plan, target_date=now.date() + dt.timedelta(days=2))
    sweep(now=now + dt.timedelta(minutes=1))
    sweep(now=now + dt.timedelta(minutes=59))
    assert len(kinds(plan.owner, Kind.MILESTONE_DUE)) == 1
    sweep(now=now + dt.timedelta(minutes=2), force=True)
    assert len(kinds(plan.owner, Kind.MILESTONE_DUE)) == 2
    MilestoneFactory(plan=plan, target_date=now.date() + dt.timedelta(days=3))
    sweep(now=now + dt.timedelta(minutes=60))
    assert len(kinds(plan.owner, Kind.MILESTONE_DUE)) == 3


def test_clearing_for_some_people_leaves_everyone_else_alone():
    from apps.nudges.rules import all_rules, rules_clear

    now = timezone.now()
    mine, theirs = (
        MilestoneFactory(target_date=now.date() + dt.timedelta(days=1)) for _ in range(2)
    )
    nudges_sweep(now=now, force=True)
    for m in (mine, theirs):
        m.status = Status.DONE
        m.save(update_fields=["status"])
    cleared = rules_clear(rules=all_rules(), now=now, user_ids=[mine.plan.owner_id])
    assert cleared == 1
    assert kinds(mine.plan.owner)[0].read_at is not None
    assert kinds(theirs.plan.owner)[0].read_at is None
    assert rules_clear(rules=all_rules(), now=now, user_ids=[]) == 0
    # A sweep leaves them for the person's own clear: it does not look for them.
    nudges_sweep(now=now, force=True)
    assert kinds(theirs.plan.owner)[0].read_at is None
    assert rules_clear(rules=all_rules(), now=now, user_ids=[theirs.plan.owner_id]) == 1


def test_event_rules_run_every_sweep():
    now = timezone.now()
    nudges_sweep(now=now)
    ms = MentorshipFactory()
    nudges_sweep(now=now + dt.timedelta(minutes=1))
    assert len(kinds(ms.mentor, Kind.MENTORSHIP_REQUEST)) == 1


def test_event_rules_with_nothing_new_only_ask_and_write_when_something_is():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def writes(at):
        with CaptureQueriesContext(connection) as ctx:
            nudges_sweep(now=at)
        return [
            q["sql"] for q in ctx.captured_queries if "INSERT INTO nudges_notification" in q["sql"]
        ]

    now = timezone.now()
    ms = MentorshipFactory()
    # A pending request that has had its nudge: only the cheap question is asked.
    assert writes(now)
    assert len(kinds(ms.mentor, Kind.MENTORSHIP_REQUEST)) == 1
    assert not any("'mentorship_request'" in sql for sql in writes(now + dt.timedelta(minutes=1)))
    # A new one is written in the next sweep.
    other = MentorshipFactory(mentor=ms.mentor)
    assert any("'mentorship_request'" in sql for sql in writes(now + dt.timedelta(minutes=2)))
    assert {n.object_id for n in kinds(ms.mentor, Kind.MENTORSHIP_REQUEST)} == {ms.pk, other.pk}


def test_zones_in_use_lists_each_zone_of_the_people_once():
    from apps.nudges.rules import zones_in_use

    for zone in ("Asia/Kolkata", "Asia/Kolkata", "America/Sao_Paulo"):
        UserFactory(timezone=zone)
    assert {"Asia/Kolkata", "America/Sao_Paulo"} <= set(zones_in_use())
    assert len(zones_in_use()) == len(set(zones_in_use()))


def test_local_calendar_leaves_out_a_zone_it_does_not_know():
    from apps.nudges.rules import local_calendar

    calendar = local_calendar(dt.datetime(2026, 11, 27, 12, tzinfo=UTC), ["Not/AZone", "UTC"])
    assert calendar["tz_names"] == ["UTC"]
    assert calendar["tz_dates"] == [dt.date(2026, 11, 27)]


@pytest.mark.parametrize("kind", [Kind.MILESTONE_DUE, Kind.MILESTONE_OVERDUE])
def test_milestone_rules_filter_on_the_open_milestones_index_expression(kind):
    # The rules must filter on exactly the expression of `milestone_open_target_date`
    # (its statistics are what keep the sweep's plan small); were the two to drift
    # apart, PostgreSQL could no longer use the index at all. The rule uses the
    # expression, and PostgreSQL matches it to the index: checked on an empty copy of
    # the table whose only index is a copy of that one, so that no other index (whose
    # choice depends on the statistics of the moment) can stand in.
    from django.db import connection, transaction

    from apps.milestones.nudges import open_date

    open_expression = open_date()
    assert open_expression in get_rule(kind).sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indexrelid = 'milestone_open_target_date'::regclass"
        )
        (definition,) = cursor.fetchone()
        _, expression = definition.split(" USING ", 1)
        cursor.execute("CREATE TEMP TABLE probe (LIKE milestones_milestone) ON COMMIT DROP")
        cursor.execute(f"CREATE INDEX probe_open_date ON probe USING {expression}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT 1 FROM probe m WHERE {open_expression} <= %s",  # noqa: S608 (code constant)
            [dt.date(2026, 11, 28)],
        )
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "probe_open_date" in plan
    assert "Index Cond" in plan, plan
