"""The demo people and the context every app's demo seeder receives
(``manage.py seed_demo``)."""

from __future__ import annotations

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
