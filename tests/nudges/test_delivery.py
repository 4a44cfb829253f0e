"""The outbox: claiming, sending, retrying, failing, digests and the management command."""

import datetime as dt
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from apps.nudges import conf
from apps.nudges.emails import unsubscribe_load
from apps.nudges.models import (
    DIGEST_DAILY,
    Delivery,
    Kind,
    KindPreference,
    Mode,
    Notification,
    OutboxMessage,
    Snooze,
)
from apps.nudges.services import (
    is_transient,
    nudges_sweep,
    outbox_claim,
    outbox_send_batch,
    outbox_send_due,
    retry_delay,
)
from tests.accounts.factories import UserFactory
from tests.nudges.backends import FailingBackend
from tests.nudges.factories import MentorshipFactory, NotificationFactory, OutboxFactory

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


@pytest.fixture
def failing_backend(settings):
    settings.EMAIL_BACKEND = "tests.nudges.backends.FailingBackend"
    yield FailingBackend
    FailingBackend.fail_with = None


def test_immediate_email_has_parts_headers_and_deep_link():
    ms = MentorshipFactory()
    nudges_sweep()
    outbox_send_due()
    [email] = mail.outbox
    assert email.to == [ms.mentor.email]
    assert email.subject == f"Reply to {ms.student.name}'s mentorship request"
    assert "http://127.0.0.1:8000/mentors/mentorships/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://127.0.0.1:8000/mentors/mentorships/"' in html
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_load(token) == (ms.mentor.pk, Kind.MENTORSHIP_REQUEST)
    row = OutboxMessage.objects.get()
    assert row.status == Status.SENT
    assert row.sent_at
    assert row.subject == email.subject
    assert Notification.objects.get().emailed_at is not None


def test_rerunning_sweep_and_send_never_sends_twice():
    MentorshipFactory()
    for _ in range(3):
        nudges_sweep()
        outbox_send_due()
    assert len(mail.outbox) == 1


def test_claim_takes_only_due_rows_and_leases_them():
    due = OutboxFactory()
    OutboxFactory(next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    OutboxFactory(status=Status.SENT)
    due_at = due.next_attempt_at
    assert outbox_claim(limit=10) == [due.pk]
    assert outbox_claim(limit=10) == []  # leased
    due.refresh_from_db()
    assert due.attempts == 1
    assert due.claimed_at is not None
    assert due.leased_until == due.claimed_at + dt.timedelta(seconds=conf.CLAIM_LEASE_SECONDS)
    assert due.next_attempt_at == due_at  # the lease lives in its own column


def test_claim_rewrites_rows_without_new_index_entries():
    from django.db import connection

    def updates() -> tuple[int, int]:
        # This transaction's own counters: rows updated, and of those, HOT updates.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_stat_get_xact_tuples_updated(c.oid), "
                "pg_stat_get_xact_tuples_hot_updated(c.oid) "
                "FROM pg_class c WHERE c.relname = 'nudges_outboxmessage'"
            )
            updated, hot = cursor.fetchone()
        return updated, hot

    OutboxFactory.create_batch(5)
    before = updates()
    assert len(outbox_claim(limit=10)) == 5
    after = updates()
    assert (after[0] - before[0], after[1] - before[1]) == (5, 5)


def test_the_knobs_are_read_from_the_settings_when_used(settings):
    settings.NUDGES_CLAIM_LEASE_SECONDS = 7
    row = OutboxFactory()
    now = timezone.now()
    outbox_claim(limit=1, now=now)
    row.refresh_from_db()
    assert row.leased_until == now + dt.timedelta(seconds=7)
    assert conf.CLAIM_LEASE_SECONDS == 7
    with pytest.raises(AttributeError):
        conf.SWEEP_CONNECTIONS  # noqa: B018 (no such knob)


def test_leased_rows_are_not_due_until_the_lease_runs_out():
    from apps.nudges.selectors import outbox_due

    rows = OutboxFactory.create_batch(2)
    now = timezone.now()
    [claimed] = outbox_claim(limit=1, now=now)
    assert list(outbox_due(now=now).values_list("pk", flat=True)) == [
        r.pk for r in rows if r.pk != claimed
    ]
    later = now + dt.timedelta(seconds=conf.CLAIM_LEASE_SECONDS + 1)
    assert outbox_due(now=later).count() == 2  # the lease ran out: the worker died


