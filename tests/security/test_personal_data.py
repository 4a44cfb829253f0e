"""Every table that names a person is in their data download (or left out for a stated
reason), and deleting the account leaves no row that names them.

The walk covers every model with a foreign key to the user or an email field: a new
one fails here until someone decides how export and deletion treat it.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.utils import timezone

from apps.accounts import services as account_services
from apps.accounts.models import User
from apps.matching.models import CohortInvitation, CoordinatorInvitation, ProposedPair
from apps.nudges.models import Kind, Notification, OutboxMessage, Snooze
from apps.readinglists.models import ImportCandidate, ImportDraft
from tests.accounts.factories import UserFactory
from tests.conversations.factories import MessageFactory
from tests.matching.factories import (
    CohortFactory,
    MembershipFactory,
    MentorshipFactory,
    RoundFactory,
)
from tests.meetings.factories import MeetingFactory
from tests.milestones.factories import CheckInFactory, MilestoneFactory, PlanFactory
from tests.nudges.factories import NotificationFactory, OutboxFactory
from tests.readinglists.factories import ReadingListFactory

# Where each table's rows appear in the download ("section.key"), or why they do not.
EXPORT = {
    "accounts.User": "account.email",
    "account.EmailAddress": "account.email_addresses",
    "socialaccount.SocialAccount": "account.social_accounts",
    "mfa.Authenticator": "account.two_factor",
    "admin.LogEntry": "not exported: the staff member's own record of admin changes",
    "matching.Mentorship": "matching.mentorships",
    "matching.MentorProfile": "matching.mentor_profile",
    "matching.StudentPreferences": "matching.student_preferences",
    "matching.MentorNote": "matching.mentor_notes_written",
    "matching.Programme": "matching.programmes_coordinated",
    "matching.ProgrammeCoordinator": "matching.programmes_coordinated",
    "matching.CoordinatorInvitation": "matching.coordinator_invitations_received",
    "matching.CohortMembership": "matching.cohort_memberships",
    "matching.CohortInvitation": "matching.invitations_received",
    "matching.RoundChoice": "matching.round_choices",
    "matching.ProposedPair": "matching.proposed_pairs",
    "milestones.Plan": "plans.plans",
    "milestones.MilestoneComment": "plans.comments_written",
    "milestones.CheckIn": "plans.checkins_written",
    "milestones.PlanTemplate": "plans.templates_written",
    "milestones.CalendarFeed": "plans.calendar_feed_enabled",
    "readinglists.ReadingList": "reading.lists",
    "readinglists.Progress": "reading.progress",
    "readinglists.Assignment": "reading.assignments",
    "readinglists.ImportDraft": "reading.pending_imports",
    "readinglists.CardImport": "reading.pending_card_imports",
    "readinglists.ReviewCard": "reading.review_cards",
    "readinglists.ReviewLog": "reading.review_log",
    "readinglists.ReviewSettings": "not exported: scheduling settings of the review deck",
    "research.Draft": "research.drafts",
    "research.DraftStageChange": "research.drafts",
    "research.Contact": "research.contacts",
    "research.ResearchPreferences": "research.followup_weekly_cap",
    "nudges.NudgeSettings": "nudges.settings",
    "nudges.KindPreference": "nudges.preferences",
    "nudges.Snooze": "nudges.snoozes",
    "nudges.Notification": "nudges.notifications",
    "nudges.OutboxMessage": "nudges.emails",
    "conversations.Message": "conversations.messages",
    "conversations.ReadMark": "conversations.read_positions",
    "conversations.EarlyExpiry": "not exported: it is the expired request's status, "
    "which matching.mentorships holds",
    "meetings.AvailabilitySettings": "meetings.availability",
    "meetings.WeeklySlot": "meetings.availability",
    "meetings.AvailabilityException": "meetings.availability",
    "meetings.Meeting": "meetings.meetings",
    "meetings.MeetingFeedback": "meeting_feedback.answers",
}

# Columns that do not cascade from the person, and what deletion does about them.
NOT_CASCADING = {
    "matching.Mentorship.ended_by": "set null; the mentorship itself cascades from both sides",
    "matching.CohortInvitation.invited_by": "set null; it belongs to the programme",
    "matching.CohortInvitation.accepted_by": "set null; invitations to the person are erased",
    "matching.CohortInvitation.email": "erased by the matching eraser (invitations_to)",
    "matching.ProgrammeCoordinator.added_by": "set null; the link belongs to the programme",
    "matching.CoordinatorInvitation.invited_by": "set null; it belongs to the programme",
    "matching.CoordinatorInvitation.accepted_by": "set null; invitations to the person are erased",
    "matching.CoordinatorInvitation.email": "erased by the matching eraser",
    "milestones.CheckIn.mentor": "set null; the check-in belongs to the student",
    "milestones.PlanTemplate.created_by": "set null; a published template stays for students",
    "research.DraftStageChange.changed_by": "set null; the history belongs to the draft",
    "research.Contact.email": "a contact's address; the contact cascades from its owner",
    "account.EmailAddress.email": "cascades from the person",
    "accounts.User.email": "the person's own row",
    "meetings.Meeting.booked_by": "set null; the meeting cascades from both its people",
    "meetings.Meeting.rescheduled_by": "set null; the meeting cascades from both its people",
    "meetings.Meeting.cancelled_by": "set null; the meeting cascades from both its people",
    "meetings.Meeting.agenda_updated_by": "set null; the meeting cascades from both its people",
}


def _person_columns() -> dict[str, list[models.Field]]:
    user_model = django_apps.get_model(settings.AUTH_USER_MODEL)
    found: dict[str, list[models.Field]] = {}
    for model in django_apps.get_models():
        for field in model._meta.get_fields():
            names_a_person = isinstance(field, models.EmailField) or (
                getattr(field, "concrete", False)
                and field.is_relation
                and field.related_model is user_model
            )
            if names_a_person:
                found.setdefault(model._meta.label, []).append(field)
    return found


def test_every_table_naming_a_person_has_an_export_decision():
    assert set(_person_columns()) == set(EXPORT)


def test_every_column_that_does_not_cascade_has_a_deletion_decision():
    undecided = []
    for label, fields in _person_columns().items():
        for field in fields:
            on_delete = getattr(getattr(field, "remote_field", None), "on_delete", None)
            cascades = on_delete is models.CASCADE or isinstance(field, models.ManyToManyField)
            if not cascades and f"{label}.{field.name}" not in NOT_CASCADING:
                undecided.append(f"{label}.{field.name}")

    assert undecided == []


@pytest.mark.django_db
def test_every_exported_section_named_above_exists_in_the_download():
    data = account_services.user_export_data(user=UserFactory())

    for label, where in EXPORT.items():
        if where.startswith("not exported: "):
            continue
        section, key = where.split(".", 1)
        assert key in data[section], label


def _full_life(person: User) -> dict[str, object]:
    """A person with rows of the kinds the review found left behind, and more."""
    mentor = UserFactory(is_mentor=True, display_name="Maya Mentor")
    mentorship = MentorshipFactory(student=person, mentor=mentor, share_plan=True)
    plan = PlanFactory(owner=person)
    MilestoneFactory(plan=plan)
    CheckInFactory(plan=plan, mentor=mentor)
    cohort = CohortFactory()
    MembershipFactory(cohort=cohort, user=person)
    CohortInvitation.objects.create(cohort=cohort, email=person.email.upper(), role="student")
    CoordinatorInvitation.objects.create(programme=cohort.programme, email=person.email)
    ProposedPair.objects.create(round=RoundFactory(cohort=cohort), student=person, mentor=mentor)
    Snooze.objects.create(user=person, kind=Kind.MILESTONE_DUE, object_id=1, until=timezone.now())
    reading_list = ReadingListFactory(owner=person)
    draft = ImportDraft.objects.create(
        reading_list=reading_list, created_by=person, filename="refs.bib"
    )
    ImportCandidate.objects.create(draft=draft, position=0, data={"title": "Pending paper"})
    # The mentor's own reminders about the person: one keyed by the mentorship, and a
    # weekly summary listing mentees by name; both were emailed.
    about = NotificationFactory(
        user=mentor,
        kind=Kind.MENTORSHIP_REQUEST,
        object_id=mentorship.pk,
        title=f"Reply to {person.display_name}'s mentorship request",
    )
    OutboxFactory(notification=about, subject=about.title, status=OutboxMessage.Status.SENT)
    NotificationFactory(
        user=mentor,
        kind=Kind.MENTOR_WEEKLY,
        object_id=0,
        period="2026-W01",
        title="Your mentees this week: 1 to check in with",
        body=f"{person.display_name}: 1 overdue, 0 due soon, 0 completed this week",
    )
    # A summary as the rule writes it now: facts about each mentee, by id and name.
    NotificationFactory(
        user=mentor,
        kind=Kind.MENTOR_WEEKLY,
        object_id=0,
        period="2026-W02",
        context={
            "count": 1,
            "inactive_days": 14,
            "mentees": [
                {"id": person.pk, "name": person.display_name, "overdue": 1, "upcoming": 0,
                 "done_week": 0, "inactive": False},
            ],
        },
    )  # fmt: skip
    # The mentor's notice of a message the person wrote, quoting them by name.
    message = MessageFactory(mentorship=mentorship, author=person, body="See you Thursday")
    MessageFactory(mentorship=mentorship, author=mentor, body="Reply")
    NotificationFactory(
        user=mentor,
        kind=Kind.MESSAGE_RECEIVED,
        object_id=message.pk,
        context={"sender": person.display_name, "excerpt": message.body, "truncated": False},
    )
    # A meeting with the mentor, and the mentor's reminder of it, naming the person.
    meeting = MeetingFactory(mentorship=mentorship, purpose="Plan the PhD applications")
    NotificationFactory(
        user=mentor,
        kind=Kind.MEETING_REMINDER,
        object_id=meeting.pk,
        period="h24-202612070900",
        context={"other": person.display_name, "hours": 24, "purpose": meeting.purpose},
    )
    unrelated = NotificationFactory(user=mentor, title="Finish your own milestone")
    return {"mentor": mentor, "unrelated": unrelated}


@pytest.mark.django_db
def test_the_download_holds_the_rows_the_review_found_missing(client):
    person = UserFactory(is_student=True, display_name="Zelda Quintessa")
    _full_life(person)
    client.force_login(person)

    data = json.loads(client.post("/account/export/").content)

    assert [m["role"] for m in data["matching"]["cohort_memberships"]] == ["student"]
    assert data["matching"]["invitations_received"][0]["email"] == person.email.upper()
    assert data["matching"]["proposed_pairs"][0]["student"] == person.email
    received = data["matching"]["coordinator_invitations_received"]
    assert [i["email"] for i in received] == [person.email]
    assert data["nudges"]["snoozes"][0]["kind"] == Kind.MILESTONE_DUE
    assert data["reading"]["pending_imports"][0]["filename"] == "refs.bib"
    assert data["reading"]["pending_imports"][0]["entries"] == [{"title": "Pending paper"}]
    assert [m["body"] for m in data["conversations"]["messages"]] == ["See you Thursday"]


def _rows_naming(person_id: int, email: str, name: str) -> list[str]:
    user_model = django_apps.get_model(settings.AUTH_USER_MODEL)
    left: list[str] = []
    for model in django_apps.get_models():
        for field in model._meta.concrete_fields:
            where = f"{model._meta.label}.{field.name}"
            if field.is_relation and field.related_model is user_model:
                if model._default_manager.filter(**{field.attname: person_id}).exists():
                    left.append(where)
            elif isinstance(field, models.CharField | models.TextField | models.JSONField):
                for needle in (email, name):
                    if model._default_manager.filter(**{f"{field.name}__icontains": needle}):
                        left.append(f"{where} contains {needle!r}")
        for m2m in model._meta.local_many_to_many:
            if m2m.related_model is user_model:
                through = m2m.remote_field.through
                column = m2m.m2m_reverse_field_name()
                if through._default_manager.filter(**{f"{column}_id": person_id}).exists():
                    left.append(f"{model._meta.label}.{m2m.name}")
    return left


@pytest.mark.django_db
def test_deleting_an_account_leaves_no_row_that_names_the_person(client):
    person = UserFactory(
        is_student=True, display_name="Zelda Quintessa", email="zelda.q@example.org"
    )
    cast = _full_life(person)
    # The person is also signed in on another device.
    other_device = Client()
    other_device.force_login(person)
    assert other_device.get("/home/").status_code == 200
    client.force_login(person)
    client.post("/accounts/reauthenticate/", {"password": UserFactory.PASSWORD})
    assert _rows_naming(person.pk, person.email, person.display_name) != []

    response = client.post("/account/delete/", {"confirm": "delete my account"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    assert _rows_naming(person.pk, "zelda.q@example.org", "Zelda Quintessa") == []
    live = [s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()]
    assert str(person.pk) not in live
    # Other people's own data stays.
    assert Notification.objects.filter(pk=cast["unrelated"].pk).exists()
    assert User.objects.filter(pk=cast["mentor"].pk).exists()
