"""Demo data: both people's answers after the demo pair's two past meetings, so the
coordinator's programme page has fit answers to show. Runs after the meetings' own
seeder (which books those meetings); idempotent: one answer per meeting and person."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DemoContext
from apps.core.registry import demo_seeders
from apps.meetings.models import Fit, Meeting, MeetingFeedback

# (student's answer, mentor's answer) for the earlier and the later meeting:
# (useful, fit, note to the coordinator).
_ANSWERS = [
    ((4, Fit.GOOD, ""), (4, Fit.DECIDING, "")),
    ((5, Fit.GOOD, "Very helpful on the PhD applications."), (4, Fit.GOOD, "")),
]


@demo_seeders.register("meeting_feedback", order=75)
def seed_meeting_feedback(demo: DemoContext) -> None:
    past = list(
        Meeting.objects.held(now=timezone.now())
        .filter(mentor=demo.mentor, student=demo.student)
        .order_by("-during")[: len(_ANSWERS)]
    )
    past.reverse()
    with transaction.atomic():
        for meeting, answers in zip(past, _ANSWERS, strict=False):
            for author, (useful, fit, note) in zip(
                (demo.student, demo.mentor), answers, strict=True
            ):
                MeetingFeedback.objects.get_or_create(
                    meeting=meeting,
                    author=author,
                    defaults={"useful": useful, "fit": fit, "note_to_coordinator": note},
                )