def test_row_of_a_dead_worker_is_reclaimed_after_the_lease():
    row = OutboxFactory()
    now = timezone.now()
    outbox_claim(limit=10, now=now)  # the worker then dies without sending
    assert (
        outbox_claim(limit=10, now=now + dt.timedelta(seconds=conf.CLAIM_LEASE_SECONDS - 1)) == []
    )
    assert outbox_claim(limit=10, now=now + dt.timedelta(seconds=conf.CLAIM_LEASE_SECONDS + 1)) == [
        row.pk
    ]


def test_a_stale_claimant_cannot_mark_a_reclaimed_row(failing_backend):
    row = OutboxFactory()
    outbox_claim(limit=1)
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_at=timezone.now() + dt.timedelta(1))
    row.refresh_from_db()
    from apps.nudges.delivery import _mark_sent

    stale = OutboxMessage.objects.get(pk=row.pk)
    stale.claimed_at = timezone.now() - dt.timedelta(hours=1)
    _mark_sent(stale, subject="s", included_ids=[], consumed_ids=[])
    assert OutboxMessage.objects.get(pk=row.pk).status == Status.PENDING


def test_transient_error_retries_with_backoff_then_succeeds(failing_backend):
    row = OutboxFactory()
    failing_backend.fail_with = smtplib.SMTPServerDisconnected("gone")
    result = outbox_send_batch()
    assert result.retried == 1
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=conf.RETRY_BASE_SECONDS - 5)
    failing_backend.fail_with = None
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox_send_batch().sent == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert row.last_error == ""


def test_transient_errors_stop_at_the_attempt_limit(failing_backend):
    row = OutboxFactory(attempts=conf.MAX_ATTEMPTS - 1)
    failing_backend.fail_with = ConnectionRefusedError("refused")
    assert outbox_send_batch().failed == 1
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert "ConnectionRefusedError" in row.last_error


def test_permanent_smtp_error_is_recorded_not_retried(failing_backend):
    row = OutboxFactory()
    failing_backend.fail_with = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no")})
    assert outbox_send_batch().failed == 1
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert "SMTPRecipientsRefused" in row.last_error


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (smtplib.SMTPResponseException(451, b"try later"), True),
        (smtplib.SMTPResponseException(554, b"rejected"), False),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (smtplib.SMTPRecipientsRefused({"a": (450, b"later")}), True),
        (smtplib.SMTPNotSupportedError(), False),
        (TimeoutError(), True),
        (ConnectionResetError(), True),
        (ValueError("bug"), False),
    ],
)
def test_transient_classification(exc, transient):
    assert is_transient(exc) is transient


def test_backoff_grows_exponentially_and_is_capped():
    assert retry_delay(1) == dt.timedelta(seconds=conf.RETRY_BASE_SECONDS)
    assert retry_delay(3) == dt.timedelta(seconds=conf.RETRY_BASE_SECONDS * 4)
    assert retry_delay(50) == dt.timedelta(seconds=conf.RETRY_MAX_SECONDS)


def test_read_or_switched_off_items_are_skipped_not_sent():
    read = OutboxFactory(notification__read_at=timezone.now())
    off = OutboxFactory()
    KindPreference.objects.create(user=off.recipient, kind=off.kind, mode=Mode.OFF)
    snoozed = OutboxFactory()
    Snooze.objects.create(
        user=snoozed.recipient,
        kind=snoozed.kind,
        object_id=snoozed.object_id,
        until=timezone.now() + dt.timedelta(days=1),
    )
    result = outbox_send_batch()
    assert result.skipped == 3
    assert mail.outbox == []
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SKIPPED}
    assert OutboxMessage.objects.get(pk=read.pk).last_error


def _daily(user, n, **kw):
    return [
        NotificationFactory(user=user, kind=Kind.MENTORSHIP_ACCEPTED, delivery=Delivery.DAILY, **kw)
        for _ in range(n)
    ]


