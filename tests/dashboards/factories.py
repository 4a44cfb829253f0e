"""Data builders for the dashboard tests. The dashboards read every other app's
tables, so these build rows with the models directly (in bulk, so that a hundred
mentees stay fast) rather than through each app's factories."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from apps.accounts.models import User
from apps.matching.models import Cohort, CohortMembership, MentorProfile, Mentorship, Programme
from apps.milestones.models import Category, Milestone, Plan
from apps.milestones.models import Status as MStatus
from apps.readinglists.models import Item, Progress, ReadingList, ReadingStatus, ReviewCard
from apps.research.models import Contact, ContactStatus, Draft, Stage, Venue, VenueDeadline
from tests.accounts.factories import UserFactory

_seq = itertools.count()

SHARE_ALL = {
    "share_plan": True,
    "share_reading": True,
    "share_papers": True,
    "share_outreach": True,
}


def make_students(
    n: int, *, prefix: str = "student", last_login: dt.datetime | None = None
) -> list[User]:
    now = timezone.now()
    batch = next(_seq)
    return User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{batch}-{i}@example.org",
                display_name=f"{prefix.title()} {batch}-{i:03d}",
                is_student=True,
                onboarded_at=now,
                last_login=last_login if last_login is not None else now,
            )
            for i in range(n)
        ]
    )


def give_mentees(mentor: User, students: list[User], **shares: bool) -> list[Mentorship]:
    flags = {**SHARE_ALL, **shares}
    now = timezone.now()
    return Mentorship.objects.bulk_create(
        [
            Mentorship(
                student=s, mentor=mentor, status=Mentorship.Status.ACTIVE, started_at=now, **flags
            )
            for s in students
        ]
    )


def venue_with_deadline(in_days: float) -> Venue:
    venue = Venue.objects.create(title=f"VENUE{next(_seq)}")
    due = timezone.now() + dt.timedelta(days=in_days)
    VenueDeadline.objects.create(
        venue=venue,
        year=due.year,
        kind="paper",
        local_date=due.date(),
        local_time=due.time().replace(microsecond=0),
        timezone_name="UTC",
        due_at=due,
    )
    return venue


def fill_student_data(
    students: list[User],
    *,
    milestones: int = 4,
    overdue: int = 1,
    done: int = 1,
    items: int = 3,
    read: int = 1,
    cards_due: int = 1,
    venue: Venue | None = None,
    draft_stage: str = Stage.DRAFTING,
) -> None:
    """Give each student a primary plan with ``milestones`` milestones (``overdue`` past
    their date, ``done`` completed, the rest in the future), a reading list, review cards,
    a draft aimed at ``venue`` and an emailed contact awaiting follow-up."""
    today = timezone.localdate()
    now = timezone.now()
    plans = Plan.objects.bulk_create(
        [
            Plan(
                owner=s,
                title=f"Plan of {s.display_name}",
                target_role="Research scientist",
                start_date=today - dt.timedelta(days=400),
                is_primary=True,
            )
            for s in students
        ]
    )
    rows = []
    for plan in plans:
        for i in range(milestones):
            if i < overdue:
                status, target, completed = MStatus.PLANNED, today - dt.timedelta(days=10 + i), None
            elif i < overdue + done:
                status, target, completed = MStatus.DONE, today - dt.timedelta(days=5), now
            else:
                status, target, completed = MStatus.PLANNED, today + dt.timedelta(days=3 + i), None
            rows.append(
                Milestone(
                    plan=plan,
                    title=f"Milestone {i} of {plan.owner.display_name}",
                    category=Category.RESEARCH if i % 2 else Category.SKILLS,
                    success_criterion="done",
                    target_date=target,
                    status=status,
                    completed_at=completed,
                    position=i,
                )
            )
    Milestone.objects.bulk_create(rows)
    lists = ReadingList.objects.bulk_create(
        [ReadingList(owner=s, title=f"Reading of {s.display_name}") for s in students]
    )
    item_rows = Item.objects.bulk_create(
        [
            Item(reading_list=rl, title=f"Paper {i}", position=i)
            for rl in lists
            for i in range(items)
        ]
    )
    by_list: dict[int, list[Item]] = {}
    for it in item_rows:
        by_list.setdefault(it.reading_list_id, []).append(it)
    Progress.objects.bulk_create(
        [
            Progress(user_id=rl.owner_id, item=it, status=ReadingStatus.READ)
            for rl in lists
            for it in by_list.get(rl.pk, [])[:read]
        ]
    )
    ReviewCard.objects.bulk_create(
        [
            ReviewCard(owner=s, prompt=f"Card {i}", due=now - dt.timedelta(hours=1))
            for s in students
            for i in range(cards_due)
        ]
    )
    Draft.objects.bulk_create(
        [
            Draft(
                owner=s,
                title=f"Draft of {s.display_name}",
                target_venue=venue,
                stage=draft_stage,
                stage_changed_at=now,
            )
            for s in students
        ]
    )
    Contact.objects.bulk_create(
        [
            Contact(
                owner=s,
                name=f"Prof. Contact of {s.display_name}",
                status=ContactStatus.EMAILED,
                last_emailed_on=today - dt.timedelta(days=12),
                follow_up_on=today - dt.timedelta(days=2),
            )
            for s in students
        ]
    )


def programme_with_members(
    coordinator: User, *, students: int, mentors: int, name: str = "Programme"
) -> tuple[Programme, list[User], list[User]]:
    programme = Programme.objects.create(name=name)
    programme.coordinators.add(coordinator)
    cohort = Cohort.objects.create(programme=programme, name="2026")
    studs = make_students(students, prefix="pstudent")
    ments = [UserFactory(is_mentor=True) for _ in range(mentors)]
    MentorProfile.objects.bulk_create([MentorProfile(user=m, capacity=2) for m in ments])
    CohortMembership.objects.bulk_create(
        [CohortMembership(cohort=cohort, user=s, role="student") for s in studs]
        + [CohortMembership(cohort=cohort, user=m, role="mentor") for m in ments]
    )
    return programme, studs, ments
