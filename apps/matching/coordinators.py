"""Writes for who runs a programme: inviting co-coordinators, accepting, removing.

The coordinator role is never chosen by a person. Staff grant it (in the admin, or by
approving a request), or a coordinator of a programme, or staff, invite an address to
co-coordinate that programme and the person signed in with that verified address
accepts. Every co-coordinator has the same rights on the programme as the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.core.enqueue import enqueue_on_commit
from apps.matching.models import CoordinatorInvitation, Programme, ProgrammeCoordinator
from apps.matching.programmes import invitation_batch_allowed
from apps.matching.selectors import coordinator_invitation_is_for, is_programme_coordinator
from apps.matching.services import MatchingError

if TYPE_CHECKING:
    from apps.accounts.models import User

# Each invitation can hand someone the run of a programme, so the caps are far lower
# than for cohort invitations; the hourly batch allowance is shared with those.
COORDINATOR_INVITATIONS_PER_REQUEST = 5
COORDINATOR_INVITATIONS_PER_DAY = 20


def _may_manage(user: User, programme: Programme) -> bool:
    return user.is_staff or is_programme_coordinator(user=user, programme=programme)


def coordinator_role_grant(*, users: Iterable[User]) -> int:
    """Give the coordinator role to people who now coordinate a programme."""
    ids = [u.pk for u in users]
    return (
        get_user_model()
        .objects.filter(pk__in=ids, is_coordinator=False)
        .update(is_coordinator=True, coordinator_requested_at=None)
    )


def coordinator_links_granted(*, links: Iterable[ProgrammeCoordinator]) -> int:
    """Staff added coordinators to a programme (in the admin): grant them the role."""
    return coordinator_role_grant(users=[link.user for link in links])


@transaction.atomic
def coordinator_invite(
    *, programme: Programme, inviter: User, emails: Sequence[str]
) -> list[CoordinatorInvitation]:
    """Invite addresses to co-coordinate ``programme``; an address already invited is
    not invited again. Only the programme's coordinators and staff invite."""
    if not _may_manage(inviter, programme):
        raise MatchingError("Only the programme's coordinators can invite co-coordinators.")
    cleaned = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not cleaned:
        raise MatchingError("Enter at least one email address.")
    if len(cleaned) > COORDINATOR_INVITATIONS_PER_REQUEST:
        raise MatchingError(
            f"Invite at most {COORDINATOR_INVITATIONS_PER_REQUEST} co-coordinators at a time "
            f"(you entered {len(cleaned)})."
        )
    # One inviter's batches take turns, so two at once cannot both fit under the cap.
    get_user_model().objects.select_for_update().filter(pk=inviter.pk).first()
    already = set(
        CoordinatorInvitation.objects.filter(programme=programme, email__in=cleaned).values_list(
            "email", flat=True
        )
    )
    new = [email for email in cleaned if email not in already]
    sent_today = CoordinatorInvitation.objects.filter(
        invited_by=inviter, created_at__gte=timezone.now() - dt.timedelta(days=1)
    ).count()
    if sent_today + len(new) > COORDINATOR_INVITATIONS_PER_DAY:
        left = max(0, COORDINATOR_INVITATIONS_PER_DAY - sent_today)
        raise MatchingError(
            f"You can send {COORDINATOR_INVITATIONS_PER_DAY} co-coordinator invitations a day; "
            f"{left} are left today."
        )
    if not invitation_batch_allowed(inviter):
        raise MatchingError("You have sent many invitations in the last hour; try again later.")
    created = CoordinatorInvitation.objects.bulk_create(
        CoordinatorInvitation(programme=programme, email=email, invited_by=inviter) for email in new
    )
    for invitation in created:
        enqueue_on_commit("matching.email_coordinator_invitation", invitation.pk)
    return created


@transaction.atomic
def coordinator_invitation_accept(
    *, invitation: CoordinatorInvitation, user: User
) -> ProgrammeCoordinator:
    """Make ``user`` a coordinator of the invitation's programme. The invitation hands
    over the programme, so it must be theirs: the signed-in person has verified the
    invited address. It can be used once."""
    locked = CoordinatorInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not coordinator_invitation_is_for(invitation=locked, user=user):
        raise MatchingError(
            f"This invitation was sent to {locked.email}; sign in with that address "
            "and confirm it first."
        )
    if locked.accepted_at is not None and locked.accepted_by_id != user.pk:
        raise MatchingError("This invitation has already been used.")
    link, _ = ProgrammeCoordinator.objects.get_or_create(
        programme_id=locked.programme_id, user=user, defaults={"added_by_id": locked.invited_by_id}
    )
    if locked.accepted_at is None:
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    coordinator_role_grant(users=[user])
    user.is_coordinator = True
    return link


@transaction.atomic
def coordinator_remove(*, programme: Programme, by: User, user_id: int) -> None:
    """Take someone off the programme's coordinators; a programme always keeps one.
    Their coordinator role stays, for the other programmes they may run."""
    if not _may_manage(by, programme):
        raise MatchingError("Only the programme's coordinators can remove a co-coordinator.")
    # Locking every link of the programme makes two removals at once take turns, so
    # they cannot each leave the other as the last and remove both.
    links = list(
        ProgrammeCoordinator.objects.select_for_update().filter(programme=programme).order_by("pk")
    )
    if not any(link.user_id == user_id for link in links):
        raise MatchingError("This person does not coordinate the programme.")
    if len(links) == 1:
        raise MatchingError("A programme needs a coordinator; invite another one first.")
    ProgrammeCoordinator.objects.filter(programme=programme, user_id=user_id).delete()
