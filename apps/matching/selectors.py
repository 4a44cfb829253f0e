"""Who may see what. Every app asks these questions here, and nowhere else.

A student's data is theirs. A mentor sees a mentee's area (plan, reading, papers,
outreach) only while the mentorship is active and only if the mentee shares that area.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from apps.core.registry import mentor_flags
from apps.matching import features as feature_records
from apps.matching import fit
from apps.matching.fit import PairFit
from apps.matching.models import (
    CohortInvitation,
    CohortMembership,
    CoordinatorInvitation,
    MemberRole,
    MentorProfile,
    Mentorship,
    Programme,
    ProgrammeCoordinator,
    ShareArea,
    StudentPreferences,
)

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.matching.models import MatchingRound


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


def mentorships_sharing(*, area: str) -> QuerySet[Mentorship]:
    """Every active mentorship whose mentee shares ``area`` with the mentor: what any
    mentor may see of ``area``, for all mentors at once (the weekly summaries)."""
    return Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).filter(_share_filter(area))


def mentee_ids_sharing(*, mentor: User, area: str) -> QuerySet:
    """Ids of the mentor's active mentees who share ``area``; use in a subquery filter,
    e.g. ``Plan.objects.filter(owner_id__in=mentee_ids_sharing(mentor=m, area="plan"))``."""
    return mentorships_sharing(area=area).filter(mentor=mentor).values("student_id")


def sharing_decisions(*, areas: Iterable[str]) -> dict[str, ExpressionWrapper]:
    """The sharing decision of :func:`mentorships_sharing` for each of ``areas``, as
    boolean annotations (``shares_<area>``) on ``Mentorship`` rows: for pages that read
    many areas of one mentor's mentees and fetch the mentorships anyway."""
    return {
        f"shares_{area}": ExpressionWrapper(
            Q(status=Mentorship.Status.ACTIVE) & _share_filter(area), output_field=BooleanField()
        )
        for area in areas
    }


def active_mentorships_for_mentor(*, mentor: User) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE).select_related(
        "student"
    )


def active_mentorship(*, mentor: User, student: User | int) -> Mentorship | None:
    student_id = student if isinstance(student, int) else student.pk
    return Mentorship.objects.filter(
        mentor=mentor, student_id=student_id, status=Mentorship.Status.ACTIVE
    ).first()


# --- Reads for the matching pages and the coordinator dashboard -------------------------


def active_mentor_ids(*, student: User) -> QuerySet:
    """Ids of the student's active mentors, for a subquery filter."""
    return Mentorship.objects.filter(student=student, status=Mentorship.Status.ACTIVE).values(
        "mentor_id"
    )


def open_mentorship_statuses(*, student: User) -> dict[int, str]:
    """Mentor id -> status of the student's pending or active mentorship with them, so
    search can say "already your mentor" or "request sent" instead of offering another."""
    return dict(
        Mentorship.objects.filter(
            student=student,
            status__in=[Mentorship.Status.PENDING, Mentorship.Status.ACTIVE],
        ).values_list("mentor_id", "status")
    )


def programme_peer_ids(*, user: User) -> QuerySet:
    """Ids of people in any programme ``user`` belongs to (any cohort) or coordinates."""
    programme_ids = CohortMembership.objects.filter(user=user).values("cohort__programme_id")
    coordinated = coordinated_programme_ids(user=user)
    return CohortMembership.objects.filter(
        Q(cohort__programme_id__in=programme_ids) | Q(cohort__programme_id__in=coordinated)
    ).values("user_id")


def mentorships_of(*, user: User) -> QuerySet[Mentorship]:
    """Every mentorship the person took part in, on either side, in any status."""
    return Mentorship.objects.filter(Q(student=user) | Q(mentor=user))


