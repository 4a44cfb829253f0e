import factory
from django.utils import timezone

from apps.readinglists.models import Assignment, Item, Progress, ReadingList, ReviewCard
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorshipFactory  # noqa: F401  (re-exported for tests)


class ReadingListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingList

    owner = factory.SubFactory(UserFactory, is_student=True)
    title = factory.Sequence(lambda n: f"Reading list {n}")
    topic_tags = factory.LazyFunction(lambda: ["reinforcement learning"])
    method_tags = factory.LazyFunction(lambda: ["policy gradient"])


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    reading_list = factory.SubFactory(ReadingListFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"A study of method {n}")
    authors = factory.LazyFunction(lambda: ["Ada Lovelace", "Alan Turing"])
    year = 2020
    venue = "NeurIPS"


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Progress

    user = factory.SubFactory(UserFactory)
    item = factory.SubFactory(ItemFactory)
    status = "reading"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    reading_list = factory.SubFactory(ReadingListFactory)
    mentee = factory.SubFactory(UserFactory, is_student=True)
    assigned_by = factory.SelfAttribute("reading_list.owner")


class ReviewCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCard

    owner = factory.SubFactory(UserFactory, is_student=True)
    topic = "probability"
    prompt = factory.Sequence(lambda n: f"State fact number {n}")
    answer = "The answer."
    due = factory.LazyFunction(timezone.now)
