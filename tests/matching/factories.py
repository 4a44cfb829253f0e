import factory

from apps.matching.models import (
    Cohort,
    CohortMembership,
    MatchingRound,
    MentorProfile,
    Mentorship,
    Programme,
    StudentPreferences,
)
from tests.accounts.factories import UserFactory


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    user = factory.SubFactory(UserFactory, is_mentor=True)
    research_areas = "Reinforcement learning and policy-gradient methods."
    topic_tags = "RL"
    method_tags = "policy-gradient methods"
    capacity = 2
    accepting = True
    languages = "English"


class StudentPreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentPreferences

    user = factory.SubFactory(UserFactory, is_student=True)
    interests = "reinforcement learning"
    tags = "RL"
    languages = "English"


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    student = factory.SubFactory(UserFactory, is_student=True)
    mentor = factory.SubFactory(UserFactory, is_mentor=True)
    status = Mentorship.Status.ACTIVE


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    coordinator = factory.SubFactory(UserFactory, is_coordinator=True)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortMembership

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    role = "student"


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingRound

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
