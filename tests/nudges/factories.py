import factory
from django.utils import timezone

from apps.matching.models import Mentorship
from apps.nudges.models import DIGEST_DAILY, Delivery, Kind, Notification, OutboxMessage
from tests.accounts.factories import UserFactory


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    student = factory.SubFactory(UserFactory, is_student=True)
    mentor = factory.SubFactory(UserFactory, is_mentor=True)
    status = Mentorship.Status.PENDING


def _open_milestone_of(user) -> int:
    # A nudge about a milestone that exists and is open: one about nothing would be
    # cleared as no longer true before it could be listed or sent.
    from tests.milestones.factories import MilestoneFactory

    return MilestoneFactory(plan__owner=user).pk


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    class Params:
        title = factory.Sequence(lambda n: f"Finish milestone {n}")
        body = "It is due in 3 days."

    user = factory.SubFactory(UserFactory)
    kind = Kind.MILESTONE_DUE
    object_id = factory.LazyAttribute(lambda o: _open_milestone_of(o.user))
    period = ""
    # Words given as they would have been stored before templates; a rule's own
    # context (rendered through its template) is passed as ``context``.
    context = factory.LazyAttribute(lambda o: {"stored": {"title": o.title, "body": o.body}})
    url = "/plans/"
    delivery = Delivery.IMMEDIATE
    created_at = factory.LazyFunction(timezone.now)


class OutboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    # A notification's own email: its person is the notification's.
    notification = factory.SubFactory(NotificationFactory)
    user = None
    kind = factory.SelfAttribute("notification.kind")
    object_id = factory.SelfAttribute("notification.object_id")
    period = factory.SelfAttribute("notification.period")
    next_attempt_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyFunction(timezone.now)


class DigestFactory(factory.django.DjangoModelFactory):
    """A person's daily digest slot: the row names its person itself."""

    class Meta:
        model = OutboxMessage

    user = factory.SubFactory(UserFactory)
    notification = None
    kind = DIGEST_DAILY
    object_id = 0
    period = "2026-11-25"
    next_attempt_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyFunction(timezone.now)