def test_daily_digest_gathers_items_at_the_local_hour():
    user = UserFactory(timezone="America/New_York")
    items = _daily(user, 2)
    # 12:00 UTC is 07:00 in New York in November: before the default 08:00.
    early = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    Notification.objects.update(created_at=early - dt.timedelta(hours=1))
    nudges_sweep(now=early)
    assert not OutboxMessage.objects.exists()
    nudges_sweep(now=early + dt.timedelta(hours=1))
    row = OutboxMessage.objects.get()
    assert (row.kind, row.period) == (DIGEST_DAILY, "2026-11-24")
    outbox_send_due()
    [email] = mail.outbox
    assert email.subject == "Your Pacer digest: 2 things to do today"
    for item in items:
        assert item.title in email.body
    assert all(n.emailed_at for n in Notification.objects.all())
    # The same slot never makes a second digest, even with new items later that day.
    _daily(user, 1)
    nudges_sweep(now=early + dt.timedelta(hours=5))
    assert OutboxMessage.objects.count() == 1


def test_empty_digest_is_never_sent():
    user = UserFactory(timezone="UTC")
    _daily(user, 2, read_at=timezone.now())
    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)  # a Wednesday
    Notification.objects.update(created_at=now - dt.timedelta(hours=1))
    nudges_sweep(now=now)
    assert OutboxMessage.objects.count() == 1
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    result = outbox_send_due()
    assert result.skipped == 1
    assert mail.outbox == []
    # Its items are consumed, so no further digest slot falls due for them.
    assert Notification.objects.filter(queued_at__isnull=True).count() == 0


def test_a_nudge_that_stopped_being_true_after_the_sweep_is_not_emailed():
    from apps.milestones.models import Status as MilestoneStatus
    from tests.milestones.factories import MilestoneFactory

    m = MilestoneFactory(target_date=timezone.localdate() + dt.timedelta(days=1))
    KindPreference.objects.create(user=m.plan.owner, kind=Kind.MILESTONE_DUE, mode=Mode.IMMEDIATE)
    nudges_sweep(force=True)
    assert OutboxMessage.objects.get().status == Status.PENDING
    m.status = MilestoneStatus.DONE
    m.save(update_fields=["status"])
    result = outbox_send_due()
    assert (result.sent, result.skipped) == (0, 1)
    assert mail.outbox == []
    item = Notification.objects.get()
    assert item.read_at is not None
    assert item.emailed_at is None


def test_a_digest_leaves_out_what_stopped_being_true_since_the_sweep():
    from apps.milestones.models import Status as MilestoneStatus
    from tests.milestones.factories import MilestoneFactory, PlanFactory

    owner = UserFactory(timezone="UTC")
    plan = PlanFactory(owner=owner)
    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)  # a Wednesday, after 08:00
    done, _still_open = (
        MilestoneFactory(plan=plan, title=title, target_date=now.date() + dt.timedelta(days=1))
        for title in ("Submit the abstract", "Book the room")
    )
    nudges_sweep(now=now, force=True)
    assert OutboxMessage.objects.get().kind == DIGEST_DAILY
    done.status = MilestoneStatus.DONE
    done.save(update_fields=["status"])
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_send_due().sent == 1
    [email] = mail.outbox
    assert "Book the room" in email.body
    assert "Submit the abstract" not in email.body
    assert Notification.objects.get(object_id=done.pk).emailed_at is None


def test_send_nudges_dry_run_lists_and_changes_nothing():
    ms = MentorshipFactory()
    out = StringIO()
    call_command("send_nudges", "--dry-run", stdout=out)
    assert ms.mentor.email in out.getvalue()
    assert "1 email(s) would be sent" in out.getvalue()
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_send_nudges_sends():
    MentorshipFactory()
    out = StringIO()
    call_command("send_nudges", stdout=out)
    assert "1 sent" in out.getvalue()
    assert len(mail.outbox) == 1


def test_sweep_query_count_does_not_grow_with_rows(django_assert_max_num_queries):
    def run():
        with django_assert_max_num_queries(30) as ctx:
            nudges_sweep()
        return len(ctx.captured_queries)

    MentorshipFactory()
    small = run()
    for _ in range(20):
        MentorshipFactory()
    assert run() == small


