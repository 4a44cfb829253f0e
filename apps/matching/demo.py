"""Demo data: mentors with varied profiles, the demo mentorship, and a cohort of thirty
students with an open round most of them have ranked mentors in (``demo_cohort``).

Later seeders (milestones, reading lists, research) rely on the ACTIVE mentorship
between the demo student and the demo mentor, sharing plan, reading and papers.
"""

from __future__ import annotations

from django.utils import timezone

from apps.accounts.demo import DemoContext, DemoPerson, demo_people
from apps.core.registry import demo_seeders
from apps.matching.demo_cohort import DOMAIN, seed_cohort
from apps.matching.models import (
    Cohort,
    CohortMembership,
    MatchingRound,
    MemberRole,
    MentorProfile,
    Mentorship,
    Programme,
    ProgrammeCoordinator,
    StudentPreferences,
)

# (email local part, name, timezone, profile fields); capacities of 2, 3 and 5 leave the
# crowded fields (RL above all) with fewer places than students who want them.
EXTRA_MENTORS: list[tuple[str, str, str, dict]] = [
    (
        "lin",
        "Prof. Lin Wei",
        "Asia/Shanghai",
        {
            "research_areas": "Causal inference, econometrics and policy evaluation.",
            "topic_tags": "causal inference, statistics",
            "method_tags": "instrumental variables",
            "seniority": "faculty",
            "can_supervise_phd": True,
            "capacity": 3,
            "cadence": "monthly",
            "involvement": "hands_off",
            "languages": "English, Mandarin",
        },
    ),
    (
        "omar",
        "Dr Omar Haddad",
        "Europe/Paris",
        {
            "research_areas": "Deep reinforcement learning for robotics; policy-gradient methods "
            "and sim-to-real transfer.",
            "topic_tags": "RL, robotics",
            "method_tags": "policy-gradient methods, actor-critic",
            "seniority": "postdoc",
            "capacity": 2,
            "cadence": "weekly",
            "involvement": "hands_on",
            "languages": "English, French, Arabic",
        },
    ),
    (
        "sofia",
        "Sofia Rossi",
        "Europe/Rome",
        {
            "research_areas": "Probabilistic programming and Bayesian deep learning.",
            "topic_tags": "probabilistic modelling, Bayesian methods",
            "method_tags": "variational inference, MCMC",
            "seniority": "phd_student",
            "capacity": 2,
            "cadence": "fortnightly",
            "languages": "English, Italian",
        },
    ),
    (
        "kwame",
        "Dr Kwame Mensah",
        "Africa/Accra",
        {
            "research_areas": "Natural language processing for low-resource languages.",
            "topic_tags": "NLP, multilingual",
            "method_tags": "transformers, transfer learning",
            "seniority": "industry",
            "institution": "An industry lab",
            "capacity": 5,
            "cadence": "fortnightly",
            "channel": "chat",
            "languages": "English, Twi",
        },
    ),
    (
        "maria",
        "Prof. María López",
        "America/Mexico_City",
        {
            "research_areas": "Optimisation theory and convex analysis for machine learning.",
            "topic_tags": "optimisation, theory",
            "method_tags": "convex optimisation, SGD",
            "seniority": "faculty",
            "can_supervise_phd": True,
            "capacity": 2,
            "cadence": "monthly",
            "languages": "English, Spanish",
        },
    ),
    (
        "yuki",
        "Dr Yuki Tanaka",
        "Asia/Tokyo",
        {
            "research_areas": "Offline reinforcement learning and off-policy evaluation.",
            "topic_tags": "RL",
            "method_tags": "value-based methods, off-policy evaluation",
            "seniority": "industry",
            "capacity": 2,
            "cadence": "weekly",
            "languages": "English, Japanese",
            "accepting": False,
        },
    ),
    (
        "priya",
        "Priya Natarajan",
        "Asia/Kolkata",
        {
            "research_areas": "Computer vision, self-supervised representation learning.",
            "topic_tags": "computer vision",
            "method_tags": "contrastive learning",
            "seniority": "phd_student",
            "capacity": 3,
            "cadence": "weekly",
            "involvement": "hands_on",
            "languages": "English, Tamil",
        },
    ),
    (
        "jonas",
        "Dr Jonas Berg",
        "Europe/Stockholm",
        {
            "research_areas": "Fairness and accountability in machine learning systems.",
            "topic_tags": "ML fairness, ethics",
            "method_tags": "causal inference",
            "seniority": "postdoc",
            "capacity": 5,
            "cadence": "fortnightly",
            "involvement": "balanced",
            "channel": "in_person",
            "languages": "English, Swedish",
        },
    ),
]


