"""The demo programme's cohort: thirty students with varied interests, most of whom have
ranked mentors in the open round, so that running the stable and the optimal algorithm
shows a real trade-off (the popular mentors are wanted by more students than they can
take, and students do not always rank the mentor who fits them best).

Everything is drawn from one seeded ``random.Random``, so every run builds the same
people and choices; rows that exist already are left alone, so a second run (or a
choice a visitor changed in the round) changes nothing. Bulk writes keep the quick start
quick.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from apps.accounts.demo import DemoPerson, demo_people
from apps.matching.models import (
    Cohort,
    CohortInvitation,
    CohortMembership,
    MatchingRound,
    MemberRole,
    Mentorship,
    RoundChoice,
    StudentPreferences,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

SEED = 2026
STUDENTS = 29  # with the demo student, a cohort of thirty
NOT_RANKING = 3  # with the demo student, four have not ranked yet
DOMAIN = "demo.pacer.test"


@dataclass(frozen=True)
class Field:
    label: str
    topics: tuple[str, ...]
    tags: str
    mentors: tuple[str, ...]  # email local parts of the mentors working in the field
    weight: int  # how many students pick it first: RL is crowded on purpose


FIELDS: dict[str, Field] = {
    "rl": Field(
        "Reinforcement learning",
        ("policy-gradient methods", "offline RL", "robot learning", "multi-agent RL"),
        "RL",
        ("mentor", "omar", "yuki"),
        8,
    ),
    "nlp": Field(
        "Natural language processing",
        ("low-resource languages", "machine translation", "language models", "transformers"),
        "NLP, multilingual",
        ("kwame",),
        5,
    ),
    "cv": Field(
        "Computer vision",
        ("self-supervised learning", "contrastive learning", "medical imaging"),
        "computer vision",
        ("priya",),
        4,
    ),
    "causal": Field(
        "Causal inference",
        ("treatment effects", "instrumental variables", "policy evaluation", "econometrics"),
        "causal inference, statistics",
        ("lin", "jonas"),
        4,
    ),
    "bayes": Field(
        "Bayesian machine learning",
        ("variational inference", "probabilistic programming", "MCMC"),
        "probabilistic modelling, Bayesian methods",
        ("sofia",),
        3,
    ),
    "opt": Field(
        "Optimisation",
        ("convex optimisation", "SGD", "learning theory"),
        "optimisation, theory",
        ("maria",),
        3,
    ),
    "fair": Field(
        "ML fairness",
        ("algorithmic fairness", "accountability", "ethics of machine learning"),
        "ML fairness, ethics",
        ("jonas", "lin"),
        2,
    ),
}

# How much students are drawn to a mentor beyond fit (a name, a famous lab): the reason
# ranked choices and fit disagree, and why a few mentors are everyone's first choice.
PULL = {
    "omar": 1.0,
    "maria": 0.8,
    "lin": 0.7,
    "mentor": 0.5,
    "kwame": 0.4,
    "priya": 0.3,
    "yuki": 0.3,
    "jonas": 0.1,
    "sofia": 0.1,
}

FIRST = [
    "Aisha",
    "Ben",
    "Carlos",
    "Dana",
    "Elif",
    "Farid",
    "Gita",
    "Hugo",
    "Ines",
    "Jae",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Oskar",
    "Paula",
    "Quinn",
    "Ravi",
    "Sara",
    "Tomas",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yara",
    "Zeynep",
    "Arjun",
    "Bea",
    "Chidi",
    "Dmitri",
]
LAST = [
    "Abara",
    "Brandt",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Gupta",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kim",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rahman",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhou",
    "Agarwal",
    "Bianchi",
    "Castro",
    "Diallo",
]
ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "America/New_York",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Singapore",
)
GOALS = (
    "Publish a first paper and apply for a PhD.",
    "Decide between a research master's and a PhD.",
    "Join a research group while finishing my degree.",
    "Move from industry into a research lab.",
    "Get a first workshop paper accepted this year.",
)
SENIORITY = ("", "", "faculty", "postdoc", "industry", "phd_student")
CADENCES = ("", "weekly", "fortnightly", "monthly")


@dataclass(frozen=True)
class StudentSpec:
    person: DemoPerson
    preferences: Mapping[str, object]
    choices: tuple[str, ...]  # mentor local parts, first choice first; empty: not ranked


def cohort_plan() -> list[StudentSpec]:
    """The same cohort on every run: only ``SEED`` decides it."""
    rng = random.Random(SEED)
    keys = list(FIELDS)
    weights = [FIELDS[k].weight for k in keys]
    firsts, lasts = rng.sample(FIRST, STUDENTS), rng.sample(LAST, STUDENTS)
    specs = []
    for index, (first, last) in enumerate(zip(firsts, lasts, strict=True)):
        primary = rng.choices(keys, weights)[0]
        secondary = rng.choice([k for k in keys if k != primary]) if rng.random() < 0.5 else ""
        field = FIELDS[primary]
        topics = rng.sample(field.topics, 2)
        interests = f"{field.label}: {topics[0]} and {topics[1]}."
        tags = field.tags
        if secondary:
            other = FIELDS[secondary]
            interests += f" Also curious about {other.label.lower()} ({other.topics[0]})."
            tags += f", {other.tags.split(',')[0]}"
        name = f"{first} {last}"
        person = DemoPerson(
            email=f"{first.lower()}.{last.lower()}@{DOMAIN}",
            display_name=name,
            roles=frozenset({"student"}),
            timezone=rng.choice(ZONES),
            bio=rng.choice(("Final-year undergraduate", "Master's student", "Software engineer"))
            + f" interested in {field.label.lower()}.",
            research_interests=", ".join([field.label.lower(), *topics]),
        )
        preferences = {
            "interests": interests,
            "tags": tags,
            "goals": rng.choice(GOALS),
            "preferred_seniority": rng.choice(SENIORITY),
            "preferred_cadence": rng.choice(CADENCES),
            "timezone_tolerance_hours": rng.choice((3, 4, 6, 8, 12)),
        }
        # Each student ranks the mentors of their fields and the well-known names, with
        # some noise of their own, so several want the same few mentors.
        affinity = {
            m: PULL[m]
            + (0.6 if m in field.mentors else 0.0)
            + (0.3 if secondary and m in FIELDS[secondary].mentors else 0.0)
            + rng.random()
            for m in PULL
        }
        length = rng.choice((3, 3, 4, 5))
        ranked = sorted(affinity, key=lambda m: -affinity[m])[:length]
        choices = tuple(ranked) if index < STUDENTS - NOT_RANKING else ()
        specs.append(StudentSpec(person, preferences, choices))
    return specs


def seed_cohort(
    *,
    cohort: Cohort,
    matching_round: MatchingRound,
    mentors: dict[str, User],
    demo_mentor: User,
    coordinator: User,
) -> list[User]:
    """Fill ``cohort`` with the planned students, their preferences and their ranked
    choices in ``matching_round``; a few pending requests and invitations give the
    mentor's and the coordinator's homes something to show. Returns the students."""
    specs = cohort_plan()
    users = demo_people([s.person for s in specs])
    students = [users[s.person.email] for s in specs]

    have_preferences = set(
        StudentPreferences.objects.filter(user__in=students).values_list("user_id", flat=True)
    )
    StudentPreferences.objects.bulk_create(
        StudentPreferences(user=users[s.person.email], **s.preferences)
        for s in specs
        if users[s.person.email].pk not in have_preferences
    )
    CohortMembership.objects.bulk_create(
        [CohortMembership(cohort=cohort, user=u, role=MemberRole.STUDENT) for u in students],
        ignore_conflicts=True,
    )
    ranked = set(
        RoundChoice.objects.filter(round=matching_round).values_list("student_id", flat=True)
    )
    RoundChoice.objects.bulk_create(
        RoundChoice(
            round=matching_round,
            student=users[s.person.email],
            mentor=mentors[local],
            rank=rank,
        )
        for s in specs
        if users[s.person.email].pk not in ranked
        for rank, local in enumerate(s.choices, start=1)
    )
    _pending_requests(students[:2], demo_mentor)
    for email, role in (
        (f"new.student@{DOMAIN}", MemberRole.STUDENT),
        (f"new.mentor@{DOMAIN}", MemberRole.MENTOR),
    ):
        CohortInvitation.objects.get_or_create(
            cohort=cohort, email=email, role=role, defaults={"invited_by": coordinator}
        )
    return students


REQUEST_MESSAGES = (
    "I would like help choosing between PhD programmes in RL.",
    "Could you read my research statement before the December deadlines?",
)


def _pending_requests(students: list[User], mentor: User) -> None:
    """Two requests waiting for the demo mentor, one of them close to expiring."""
    asked = set(
        Mentorship.objects.filter(
            mentor=mentor,
            student__in=students,
            status__in=[Mentorship.Status.PENDING, Mentorship.Status.ACTIVE],
        ).values_list("student_id", flat=True)
    )
    now = timezone.now()
    days_left = (2, max(3, settings.PACER_REQUEST_EXPIRY_DAYS - 1))
    Mentorship.objects.bulk_create(
        Mentorship(
            student=student,
            mentor=mentor,
            status=Mentorship.Status.PENDING,
            message=message,
            expires_at=now + dt.timedelta(days=days),
        )
        for student, days, message in zip(students, days_left, REQUEST_MESSAGES, strict=True)
        if student.pk not in asked
    )
