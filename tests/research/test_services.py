import datetime as dt

import pytest
from django.utils import timezone

from apps.research import services
from apps.research.models import ContactStatus, DraftStageChange, InteractionKind, Stage
from tests.research.conftest import make_mentorship
from tests.research.factories import ContactFactory, DraftFactory, VenueFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 2)


def test_draft_create_records_the_initial_stage(student, mentor):
    make_mentorship(student, mentor)
    venue = VenueFactory()
    draft = services.draft_create(
        owner=student,
        title="Sparse rewards",
        stage=Stage.OUTLINE,
        target_venue=venue,
        coauthor_users=[mentor, student],
    )
    assert draft.stage == Stage.OUTLINE
    assert list(draft.coauthor_users.all()) == [mentor]
    (change,) = draft.stage_changes.all()
    assert (change.from_stage, change.to_stage) == ("", Stage.OUTLINE)
    assert change.changed_at == draft.stage_changed_at


def test_draft_create_refuses_unknown_fields(student):
    with pytest.raises(TypeError):
        services.draft_create(owner=student, title="x", owner_id=3)


def test_stage_changes_are_recorded_with_their_date(student):
    draft = DraftFactory(owner=student, stage=Stage.IDEA)
    first = timezone.now() + dt.timedelta(days=1)
    second = first + dt.timedelta(days=3)
    services.draft_change_stage(draft=draft, stage=Stage.OUTLINE, by=student, now=first)
    services.draft_change_stage(draft=draft, stage=Stage.DRAFTING, by=student, now=second)
    draft.refresh_from_db()
    assert draft.stage == Stage.DRAFTING
    assert draft.stage_changed_at == second
    path = list(draft.stage_changes.values_list("from_stage", "to_stage", "changed_at"))
    assert path[1:] == [
        (Stage.IDEA, Stage.OUTLINE, first),
        (Stage.OUTLINE, Stage.DRAFTING, second),
    ]


def test_moving_to_the_current_stage_records_nothing(student):
    draft = DraftFactory(owner=student, stage=Stage.IDEA)
    assert services.draft_change_stage(draft=draft, stage=Stage.IDEA, by=student) is None
    assert DraftStageChange.objects.filter(draft=draft).count() == 1


def test_unknown_stage_is_refused(student):
    draft = DraftFactory(owner=student)
    with pytest.raises(ValueError, match="retracted"):
        services.draft_change_stage(draft=draft, stage="retracted", by=student)


def test_email_sent_sets_follow_up_from_per_contact_interval(student):
    contact = ContactFactory(owner=student, follow_up_days=7)
    services.interaction_log(contact=contact, kind=InteractionKind.EMAIL_SENT, occurred_on=DAY)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.EMAILED
    assert contact.last_emailed_on == DAY
    assert contact.follow_up_on == DAY + dt.timedelta(days=7)


def test_default_follow_up_is_ten_days(student):
    contact = ContactFactory(owner=student)
    services.interaction_log(contact=contact, kind=InteractionKind.EMAIL_SENT, occurred_on=DAY)
    contact.refresh_from_db()
    assert contact.follow_up_on == dt.date(2026, 11, 12)


def test_reply_clears_follow_up_and_a_later_email_restarts_it(student):
    contact = ContactFactory(owner=student)
    services.interaction_log(contact=contact, kind=InteractionKind.EMAIL_SENT, occurred_on=DAY)
    services.interaction_log(contact=contact, kind=InteractionKind.REPLY_RECEIVED, occurred_on=DAY)
    contact.refresh_from_db()
    assert (contact.status, contact.follow_up_on) == (ContactStatus.REPLIED, None)
    later = DAY + dt.timedelta(days=5)
    services.interaction_log(contact=contact, kind=InteractionKind.EMAIL_SENT, occurred_on=later)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.EMAILED
    assert contact.follow_up_on == later + dt.timedelta(days=10)


def test_back_dated_email_after_a_reply_does_not_reopen_the_follow_up(student):
    contact = ContactFactory(owner=student)
    services.interaction_log(contact=contact, kind=InteractionKind.REPLY_RECEIVED, occurred_on=DAY)
    services.interaction_log(
        contact=contact, kind=InteractionKind.EMAIL_SENT, occurred_on=DAY - dt.timedelta(days=3)
    )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.REPLIED
    assert contact.follow_up_on is None
    assert contact.last_emailed_on == DAY - dt.timedelta(days=3)


def test_meeting_sets_status_and_clears_follow_up(student):
    contact = ContactFactory(owner=student)
    services.interaction_log(contact=contact, kind=InteractionKind.EMAIL_SENT, occurred_on=DAY)
    services.interaction_log(
        contact=contact, kind=InteractionKind.MEETING, occurred_on=DAY + dt.timedelta(days=2)
    )
    contact.refresh_from_db()
    assert (contact.status, contact.follow_up_on) == (ContactStatus.MEETING_SCHEDULED, None)


def test_changing_the_interval_moves_a_pending_follow_up_and_closing_clears_it(student):
    contact = ContactFactory(owner=student)
    services.interaction_log(contact=contact, kind=InteractionKind.EMAIL_SENT, occurred_on=DAY)
    services.contact_update(contact=contact, follow_up_days=21)
    assert contact.follow_up_on == DAY + dt.timedelta(days=21)
    services.contact_update(contact=contact, status=ContactStatus.NO_REPLY_CLOSED)
    contact.refresh_from_db()
    assert (contact.status, contact.follow_up_on) == (ContactStatus.NO_REPLY_CLOSED, None)


def test_preferences_update_is_idempotent(student):
    services.research_preferences_update(user=student, followup_weekly_cap=5)
    prefs = services.research_preferences_update(user=student, followup_weekly_cap=1)
    assert prefs.followup_weekly_cap == 1
    assert type(prefs).objects.filter(user=student).count() == 1
