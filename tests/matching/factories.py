import factory

from apps.accounts.models import User
from apps.matching.models import (
    Cohort,
    CohortMembership,
    MatchingRound,
    MentorProfile,
    Mentorship,
    Programme,
    ProgrammeCoordinator,
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
    name = factory.Sequence(lambda n: f"Programme {n}")

    class Meta:
        model = Programme
        skip_postgeneration_save = True

    @factory.post_generation
    def coordinator(obj: Programme, create: bool, extracted: User | None, **kwargs: object) -> None:
        """``ProgrammeFactory(coordinator=user)`` makes ``user`` its coordinator; without
        one, a new coordinator is made. ``programme.coordinators.get()`` reads it back."""
        if create:
            user = extracted or UserFactory(is_coordinator=True)
            ProgrammeCoordinator.objects.create(programme=obj, user=user)


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
