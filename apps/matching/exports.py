from __future__ import annotations

from typing import Any

from django.db.models import Model, Q
from django.forms.models import model_to_dict

from apps.accounts.models import User
from apps.core.registry import data_exporters, personal_data_erasers
from apps.matching.models import (
    CohortInvitation,
    CohortMembership,
    CoordinatorInvitation,
    MentorNote,
    MentorProfile,
    Mentorship,
    Programme,
    ProgrammeCoordinator,
    ProposedPair,
    RoundChoice,
    StudentPreferences,
)
from apps.matching.selectors import coordinator_invitations_addressed_to, invitations_to


def _plain(obj: Model | None, exclude: tuple[str, ...] = ("id", "user")) -> dict | None:
    if obj is None:
        return None
    return {k: v for k, v in model_to_dict(obj).items() if k not in exclude}


@data_exporters.register("matching", order=10)
def export(user: User) -> dict[str, Any]:
    """The person's profiles, preferences, mentorships and the private notes they wrote
    (notes others wrote about them stay private to their authors)."""
    mentorships = Mentorship.objects.filter(student=user) | Mentorship.objects.filter(mentor=user)
    return {
        "mentor_profile": _plain(MentorProfile.objects.filter(user=user).first()),
        "student_preferences": _plain(StudentPreferences.objects.filter(user=user).first()),
        "mentorships": [
            {
                "student": m.student.email,
                "mentor": m.mentor.email,
                "status": m.status,
                "message": m.message,
                "response_note": m.response_note,
                "end_reason": m.end_reason,
                "sharing": {a: m.shares(a) for a in ("plan", "reading", "papers", "outreach")},
                "created_at": m.created_at.isoformat(),
                "started_at": m.started_at.isoformat() if m.started_at else None,
                "ended_at": m.ended_at.isoformat() if m.ended_at else None,
            }
            for m in mentorships.select_related("student", "mentor").order_by("created_at")
        ],
        "cohort_memberships": [
            {
                "programme": m.cohort.programme.name,
                "cohort": m.cohort.name,
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in CohortMembership.objects.filter(user=user)
            .select_related("cohort__programme")
            .order_by("joined_at", "pk")
        ],
        "invitations_received": [
            {
                "programme": i.cohort.programme.name,
                "cohort": i.cohort.name,
                "email": i.email,
                "role": i.role,
                "created_at": i.created_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in invitations_to(user=user).select_related("cohort__programme")
        ],
        "invitations_sent": [
            {
                "cohort": i.cohort.name,
                "email": i.email,
                "role": i.role,
                "created_at": i.created_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in CohortInvitation.objects.filter(invited_by=user)
            .select_related("cohort")
            .order_by("created_at", "pk")
        ],
        "programmes_coordinated": [
            {
                "name": link.programme.name,
                "description": link.programme.description,
                "cohorts": [c.name for c in link.programme.cohorts.all()],
                "since": link.added_at.isoformat(),
            }
            for link in ProgrammeCoordinator.objects.filter(user=user)
            .select_related("programme")
            .prefetch_related("programme__cohorts")
            .order_by("added_at", "pk")
        ],
        "coordinator_invitations_received": [
            {
                "programme": i.programme.name,
                "email": i.email,
                "created_at": i.created_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in coordinator_invitations_addressed_to(user=user).select_related("programme")
        ],
        "coordinator_invitations_sent": [
            {
                "programme": i.programme.name,
                "email": i.email,
                "created_at": i.created_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in CoordinatorInvitation.objects.filter(invited_by=user)
            .select_related("programme")
            .order_by("created_at", "pk")
        ],
        "proposed_pairs": [
            {
                "round": p.round.name,
                "student": p.student.email,
                "mentor": p.mentor.email if p.mentor else None,
                "score": p.score,
                "rank_obtained": p.rank_obtained,
                "explanation": p.explanation,
            }
            for p in ProposedPair.objects.filter(Q(student=user) | Q(mentor=user))
            .select_related("round", "student", "mentor")
            .order_by("pk")
        ],
        "round_choices": [
            {"round": c.round.name, "mentor": c.mentor.email, "rank": c.rank}
            for c in RoundChoice.objects.filter(student=user).select_related("round", "mentor")
        ],
        "mentor_notes_written": [
            {"about": n.student.email, "body": n.body, "created_at": n.created_at.isoformat()}
            for n in MentorNote.objects.filter(mentor=user).select_related("student")
        ],
    }


@personal_data_erasers.register("matching")
def erase(user: User) -> None:
    """Invitations addressed to the person: their address is the row. Invitations they
    sent stay with the programme (the inviter is cleared by the foreign key). A programme
    the person runs alone goes with them; one with co-coordinators stays with those."""
    CohortInvitation.objects.filter(pk__in=invitations_to(user=user).values("pk")).delete()
    CoordinatorInvitation.objects.filter(
        pk__in=coordinator_invitations_addressed_to(user=user).values("pk")
    ).delete()
    others_run = ProgrammeCoordinator.objects.exclude(user=user).values("programme_id")
    Programme.objects.filter(coordinators=user).exclude(pk__in=others_run).delete()
