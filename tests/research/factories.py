import datetime as dt

import factory
from django.utils import timezone

from apps.research.deadlines import deadline_to_utc, parse_timezone
from apps.research.models import (
    Contact,
    ContactStatus,
    DeadlineKind,
    Draft,
    DraftStageChange,
    Interaction,
    InteractionKind,
    Stage,
    Venue,
    VenueDeadline,
)
from tests.accounts.factories import UserFactory


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    title = factory.Sequence(lambda n: f"CONF{n}")
    full_name = factory.LazyAttribute(lambda o: f"Conference {o.title}")
    link = "https://example.org/conf"
    tags = factory.LazyFunction(lambda: ["machine-learning"])


class VenueDeadlineFactory(factory.django.DjangoModelFactory):
    """A deadline ``in_days`` from today on the venue's calendar (23:59:59 AoE on that
    day): the day count the nudges and pages show, whatever the hour in UTC."""

    class Meta:
        model = VenueDeadline
        exclude = ["in_days"]

    venue = factory.SubFactory(VenueFactory)
    in_days = 30
    year = factory.LazyAttribute(lambda o: o.local_date.year)
    kind = DeadlineKind.PAPER
    local_time = dt.time(23, 59, 59)
    timezone_name = "AoE"
    local_date = factory.LazyAttribute(
        lambda o: (
            timezone.now().astimezone(parse_timezone(o.timezone_name)).date()
            + dt.timedelta(days=o.in_days)
        )
    )
    due_at = factory.LazyAttribute(
        lambda o: deadline_to_utc(o.local_date, o.local_time, o.timezone_name)
    )


class DraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Draft
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory, is_student=True)
    title = factory.Sequence(lambda n: f"Draft paper {n}")
    stage = Stage.DRAFTING
    stage_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create:
            DraftStageChange.objects.create(
                draft=obj, from_stage="", to_stage=obj.stage, changed_at=obj.stage_changed_at
            )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    owner = factory.SubFactory(UserFactory, is_student=True)
    name = factory.Sequence(lambda n: f"Dr Researcher {n}")
    affiliation = "Example University"
    email = factory.Sequence(lambda n: f"researcher{n}@example.edu")
    purpose = "advice"

    class Params:
        # Emailed, no reply, and the follow-up date was yesterday: a follow-up is due.
        follow_up_due = factory.Trait(
            status=ContactStatus.EMAILED,
            follow_up_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(1)),
        )


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    contact = factory.SubFactory(ContactFactory)
    kind = InteractionKind.EMAIL_SENT
    occurred_on = factory.LazyFunction(lambda: timezone.now().date())
