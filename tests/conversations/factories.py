import factory

from apps.conversations.models import Message
from tests.matching.factories import MentorshipFactory


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    mentorship = factory.SubFactory(MentorshipFactory)
    author = factory.LazyAttribute(lambda m: m.mentorship.student)
    body = factory.Sequence(lambda n: f"Message number {n}")
