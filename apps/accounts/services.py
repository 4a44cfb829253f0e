from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.core.registry import data_exporters, personal_data_erasers


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    display_name: str,
    timezone_name: str,
    research_interests: str,
    bio: str,
    roles: Iterable[str],
    request_coordinator: bool = False,
) -> User:
    """Save what a person says about themself. They choose to be a student and/or a
    mentor; the coordinator role stays as staff set it, and asking for it only records
    the request (see ``coordinator_requests_approve``)."""
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValueError(f"Unknown roles: {', '.join(sorted(unknown))}")
    if Role.COORDINATOR in wanted and not user.is_coordinator:
        raise PermissionDenied("Staff grant the coordinator role; ask for it instead.")
    user.display_name = display_name.strip()
    user.timezone = timezone_name
    user.research_interests = research_interests.strip()
    user.bio = bio.strip()
    user.is_student = Role.STUDENT in wanted
    user.is_mentor = Role.MENTOR in wanted
    fields = [
        "display_name",
        "timezone",
        "research_interests",
        "bio",
        "is_student",
        "is_mentor",
    ]
    if request_coordinator and not user.is_coordinator and user.coordinator_requested_at is None:
        user.coordinator_requested_at = timezone.now()
        fields.append("coordinator_requested_at")
    if user.onboarded_at is None:
        user.onboarded_at = timezone.now()
        fields.append("onboarded_at")
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
    return user


def coordinator_requests_approve(*, users: Iterable[User]) -> int:
    """Staff grant the coordinator role to people who asked for it; returns how many."""
    ids = [u.pk for u in users]
    return User.objects.filter(pk__in=ids, coordinator_requested_at__isnull=False).update(
        is_coordinator=True, coordinator_requested_at=None
    )


def coordinator_requests_decline(*, users: Iterable[User]) -> int:
    ids = [u.pk for u in users]
    return User.objects.filter(pk__in=ids, coordinator_requested_at__isnull=False).update(
        coordinator_requested_at=None
    )


def user_export_data(*, user: User) -> dict[str, Any]:
    """Everything Pacer holds about one person, as JSON-ready data."""
    data: dict[str, Any] = {
        "format": "pacer-export/1",
        "exported_at": timezone.now().isoformat(),
    }
    for name, exporter in data_exporters.items():
        data[name] = exporter(user)
    return data


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and, through cascades, the personal data that hangs off it.

    Rows other people own (a mentor's notes about a mentee, a coordinator's programme)
    go with the person they describe, by the apps' ON DELETE rules. What names the
    person without a foreign key (an invitation to their address, another person's
    reminder about them) goes through each app's eraser; every session signed in as
    them (other browsers, other devices) ends.
    """
    for _name, eraser in personal_data_erasers.items():
        eraser(user)
    _sessions_end(user=user)
    user.delete()


def _sessions_end(*, user: User) -> None:
    # Sessions are stored as opaque signed blobs: each live one is decoded to find the
    # person's. Deletion is rare and the table holds only unexpired sessions worth
    # reading, so the scan is cheap enough, and it runs in the deletion's transaction.
    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()
