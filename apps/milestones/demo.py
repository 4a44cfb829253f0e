"""Demo data: the demo student's plan toward a PhD, part-way through, with a mentor's
comment and a check-in. Idempotent: re-running refreshes rather than duplicates."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.accounts.demo import DemoContext
from apps.core.registry import demo_seeders
from apps.milestones import services
from apps.milestones.builtin_templates import builtin_templates
from apps.milestones.dates import add_months
from apps.milestones.models import CheckIn, Milestone, MilestoneComment, Plan, Status

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
