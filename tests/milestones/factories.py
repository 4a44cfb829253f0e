import datetime

import factory

from apps.milestones.models import Category, CheckIn, Milestone, Plan
from tests.accounts.factories import UserFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    owner = factory.SubFactory(UserFactory, is_student=True)
    title = factory.Sequence(lambda n: f"Plan {n}")
    target_role = "Research scientist in RL at an industry lab"
    focus_areas = "reinforcement learning, causal inference"
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=365))
    horizon_years = 5


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    plan = factory.SubFactory(PlanFactory)
    category = Category.RESEARCH
    title = factory.Sequence(lambda n: f"Milestone {n}")
    success_criterion = "Something measurable happened"
    target_date = factory.LazyAttribute(lambda o: o.plan.start_date + datetime.timedelta(days=400))
    position = factory.Sequence(lambda n: n)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    plan = factory.SubFactory(PlanFactory)
    author = factory.LazyAttribute(lambda o: o.plan.owner)
    date = factory.LazyFunction(datetime.date.today)
    agenda = "Progress"
    notes = "Went well"