def _addressed_to(user: User) -> Q:
    """Rows whose ``email`` is any of the person's addresses, confirmed or not."""
    from allauth.account.models import EmailAddress

    addresses = {user.email.lower()} | {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    query = Q()
    for address in addresses:
        query |= Q(email__iexact=address)
    return query


def invitations_to(*, user: User) -> QuerySet[CohortInvitation]:
    """Cohort invitations addressed to any of the person's email addresses."""
    return CohortInvitation.objects.filter(_addressed_to(user)).order_by("created_at", "pk")


def coordinator_invitations_addressed_to(*, user: User) -> QuerySet[CoordinatorInvitation]:
    """Every invitation to co-coordinate sent to one of the person's addresses (for their
    data download and erasure; only a confirmed address may accept one)."""
    return CoordinatorInvitation.objects.filter(_addressed_to(user)).order_by("created_at", "pk")


def mentorships_for_student(*, student: User) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(student=student).select_related("student", "mentor")


def mentorships_for_mentor(*, mentor: User) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(mentor=mentor).select_related("student", "mentor")


def mentor_search(
    *,
    viewer: User,
    query: str = "",
    seniority: str = "",
    language: str = "",
    phd_only: bool = False,
    accepting_only: bool = True,
    limit: int = 100,
) -> list[MentorResult]:
    """Mentors matching the filters, ranked by fit for ``viewer`` with an explanation.

    Text matching uses PostgreSQL full-text search (areas and tags weigh more than the
    bio). At most ``limit`` text hits are
    scored, so the page costs the same few queries however many mentors exist.
    """
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    profiles = _mentor_profiles(viewer)
    if accepting_only:
        profiles = profiles.filter(accepting=True)
    if seniority:
        profiles = profiles.filter(seniority=seniority)
    if phd_only:
        profiles = profiles.filter(can_supervise_phd=True)
    if language:
        profiles = profiles.filter(languages__icontains=language)
    query = query.strip()
    if query:
        vector = (
            SearchVector("research_areas", weight="A", config="english")
            + SearchVector("topic_tags", "method_tags", weight="A", config="english")
            + SearchVector("offer", weight="B", config="english")
            + SearchVector("user__bio", "user__research_interests", weight="C", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        profiles = (
            profiles.annotate(text_rank=SearchRank(vector, search))
            .filter(text_rank__gt=0)
            .order_by("-text_rank", "pk")
        )
    else:
        profiles = profiles.order_by("pk")
    results = _scored(viewer, list(profiles[:limit]))
    results.sort(key=lambda r: -r.fit.total)
    return results


def mentor_fit(*, viewer: User, mentor_id: int) -> MentorResult | None:
    """The mentor's fit for ``viewer`` as the mentor's page shows it: the very figure
    search shows, since both score the pair with ``fit.pair_fit`` alone."""
    profile = _mentor_profiles(viewer).filter(user_id=mentor_id).first()
    if profile is None:
        return None
    return _scored(viewer, [profile])[0]


def _mentor_profiles(viewer: User) -> QuerySet[MentorProfile]:
    profiles = (
        MentorProfile.objects.filter(user__is_mentor=True, user__is_active=True)
        .exclude(user=viewer)
        .select_related("user")
        .annotate(
            active_count=Count(
                "user__mentorships_as_mentor",
                filter=Q(user__mentorships_as_mentor__status=Mentorship.Status.ACTIVE),
            )
        )
    )
    # Facts other apps establish about mentors (slow to respond), in this same query.
    now = timezone.now()
    for name, build in mentor_flags.items():
        profiles = profiles.annotate(**{f"flag_{name}": build(now=now)[2]})
    return profiles


def _flag_labels() -> dict[str, tuple[str, str]]:
    now = timezone.now()
    return {name: build(now=now)[:2] for name, build in mentor_flags.items()}


def _scored(viewer: User, profiles: list[MentorProfile]) -> list[MentorResult]:
    if not profiles:
        return []
    prefs = StudentPreferences.objects.filter(user=viewer).first()
    student = feature_records.student_features(viewer, prefs)
    labels = _flag_labels()
    results = []
    for profile in profiles:
        free_places = max(0, profile.capacity - profile.active_count)  # type: ignore[attr-defined]
        mentor = feature_records.mentor_features(profile, free_places=free_places)
        results.append(
            MentorResult(
                profile=profile,
                fit=fit.pair_fit(student, mentor),
                free_places=free_places,
                flags=[label for name, label in labels.items() if getattr(profile, f"flag_{name}")],
            )
        )
    return results


@dataclass
class MentorResult:
    profile: MentorProfile
    fit: PairFit
    free_places: int
    # (label, explanation) of each flag raised about the mentor ("Slow to respond").
    flags: list[tuple[str, str]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return self.fit.percent


# --- Who runs a programme ----------------------------------------------------------------
# The one answer to "does this person coordinate this programme?": every page, email,
# export and service asks it here, so co-coordinators get exactly the first one's access.


def coordinated_programme_ids(*, user: User) -> QuerySet:
    """Ids of the programmes ``user`` coordinates, for a subquery filter
    (``Cohort.objects.filter(programme_id__in=coordinated_programme_ids(user=u))``).
    Someone whose coordinator role staff withdrew keeps no hold on their programmes."""
    if not user.is_authenticated or not user.is_coordinator:
        return ProgrammeCoordinator.objects.none().values("programme_id")
    return ProgrammeCoordinator.objects.filter(user_id=user.pk).values("programme_id")


def is_programme_coordinator(*, user: User, programme: Programme | int) -> bool:
    programme_id = programme if isinstance(programme, int) else programme.pk
    return coordinated_programme_ids(user=user).filter(programme_id=programme_id).exists()


def programmes_for_coordinator(*, user: User) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(pk__in=coordinated_programme_ids(user=user))
        .annotate(cohort_count=Count("cohorts", distinct=True))
        .order_by("name")
    )


def programme_coordinators(*, programme: Programme) -> QuerySet[ProgrammeCoordinator]:
    return ProgrammeCoordinator.objects.filter(programme=programme).select_related("user")


def coordinator_invitations_pending(*, programme: Programme) -> QuerySet[CoordinatorInvitation]:
    return CoordinatorInvitation.objects.filter(programme=programme, accepted_at__isnull=True)


def coordinator_invitation_is_for(*, invitation: CoordinatorInvitation, user: User) -> bool:
    """Only the person who confirmed the invited address may see or accept it."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user_id=user.pk, email__iexact=invitation.email, verified=True
    ).exists()


def coordinator_invitations_to(*, user: User) -> QuerySet[CoordinatorInvitation]:
    """Open invitations to co-coordinate, addressed to one of the person's verified
    addresses (only those can accept)."""
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list(
        "email", flat=True
    )
    query = Q()
    for address in addresses:
        query |= Q(email__iexact=address)
    if not query:
        return CoordinatorInvitation.objects.none()
    return CoordinatorInvitation.objects.filter(query, accepted_at__isnull=True).select_related(
        "programme"
    )


def programme_mentorships(*, programme: Programme | int) -> QuerySet[Mentorship]:
    """The programme's pairs, in any status: mentorships whose student is one of its
    students and whose mentor one of its mentors (as ``programme_summary`` counts them)."""
    programme_id = programme if isinstance(programme, int) else programme.pk
    members = CohortMembership.objects.filter(cohort__programme_id=programme_id)
    return Mentorship.objects.filter(
        student_id__in=members.filter(role=MemberRole.STUDENT).values("user_id"),
        mentor_id__in=members.filter(role=MemberRole.MENTOR).values("user_id"),
    )


def coordinates_mentorship(*, user: User, mentorship: Mentorship) -> bool:
    """Does ``user`` coordinate a programme this pair belongs to?"""
    return Mentorship.objects.filter(
        pk=mentorship.pk,
        student__cohort_memberships__role=MemberRole.STUDENT,
        student__cohort_memberships__cohort__programme_id__in=coordinated_programme_ids(user=user),
        mentor__cohort_memberships__role=MemberRole.MENTOR,
        mentor__cohort_memberships__cohort__programme_id=F(
            "student__cohort_memberships__cohort__programme_id"
        ),
    ).exists()


def programme_summary(*, programme: Programme) -> dict[str, Any]:
    """Aggregates for the coordinator view: members, matching, mentorship health."""
    from apps.matching.models import CohortMembership, MatchingRound, MemberRole

    members = CohortMembership.objects.filter(cohort__programme=programme)
    student_ids = members.filter(role=MemberRole.STUDENT).values("user_id")
    mentor_ids = members.filter(role=MemberRole.MENTOR).values("user_id")
    counts = members.aggregate(
        students=Count("user", filter=Q(role=MemberRole.STUDENT), distinct=True),
        mentors=Count("user", filter=Q(role=MemberRole.MENTOR), distinct=True),
    )
    mentored = (
        Mentorship.objects.filter(
            student_id__in=student_ids,
            mentor_id__in=mentor_ids,
            status=Mentorship.Status.ACTIVE,
        )
        .values("student_id")
        .distinct()
        .count()
    )
    rounds = MatchingRound.objects.filter(cohort__programme=programme).aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status=MatchingRound.Status.OPEN)),
        published=Count("id", filter=Q(status=MatchingRound.Status.PUBLISHED)),
    )
    students = counts["students"]
    return {
        "programme": programme,
        "cohorts": programme.cohorts.count(),
        "students": students,
        "mentors": counts["mentors"],
        "students_with_mentor": mentored,
        "students_without_mentor": max(0, students - mentored),
        "match_rate": round(100 * mentored / students) if students else None,
        "rounds": rounds["total"],
        "open_rounds": rounds["open"],
        "published_rounds": rounds["published"],
    }


def round_results(*, matching_round: MatchingRound) -> dict[str, Any]:
    """Proposed pairs with the figures a coordinator judges a run by."""
    from apps.matching.models import ProposedPair

    pairs = list(
        ProposedPair.objects.filter(round=matching_round).select_related("student", "mentor")
    )
    matched = [p for p in pairs if p.mentor_id is not None]
    ranks = [p.rank_obtained for p in matched if p.rank_obtained is not None]
    return {
        "pairs": matched,
        "unmatched": [p for p in pairs if p.mentor_id is None],
        "match_rate": round(100 * len(matched) / len(pairs)) if pairs else None,
        "mean_rank": round(sum(ranks) / len(ranks), 2) if ranks else None,
        "mean_percent": (
            fit.fit_percent(sum(p.score for p in matched) / len(matched)) if matched else None
        ),
    }


def mentorships_sharing_sql(*, area: str) -> str:
    """:func:`mentorships_sharing` as SQL, ``(mentor_id, student_id)``, for set-based
    statements in other apps (the mentor's weekly summary): the same decision, compiled
    from the same query rather than restated. ``%`` is doubled for named parameters."""
    query = mentorships_sharing(area=area).values("mentor_id", "student_id").query
    # PostgreSQL's operations quote the parameters as literals (psycopg's own quoting).
    ops: Any = connection.ops
    return ops.compose_sql(*query.sql_with_params()).replace("%", "%%")


# --- Ranked choices in matching rounds ---------------------------------------------------


def rounds_collecting_choices_for(*, student: User) -> QuerySet[MatchingRound]:
    """Rounds of the student's cohorts that are collecting ranked choices now, as
    ``MatchingRound.collects_choices`` decides for one round."""
    from apps.matching.models import MatchingRound

    return (
        MatchingRound.objects.filter(
            status=MatchingRound.Status.OPEN,
            collect_choices=True,
            cohort__memberships__user=student,
            cohort__memberships__role=MemberRole.STUDENT,
        )
        .select_related("cohort")
        .order_by("created_at", "pk")
    )