def test_neither_the_sweep_nor_delivery_changes_database_settings():
    """Durability is the database's configuration: no statement of ours turns off
    ``synchronous_commit`` or retunes the planner, so a row marked sent stays sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MentorshipFactory()
    with CaptureQueriesContext(connection) as ctx:
        nudges_sweep(force=True)
        assert outbox_send_due().sent == 1
    statements = [" ".join(q["sql"].split()).upper() for q in ctx.captured_queries]
    assert statements
    assert not [
        sql
        for sql in statements
        if sql.startswith(("SET ", "RESET ", "ANALYZE", "VACUUM")) or "SET_CONFIG" in sql
    ]


@pytest.mark.parametrize(("reuse", "connections"), [(True, 1), (False, 3)])
def test_a_batch_shares_one_smtp_connection(settings, monkeypatch, reuse, connections):
    from django.core.mail.backends.smtp import EmailBackend

    from tests.nudges.harness import SmtpSink

    opened: list[smtplib.SMTP] = []

    class CountingSMTP(smtplib.SMTP):
        def __init__(self, *args, **kwargs):
            opened.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(EmailBackend, "connection_class", property(lambda self: CountingSMTP))
    sink = SmtpSink().start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        OutboxFactory.create_batch(3)
        assert outbox_send_batch(reuse_connection=reuse).sent == 3
    finally:
        sink.stop()
    assert sink.count == 3
    assert len(opened) == connections


# --- When waiting digests are looked at again ----------------------------------------

# The full pass over notifications waiting for a digest (not the one for new nudges).
WAITING_PASS = "WHERE n.queued_at IS NULL AND n.delivery IN"


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """A sweep whose commit hooks run (they keep the digest pass's mark); returns
    whether the full pass over waiting notifications ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(now):
        with (
            django_capture_on_commit_callbacks(execute=True),
            CaptureQueriesContext(connection) as ctx,
        ):
            nudges_sweep(now=now)
        return any(WAITING_PASS in q["sql"] for q in ctx.captured_queries)

    return run


def test_waiting_digests_are_looked_at_again_only_when_a_local_hour_turns(sweep):
    user = UserFactory(timezone="Europe/London")
    _daily(user, 1)
    early = dt.datetime(2026, 11, 24, 7, 5, tzinfo=dt.UTC)  # a Tuesday, 07:05 in London
    Notification.objects.update(created_at=early - dt.timedelta(hours=1))
    assert sweep(early)
    assert not sweep(early + dt.timedelta(minutes=30))
    assert not OutboxMessage.objects.exists()
    assert sweep(early + dt.timedelta(minutes=55))  # 08:00 in London
    row = OutboxMessage.objects.get()
    assert (row.kind, row.period) == (DIGEST_DAILY, "2026-11-24")


def test_an_earlier_digest_hour_takes_effect_at_the_next_sweep(
    sweep, django_capture_on_commit_callbacks
):
    from apps.nudges.models import NudgeSettings
    from apps.nudges.services import preferences_update

    user = UserFactory(timezone="UTC")
    NudgeSettings.objects.create(user=user, digest_hour=10)
    _daily(user, 1)
    now = dt.datetime(2026, 11, 24, 9, 15, tzinfo=dt.UTC)
    Notification.objects.update(created_at=now - dt.timedelta(hours=1))
    sweep(now)
    assert not OutboxMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        preferences_update(
            user=user, modes={}, digest_hour=9, weekly_day=1, weekdays_only=True, paused_until=None
        )
    assert sweep(now + dt.timedelta(minutes=1))
    assert OutboxMessage.objects.get().period == "2026-11-24"


def test_new_nudges_queue_their_digest_in_the_sweep_that_writes_them(sweep):
    UserFactory(timezone="Europe/London")
    now = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)  # 10:00 in London, a Tuesday
    sweep(now)  # this hour's pass, with nothing waiting
    ms = MentorshipFactory()
    KindPreference.objects.create(user=ms.mentor, kind=Kind.MENTORSHIP_REQUEST, mode=Mode.DAILY)
    assert not sweep(now + dt.timedelta(minutes=5))
    [item] = Notification.objects.filter(user=ms.mentor)
    assert item.delivery == Delivery.DAILY
    row = OutboxMessage.objects.to_people([ms.mentor.pk]).get()
    assert (row.kind, row.period) == (DIGEST_DAILY, "2026-11-24")


def test_the_outbox_leaves_room_on_each_page_for_claims_to_update_in_place():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'nudges_outboxmessage'")
        (options,) = cursor.fetchone()
    assert options == ["fillfactor=70"]
