"""Writes for programmes, their cohorts and cohort invitations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.core.enqueue import enqueue_on_commit
from apps.matching.models import (
    Cohort,
    CohortInvitation,
    CohortMembership,
    MemberRole,
    MentorProfile,
    Programme,
    ProgrammeCoordinator,
)
from apps.matching.selectors import is_programme_coordinator
from apps.matching.services import MatchingError

if TYPE_CHECKING:
    from apps.accounts.models import User


# --- Programmes, cohorts, invitations ----------------------------------------------------


@transaction.atomic
def programme_create(*, coordinator: User, name: str, description: str = "") -> Programme:
    if not coordinator.is_coordinator:
        raise MatchingError("Only coordinators can create programmes.")
    name = name.strip()
    if not name:
        raise MatchingError("A programme needs a name.")
    programme = Programme.objects.create(name=name, description=description.strip())
    ProgrammeCoordinator.objects.create(programme=programme, user=coordinator)
    return programme


def cohort_create(*, programme: Programme, name: str) -> Cohort:
    name = name.strip()
    if not name:
        raise MatchingError("A cohort needs a name.")
    return Cohort.objects.create(programme=programme, name=name)


# Invitations are emails with a programme's wording sent to any address: a coordinator
# may send a cohort's worth at a time, a few cohorts' worth a day, and only so many
# batches an hour, so a compromised or careless account cannot become a mailing cannon.
INVITATIONS_PER_REQUEST = 50
INVITATIONS_PER_DAY = 200
INVITATION_BATCHES_PER_HOUR = 20


def invitation_batch_allowed(inviter: User) -> bool:
    """Counts one batch in the shared cache (all web processes see it); False once the
    hour's allowance is spent."""
    key = f"matching:invitation-batches:{inviter.pk}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= INVITATION_BATCHES_PER_HOUR
    except ValueError:  # the key expired between add and incr: a fresh hour
        cache.add(key, 1, timeout=3600)
        return True


@transaction.atomic
def cohort_invite(
    *, cohort: Cohort, inviter: User, emails: Sequence[str], role: str
) -> list[CohortInvitation]:
    """Invite each address once per role; repeated addresses are skipped, not re-sent.
    Only the programme's coordinator invites, within the caps above."""
    if not is_programme_coordinator(user=inviter, programme=cohort.programme_id):
        raise MatchingError("Only the programme's coordinators can invite people.")
    if role not in MemberRole.values:
        raise MatchingError("Invite people as students or mentors.")
    cleaned = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not cleaned:
        raise MatchingError("Enter at least one email address.")
    # One inviter's batches take turns, so two at once cannot both fit under the cap.
    get_user_model().objects.select_for_update().filter(pk=inviter.pk).first()
    if len(cleaned) > INVITATIONS_PER_REQUEST:
        raise MatchingError(
            f"Invite at most {INVITATIONS_PER_REQUEST} addresses at a time "
            f"(you entered {len(cleaned)})."
        )
    new = (
        len(cleaned)
        - CohortInvitation.objects.filter(cohort=cohort, email__in=cleaned, role=role).count()
    )
    sent_today = CohortInvitation.objects.filter(
        invited_by=inviter, created_at__gte=timezone.now() - dt.timedelta(days=1)
    ).count()
    if sent_today + new > INVITATIONS_PER_DAY:
        left = max(0, INVITATIONS_PER_DAY - sent_today)
        raise MatchingError(
            f"You can send {INVITATIONS_PER_DAY} invitations a day; {left} are left today."
        )
    if not invitation_batch_allowed(inviter):
        raise MatchingError("You have sent many invitations in the last hour; try again later.")
    created: list[CohortInvitation] = []
    for email in cleaned:
        invitation, was_created = CohortInvitation.objects.get_or_create(
            cohort=cohort, email=email, role=role, defaults={"invited_by": inviter}
        )
        if was_created:
            created.append(invitation)
            enqueue_on_commit("matching.email_invitation", invitation.pk)
    return created


@transaction.atomic
def invitation_accept(*, invitation: CohortInvitation, user: User) -> CohortMembership:
    if invitation.email.lower() != user.email.lower():
        raise MatchingError(
            f"This invitation was sent to {invitation.email}; sign in with that address."
        )
    membership, _ = CohortMembership.objects.get_or_create(
        cohort=invitation.cohort, user=user, role=invitation.role
    )
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    role_flag = "is_student" if invitation.role == MemberRole.STUDENT else "is_mentor"
    if not getattr(user, role_flag):
        setattr(user, role_flag, True)
        user.save(update_fields=[role_flag])
    if invitation.role == MemberRole.MENTOR:
        MentorProfile.objects.get_or_create(user=user)
    return membership
