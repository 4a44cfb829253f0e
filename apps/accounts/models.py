from __future__ import annotations

import zoneinfo
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone as django_timezone


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a known time zone; use an IANA name such as Europe/London.",
            params={"value": value},
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    MENTOR = "mentor", "Mentor"
    COORDINATOR = "coordinator", "Coordinator"


# The roles people choose for themselves; coordinator is granted by staff.
SELF_CHOSEN_ROLES = (Role.STUDENT, Role.MENTOR)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the log-in; the profile lives on the same row so that every
    page already has it from the session's user without another query."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=120, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    bio = models.TextField("short bio", max_length=1000, blank=True)
    research_interests = models.TextField(
        max_length=1000,
        blank=True,
        help_text="Fields and method families you care about, e.g. "
        "'reinforcement learning, policy-gradient methods, causal inference'.",
    )
    is_student = models.BooleanField(default=False)
    is_mentor = models.BooleanField(default=False)
    # Coordinators publish plan templates to every student and email invitations, so
    # the role is granted by staff only; a person may ask for it.
    is_coordinator = models.BooleanField(default=False)
    coordinator_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person asked to be a coordinator."
    )
    onboarded_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=django_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        indexes = [
            # The nudges sweep lists the zones in use by walking this index (a few
            # dozen probes) instead of reading every person.
            models.Index(fields=["timezone"], name="accounts_user_timezone"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """How others see the person in lists; the email's local part until they give a name."""
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The person's time zone, UTC when none (or an unknown one) is set."""
        try:
            return zoneinfo.ZoneInfo(self.timezone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def greeting_name(self) -> str:
        """How Pacer addresses the person themselves: the name they gave, or "" before
        onboarding, so that greetings stay neutral instead of using their address."""
        return self.display_name.strip()

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def roles(self) -> list[str]:
        return [
            role
            for role, held in (
                (Role.STUDENT.value, self.is_student),
                (Role.MENTOR.value, self.is_mentor),
                (Role.COORDINATOR.value, self.is_coordinator),
            )
            if held
        ]

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
