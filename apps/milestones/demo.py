"""Demo data: the demo student's plan toward a PhD, part-way through, with a mentor's
comment and a check-in. Idempotent: re-running refreshes rather than duplicates."""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.accounts.demo import DemoContext
from apps.core.registry import demo_seeders
from apps.milestones import services
from apps.milestones.builtin_templates import builtin_templates
from apps.milestones.dates import add_months
from apps.milestones.models import Category, CheckIn, Milestone, MilestoneComment, Plan, Status

if TYPE_CHECKING:
    from apps.accounts.models import User

DEMO_PLAN_TITLE = "PhD in reinforcement learning"
TEMPLATE_SLUG = "builtin-phd-applications"

# Statuses by template key, as if the student began six months ago; the rest stay planned.
DEMO_STATUSES = {
    "why-phd": Status.DONE,
    "fields": Status.DONE,
    "maths-check": Status.DONE,
    "research-exp": Status.DONE,
    "labs": Status.DONE,
    "contact": Status.IN_PROGRESS,
    "tests": Status.SKIPPED,
    "talk-students": Status.BLOCKED,
}


@demo_seeders.register("plans", order=20)
def seed(demo: DemoContext) -> None:
    student, mentor = demo.student, demo.mentor
    template = builtin_templates()[TEMPLATE_SLUG]
    plan = Plan.objects.filter(owner=student, title=DEMO_PLAN_TITLE).first()
    if plan is None:
        start = add_months(timezone.localdate().replace(day=1), -6)
        plan = services.plan_create_from_template(
            owner=student, template=template, start_date=start, title=DEMO_PLAN_TITLE
        )
        Plan.objects.filter(pk=plan.pk).update(
            target_role="PhD student in reinforcement learning, then research scientist",
            focus_areas="reinforcement learning, policy-gradient methods, off-policy evaluation",
        )
        milestones = list(plan.milestones.order_by("position"))
        by_key = {spec.key: m for spec, m in zip(template.milestones, milestones, strict=True)}
        for key, status in DEMO_STATUSES.items():
            m = by_key[key]
            if m.requires_evidence and status == Status.DONE:
                m.evidence_url = "https://example.org/ada/summer-project-report.pdf"
                m.evidence_note = (
                    "Project report on off-policy evaluation, reviewed by my supervisor."
                )
                m.save(update_fields=["evidence_note"])
            services.milestone_set_status(milestone=m, status=status)
        # Spread the completions over past months so the progress chart has a shape.
        for months_ago, key in enumerate(
            ["research-exp", "labs", "maths-check", "fields", "why-phd"], start=0
        ):
            Milestone.objects.filter(pk=by_key[key].pk).update(
                completed_at=timezone.now() - datetime.timedelta(days=30 * months_ago + 3)
            )
    contact = plan.milestones.filter(title__startswith="Write to prospective").first() or (
        plan.milestones.order_by("position").first()
    )
    if contact is not None:
        MilestoneComment.objects.get_or_create(
            milestone=contact,
            author=mentor,
            defaults={
                "body": "Good list so far. In each email, mention **one specific paper** of "
                "theirs and ask a real question about it; short emails get answers.",
            },
        )
        # The student's answer waits for the mentor on their home page.
        MilestoneComment.objects.get_or_create(
            milestone=contact,
            author=student,
            defaults={
                "body": "Thank you! I drafted the first email; would you read it before "
                "I send it on Friday?",
            },
        )
    checkin_date = timezone.localdate() - datetime.timedelta(days=14)
    if not CheckIn.objects.filter(plan=plan, mentor=mentor).exists():
        services.checkin_create(
            plan=plan,
            author=mentor,
            mentor=mentor,
            date=checkin_date,
            agenda="- Progress on the lab shortlist\n- Which fields to apply in",
            notes="Ada has narrowed down to policy-gradient methods and off-policy evaluation. "
            "The shortlist has 12 labs; three supervisors are known to be overloaded.",
            action_items=[
                "Ask two current students of the top three labs about supervision",
                "Read the two most recent papers of each shortlisted supervisor",
            ],
        )
    demo.extra["plan"] = plan
    cohort = demo.extra.get("cohort_students")
    if isinstance(cohort, list):
        seed_cohort_plans(cohort)


# A short road every cohort plan follows: (category, title, success criterion).
COHORT_MILESTONES = [
    (Category.SKILLS, "Refresh linear algebra and probability", "Finish one problem set each"),
    (Category.RESEARCH, "Join a reading group", "Present one paper to the group"),
    (Category.SPECIALISATION, "Shortlist three sub-fields", "A one-page note on each"),
    (Category.NETWORKING, "Write to two researchers", "Two emails sent with a question"),
    (Category.PUBLICATION, "Draft a workshop paper", "A full draft shared for feedback"),
]
# How far along a plan is: milestones done, then overdue, then in the future.
COHORT_PACES = {"on track": (2, 0), "behind": (1, 2), "just started": (0, 0)}


def seed_cohort_plans(students: list[User]) -> None:
    """Plans for two in three of the demo cohort's students, at a mix of paces, so the
    programme's figures have a shape. Students who have a plan already are left alone;
    two bulk writes whatever the cohort's size."""
    rng = random.Random(2046)
    today = timezone.localdate()
    now = timezone.now()
    have_plan = set(Plan.objects.filter(owner__in=students).values_list("owner_id", flat=True))
    chosen = [
        (s, rng.choice(list(COHORT_PACES)), rng.randint(60, 300))
        for i, s in enumerate(students)
        if i % 3 != 2
    ]
    chosen = [c for c in chosen if c[0].pk not in have_plan]
    plans = Plan.objects.bulk_create(
        Plan(
            owner=s,
            title="Road to a PhD",
            target_role="PhD student",
            focus_areas=s.research_interests,
            start_date=today - datetime.timedelta(days=started),
            is_primary=True,
        )
        for s, _, started in chosen
    )
    rows = []
    for plan, (_, pace, _) in zip(plans, chosen, strict=True):
        done, overdue = COHORT_PACES[pace]
        for i, (category, title, criterion) in enumerate(COHORT_MILESTONES):
            if i < done:
                status, target = Status.DONE, today - datetime.timedelta(days=40 - 10 * i)
            elif i < done + overdue:
                status, target = Status.PLANNED, today - datetime.timedelta(days=5 + 9 * i)
            else:
                status, target = Status.PLANNED, today + datetime.timedelta(days=3 + 20 * i)
            rows.append(
                Milestone(
                    plan=plan,
                    category=category,
                    title=title,
                    success_criterion=criterion,
                    target_date=target,
                    status=status,
                    completed_at=now - datetime.timedelta(days=30 - 8 * i)
                    if status == Status.DONE
                    else None,
                    position=i,
                )
            )
    Milestone.objects.bulk_create(rows)