@demo_seeders.register("matching", order=10)
def seed(demo: DemoContext) -> None:
    MentorProfile.objects.update_or_create(
        user=demo.mentor,
        defaults={
            "research_areas": "Reinforcement learning: value-based and policy-gradient methods, "
            "off-policy evaluation.",
            "topic_tags": "RL, decision making",
            "method_tags": "policy-gradient methods, value-based methods",
            "seniority": "postdoc",
            "institution": "University RL group",
            "capacity": 3,
            "accepting": True,
            "cadence": "weekly",
            "languages": "English",
            "offer": "Paper reading, PhD application reviews, and weekly check-ins.",
        },
    )
    StudentPreferences.objects.update_or_create(
        user=demo.student,
        defaults={
            "interests": "Reinforcement learning, policy-gradient methods, probabilistic "
            "modelling.",
            "tags": "RL, probabilistic modelling",
            "goals": "Publish a first paper and apply for a PhD.",
            "preferred_cadence": "weekly",
            "languages": "English",
        },
    )
    mentorship = Mentorship.objects.filter(
        student=demo.student, mentor=demo.mentor, status=Mentorship.Status.ACTIVE
    ).first()
    if mentorship is None:
        now = timezone.now()
        mentorship = Mentorship.objects.create(
            student=demo.student,
            mentor=demo.mentor,
            status=Mentorship.Status.ACTIVE,
            message="I would love guidance on policy-gradient methods.",
            responded_at=now,
            started_at=now,
        )
    mentorship.share_plan = mentorship.share_reading = mentorship.share_papers = True
    mentorship.save(update_fields=["share_plan", "share_reading", "share_papers"])
    demo.extra["mentorship"] = mentorship

    people = demo_people(
        [
            DemoPerson(
                email=f"{local}@{DOMAIN}",
                display_name=name,
                roles=frozenset({"mentor"}),
                timezone=tz,
                bio=fields["research_areas"],
            )
            for local, name, tz, fields in EXTRA_MENTORS
        ]
    )
    by_local = {"mentor": demo.mentor}
    for local, _, _, fields in EXTRA_MENTORS:
        user = people[f"{local}@{DOMAIN}"]
        MentorProfile.objects.update_or_create(user=user, defaults=fields)
        by_local[local] = user
    mentors = list(by_local.values())

    name = "Research Mentoring Programme"
    programme = Programme.objects.filter(name=name, coordinators=demo.coordinator).first()
    if programme is None:
        programme = Programme.objects.create(
            name=name,
            description="The department's mentoring scheme for aspiring researchers.",
        )
        ProgrammeCoordinator.objects.create(programme=programme, user=demo.coordinator)
    cohort, _ = Cohort.objects.get_or_create(programme=programme, name="2026 intake")
    CohortMembership.objects.get_or_create(
        cohort=cohort, user=demo.student, role=MemberRole.STUDENT
    )
    for mentor in mentors:
        CohortMembership.objects.get_or_create(cohort=cohort, user=mentor, role=MemberRole.MENTOR)
    matching_round, _ = MatchingRound.objects.get_or_create(
        cohort=cohort, name="Autumn matching", defaults={"status": MatchingRound.Status.OPEN}
    )
    demo.extra["cohort_students"] = seed_cohort(
        cohort=cohort,
        matching_round=matching_round,
        mentors=by_local,
        demo_mentor=demo.mentor,
        coordinator=demo.coordinator,
    )
    demo.extra.update(programme=programme, cohort=cohort, matching_round=matching_round)
