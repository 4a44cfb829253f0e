"""The demo people and the context every app's demo seeder receives
(``manage.py seed_demo``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress

from apps.core.demo import DEMO_PASSWORD

if TYPE_CHECKING:
    from apps.accounts.models import User


@dataclass
class DemoContext:
    """Handed to every app's demo seeder, in registry order; seeders may add to `extra`."""

    student: User
    mentor: User
    coordinator: User
    extra: dict[str, object] = field(default_factory=dict)


def demo_user(
    email: str,
    *,
    display_name: str,
    roles: set[str],
    timezone: str = "Europe/London",
    **profile: str,
) -> User:
    """Create or refresh a verified demo account that can log in with the demo password."""
    from django.utils import timezone as tz

    from apps.accounts.models import User

    user, created = User.objects.get_or_create(email=email)
    user.display_name = display_name
    user.timezone = timezone
    user.is_student = "student" in roles
    user.is_mentor = "mentor" in roles
    user.is_coordinator = "coordinator" in roles
    for key, value in profile.items():
        setattr(user, key, value)
    if user.onboarded_at is None:
        user.onboarded_at = tz.now()
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@dataclass(frozen=True)
class DemoPerson:
    """A demo person who fills the demo programme but never signs in."""

    email: str
    display_name: str
    roles: frozenset[str]
    timezone: str = "Europe/London"
    bio: str = ""
    research_interests: str = ""


_PERSON_FIELDS = (
    "display_name",
    "timezone",
    "bio",
    "research_interests",
    "is_student",
    "is_mentor",
    "is_coordinator",
)


def demo_people(people: Sequence[DemoPerson]) -> dict[str, User]:
    """Create or refresh demo people who cannot log in, by email, in a fixed number of
    queries. Only the documented demo accounts have the demo password: the others get
    an unusable one, which also spares the quick start a slow password hash per person."""
    from django.utils import timezone as tz

    from apps.accounts.models import User

    emails = [p.email for p in people]
    existing = {u.email: u for u in User.objects.filter(email__in=emails)}
    new: list[User] = []
    changed: list[User] = []
    now = tz.now()
    for person in people:
        wanted = {
            "display_name": person.display_name,
            "timezone": person.timezone,
            "bio": person.bio,
            "research_interests": person.research_interests,
            "is_student": "student" in person.roles,
            "is_mentor": "mentor" in person.roles,
            "is_coordinator": "coordinator" in person.roles,
        }
        user = existing.get(person.email)
        if user is None:
            user = User(email=person.email, onboarded_at=now, **wanted)
            user.set_unusable_password()
            new.append(user)
            continue
        # Only rows that differ are written, so a second run changes nothing.
        if user.has_usable_password() or any(getattr(user, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(user, key, value)
            if user.has_usable_password():
                user.set_unusable_password()
            changed.append(user)
    User.objects.bulk_create(new)
    if changed:
        User.objects.bulk_update(changed, [*_PERSON_FIELDS, "password"])
    users = {**existing, **{u.email: u for u in new}}
    verified = set(
        EmailAddress.objects.filter(user__in=users.values()).values_list("email", flat=True)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=email, verified=True, primary=True)
        for email, u in users.items()
        if email not in verified
    )
    return users
