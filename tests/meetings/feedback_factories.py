import datetime as dt

import factory
from django.utils import timezone
from psycopg.types.range import Range

from apps.meetings.models import Fit, Meeting, MeetingFeedback
from tests.matching.factories import MentorshipFactory


def during(start: dt.datetime, minutes: int = 30) -> Range:
    return Range(start, start + dt.timedelta(minutes=minutes), "[)")


class MeetingFactory(factory.django.DjangoModelFactory):
    """A booked meeting of an active mentorship, ``days_ago`` days ago (negative: ahead)."""

    class Meta:
        model = Meeting
        exclude = ["days_ago"]

    mentorship = factory.SubFactory(MentorshipFactory)
    mentor = factory.SelfAttribute("mentorship.mentor")
    student = factory.SelfAttribute("mentorship.student")
    days_ago = 2
    during = factory.LazyAttribute(
        lambda o: during(timezone.now().replace(microsecond=0) - dt.timedelta(days=o.days_ago))
    )
    purpose = "Talk about the PhD applications"
    booked_by = factory.SelfAttribute("student")


class MeetingFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingFeedback

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.SelfAttribute("meeting.student")
    useful = 4
    fit = Fit.GOOD
