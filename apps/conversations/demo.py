"""Demo data: a short thread between the demo student and the demo mentor, the last
message not yet read by the mentor (so the badge shows)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DemoContext
from apps.conversations.models import Message, ReadMark
from apps.core.registry import demo_seeders
from apps.matching.models import Mentorship

# (hours ago, written by the student?, body)
THREAD = [
    (
        30,
        True,
        "Hi! I read the policy-gradient chapter you suggested. Is **REINFORCE** with a "
        "baseline still worth implementing from scratch, or should I go straight to PPO?",
    ),
    (
        29,
        False,
        "Implement REINFORCE with a baseline first: it is short, and watching the "
        "variance drop teaches more than any library. Then PPO.\n\n"
        "- start with CartPole\n- plot the returns over 5 seeds",
    ),
    (5, False, "Also: bring your plot to our next check-in and we will look at it together."),
    (
        1,
        True,
        "Done for CartPole: the baseline halves the variance. I put the plot in my draft; "
        "see you on Thursday!",
    ),
]


@demo_seeders.register("conversations", order=50)
def seed(demo: DemoContext) -> None:
    mentorship = Mentorship.objects.filter(
        student=demo.student, mentor=demo.mentor, status=Mentorship.Status.ACTIVE
    ).first()
    if mentorship is None or Message.objects.filter(mentorship=mentorship).exists():
        return
    now = timezone.now()
    with transaction.atomic():
        written = Message.objects.bulk_create(
            [
                Message(
                    mentorship=mentorship,
                    author=demo.student if by_student else demo.mentor,
                    body=body,
                    created_at=now - timedelta(hours=hours),
                )
                for hours, by_student, body in THREAD
            ]
        )
        # The student has read everything; the mentor all but the student's last message.
        ReadMark.objects.bulk_create(
            [
                ReadMark(mentorship=mentorship, user=demo.student, last_read_id=written[-1].pk),
                ReadMark(mentorship=mentorship, user=demo.mentor, last_read_id=written[-2].pk),
            ]
        )
