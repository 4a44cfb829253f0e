"""Who may see what. Every app asks these questions here, and nowhere else.

A student's data is theirs. A mentor sees a mentee's area (plan, reading, papers,
outreach) only while the mentorship is active and only if the mentee shares that area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from apps.matching.models import Mentorship, ShareArea

if TYPE_CHECKING:
    from apps.accounts.models import User


def _share_filter(area: str, prefix: str = "") -> Q:
    return Q(**{f"{prefix}share_{ShareArea(area).value}": True})


def mentor_can_view(*, viewer: User, owner: User | int, area: str) -> bool:
    """True when ``viewer`` may see ``owner``'s ``area``: the owner themself, or an
    active mentor the owner shares that area with."""
    owner_id = owner if isinstance(owner, int) else owner.pk
    if not viewer.is_authenticated:
        return False
    if viewer.pk == owner_id:
        return True
    return (
        Mentorship.objects.filter(
            mentor=viewer, student_id=owner_id, status=Mentorship.Status.ACTIVE
        )
        .filter(_share_filter(area))
        .exists()
    )


def mentee_ids_sharing(*, mentor: User, area: str) -> QuerySet:
    """Ids of the mentor's active mentees who share ``area``; use in a subquery filter,
    e.g. ``Plan.objects.filter(owner_id__in=mentee_ids_sharing(mentor=m, area="plan"))``."""
    return (
        Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE)
        .filter(_share_filter(area))
        .values("student_id")
    )


def active_mentorships_for_mentor(*, mentor: User) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE).select_related(
        "student"
    )


def active_mentorship(*, mentor: User, student: User | int) -> Mentorship | None:
    student_id = student if isinstance(student, int) else student.pk
    return Mentorship.objects.filter(
        mentor=mentor, student_id=student_id, status=Mentorship.Status.ACTIVE
    ).first()


def visible_owner_filter(*, viewer: User, area: str, owner_field: str = "owner") -> Q:
    """A ``Q`` for rows (with an ``owner_field`` FK to the user) that ``viewer`` may see:
    their own, plus those of active mentees sharing ``area``."""
    return Q(**{f"{owner_field}_id": viewer.pk}) | Q(
        **{f"{owner_field}_id__in": mentee_ids_sharing(mentor=viewer, area=area)}
    )
