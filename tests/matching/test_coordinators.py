"""Co-coordinators: the coordinator role comes only from staff or from an invitation by a
coordinator of the programme, accepted by the person who confirmed the invited address;
every coordinator of a programme has the same rights, and a programme keeps at least one."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.matching import coordinators, selectors
from apps.matching.models import CoordinatorInvitation, Programme, ProgrammeCoordinator
from apps.matching.services import MatchingError
from tests.accounts.factories import UserFactory
from tests.matching.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(coordinator):
    return ProgrammeFactory(coordinator=coordinator, name="Fellows")


def _invite(programme, inviter, email="co@example.org"):
    return coordinators.coordinator_invite(programme=programme, inviter=inviter, emails=[email])[0]


def test_invitation_is_mailed_after_commit_and_acceptance_grants_the_role(
    programme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(programme, coordinator)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["co@example.org"]
    assert "co-coordinate Fellows" in mail.outbox[0].subject
    assert str(invitation.token) in mail.outbox[0].body
    invitee = UserFactory(email="co@example.org", is_mentor=True)
    assert not selectors.is_programme_coordinator(user=invitee, programme=programme)

    coordinators.coordinator_invitation_accept(invitation=invitation, user=invitee)

    invitee.refresh_from_db()
    assert invitee.is_coordinator
    assert invitee.is_mentor
    assert selectors.is_programme_coordinator(user=invitee, programme=programme)
    link = ProgrammeCoordinator.objects.get(programme=programme, user=invitee)
    assert link.added_by == coordinator
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee


def test_a_rolled_back_invitation_sends_nothing(programme, coordinator):
    # Without the on-commit callbacks running (the test's transaction never commits),
    # nothing is mailed: the email waits for the commit.
    _invite(programme, coordinator)
    assert mail.outbox == []


def test_staff_may_invite_to_any_programme(programme):
    staff = UserFactory(is_staff=True)
    assert _invite(programme, staff).invited_by == staff


@pytest.mark.parametrize("kind", ["student", "coordinator_elsewhere", "withdrawn_coordinator"])
def test_an_outsider_cannot_invite(programme, coordinator, kind):
    if kind == "student":
        outsider = UserFactory(is_student=True)
    elif kind == "coordinator_elsewhere":
        outsider = ProgrammeFactory().coordinators.get()
    else:
        User.objects.filter(pk=coordinator.pk).update(is_coordinator=False)
        outsider = User.objects.get(pk=coordinator.pk)

    with pytest.raises(MatchingError, match="Only the programme's coordinators"):
        _invite(programme, outsider)

    assert not CoordinatorInvitation.objects.exists()


def test_no_one_accepts_someone_elses_invitation(programme, coordinator):
    invitation = _invite(programme, coordinator)
    intruder = UserFactory(email="intruder@example.org")

    with pytest.raises(MatchingError, match=r"sent to co@example\.org"):
        coordinators.coordinator_invitation_accept(invitation=invitation, user=intruder)

    intruder.refresh_from_db()
    assert not intruder.is_coordinator
    assert list(programme.coordinators.all()) == [coordinator]


def test_an_unconfirmed_address_cannot_accept(programme, coordinator):
    invitation = _invite(programme, coordinator)
    invitee = UserFactory(email="co@example.org", verified=False)
    EmailAddress.objects.create(user=invitee, email="co@example.org", verified=False)

    with pytest.raises(MatchingError, match="confirm it first"):
        coordinators.coordinator_invitation_accept(invitation=invitation, user=invitee)

    assert not User.objects.get(pk=invitee.pk).is_coordinator


def test_a_confirmed_secondary_address_may_accept(programme, coordinator):
    invitation = _invite(programme, coordinator)
    invitee = UserFactory(email="main@example.org")
    EmailAddress.objects.create(user=invitee, email="Co@Example.org", verified=True)

    coordinators.coordinator_invitation_accept(invitation=invitation, user=invitee)

    assert selectors.is_programme_coordinator(user=invitee, programme=programme)


def test_an_accepted_invitation_cannot_be_used_by_another_account(programme, coordinator):
    invitation = _invite(programme, coordinator)
    first = UserFactory(email="co@example.org")
    coordinators.coordinator_invitation_accept(invitation=invitation, user=first)
    # The address moved to another account after the first accepted.
    EmailAddress.objects.filter(user=first).delete()
    second = UserFactory(email="other@example.org")
    EmailAddress.objects.create(user=second, email="co@example.org", verified=True)

    with pytest.raises(MatchingError, match="already been used"):
        coordinators.coordinator_invitation_accept(invitation=invitation, user=second)

    assert not selectors.is_programme_coordinator(user=second, programme=programme)


def test_inviting_validates_and_caps(programme, coordinator, monkeypatch):
    with pytest.raises(MatchingError, match="at least one"):
        coordinators.coordinator_invite(programme=programme, inviter=coordinator, emails=[" "])
    too_many = [
        f"p{n}@example.org" for n in range(coordinators.COORDINATOR_INVITATIONS_PER_REQUEST + 1)
    ]
    with pytest.raises(MatchingError, match="at most"):
        coordinators.coordinator_invite(programme=programme, inviter=coordinator, emails=too_many)
    assert not CoordinatorInvitation.objects.exists()

    monkeypatch.setattr(coordinators, "COORDINATOR_INVITATIONS_PER_DAY", 3)
    emails = ["a@example.org", "b@example.org"]
    coordinators.coordinator_invite(programme=programme, inviter=coordinator, emails=emails)
    with pytest.raises(MatchingError, match="1 are left today"):
        coordinators.coordinator_invite(
            programme=programme, inviter=coordinator, emails=["c@example.org", "d@example.org"]
        )
    # An address already invited is not invited, nor counted, again.
    again = coordinators.coordinator_invite(
        programme=programme, inviter=coordinator, emails=["A@example.org", "c@example.org"]
    )
    assert [i.email for i in again] == ["c@example.org"]
    CoordinatorInvitation.objects.update(
        created_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    coordinators.coordinator_invite(
        programme=programme, inviter=coordinator, emails=["d@example.org", "e@example.org"]
    )
    assert CoordinatorInvitation.objects.count() == 5


def test_invitation_batches_share_the_hourly_allowance(programme, coordinator, monkeypatch):
    from apps.matching import programmes

    monkeypatch.setattr(programmes, "INVITATION_BATCHES_PER_HOUR", 1)
    _invite(programme, coordinator, "a@example.org")

    with pytest.raises(MatchingError, match="try again later"):
        _invite(programme, coordinator, "b@example.org")


def test_a_coordinator_removes_a_co_coordinator_but_never_the_last(programme, coordinator):
    co = UserFactory(is_coordinator=True)
    programme.coordinators.add(co)

    coordinators.coordinator_remove(programme=programme, by=co, user_id=coordinator.pk)

    assert list(programme.coordinators.all()) == [co]
    # The role stays: it may serve other programmes.
    assert User.objects.get(pk=coordinator.pk).is_coordinator
    with pytest.raises(MatchingError, match="needs a coordinator"):
        coordinators.coordinator_remove(programme=programme, by=co, user_id=co.pk)
    assert list(programme.coordinators.all()) == [co]


def test_a_removed_or_outside_coordinator_cannot_remove(programme, coordinator):
    co = UserFactory(is_coordinator=True)
    programme.coordinators.add(co)
    outsider = ProgrammeFactory().coordinators.get()

    with pytest.raises(MatchingError, match="Only the programme's coordinators"):
        coordinators.coordinator_remove(programme=programme, by=outsider, user_id=co.pk)
    with pytest.raises(MatchingError, match="does not coordinate"):
        coordinators.coordinator_remove(programme=programme, by=co, user_id=outsider.pk)

    assert programme.coordinators.count() == 2


def test_a_co_coordinator_sees_the_programme_and_no_other(programme, coordinator):
    co = UserFactory(is_coordinator=True)
    programme.coordinators.add(co)
    other = ProgrammeFactory(name="Other")

    for user in (coordinator, co):
        assert list(selectors.programmes_for_coordinator(user=user)) == [programme]
    assert not selectors.is_programme_coordinator(user=co, programme=other)


def test_the_role_withdrawn_by_staff_ends_every_hold(programme, coordinator):
    User.objects.filter(pk=coordinator.pk).update(is_coordinator=False)
    coordinator.refresh_from_db()

    assert not selectors.is_programme_coordinator(user=coordinator, programme=programme)
    assert not selectors.programmes_for_coordinator(user=coordinator).exists()


def test_creating_a_programme_makes_its_creator_the_coordinator(coordinator):
    from apps.matching import programmes

    programme = programmes.programme_create(coordinator=coordinator, name="New")

    assert list(Programme.objects.get(pk=programme.pk).coordinators.all()) == [coordinator]


def test_staff_adding_a_coordinator_in_the_admin_grants_the_role(client, programme, coordinator):
    admin = UserFactory(is_staff=True, is_superuser=True)
    # The admin opens only to staff with two-factor authentication on.
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    newcomer = UserFactory(is_mentor=True)
    client.force_login(admin)
    link = ProgrammeCoordinator.objects.get(programme=programme)
    prefix = "coordinator_links"
    response = client.post(
        reverse("admin:matching_programme_change", args=[programme.pk]),
        {
            "name": programme.name,
            "description": "",
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-MIN_NUM_FORMS": "1",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-id": link.pk,
            f"{prefix}-0-programme": programme.pk,
            f"{prefix}-0-user": coordinator.pk,
            f"{prefix}-1-programme": programme.pk,
            f"{prefix}-1-user": newcomer.pk,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:matching_programme_changelist")
    newcomer.refresh_from_db()
    assert newcomer.is_coordinator
    assert ProgrammeCoordinator.objects.get(programme=programme, user=newcomer).added_by == admin


def test_deleting_an_account_takes_the_programmes_run_alone_and_keeps_shared_ones(coordinator):
    from apps.accounts import services as account_services

    alone = ProgrammeFactory(coordinator=coordinator)
    shared = ProgrammeFactory(coordinator=coordinator)
    co = UserFactory(is_coordinator=True)
    shared.coordinators.add(co)

    account_services.user_delete(user=coordinator)

    assert not Programme.objects.filter(pk=alone.pk).exists()
    assert list(Programme.objects.get(pk=shared.pk).coordinators.all()) == [co]


def test_the_data_download_lists_programmes_and_invitations(programme, coordinator):
    from apps.accounts import services as account_services

    _invite(programme, coordinator)

    data = account_services.user_export_data(user=coordinator)["matching"]

    assert [p["name"] for p in data["programmes_coordinated"]] == ["Fellows"]
    assert [i["email"] for i in data["coordinator_invitations_sent"]] == ["co@example.org"]
