from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core.demo import DemoContext
from apps.core.registry import demo_seeders
from apps.nudges.models import Delivery, Kind, KindPreference, Mode, Notification, NudgeSettings


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse("nudges:inbox")


@demo_seeders.register("nudges", order=90)
def seed(demo: DemoContext) -> None:
    for person in (demo.student, demo.mentor, demo.coordinator):
        NudgeSettings.objects.update_or_create(
            user=person, defaults={"digest_hour": 8, "weekly_day": 1, "weekdays_only": True}
        )
    # The student hears about deadlines and mentorship at once, the rest in a digest.
    for kind in (Kind.DEADLINE_COUNTDOWN, Kind.MENTORSHIP_ACCEPTED, Kind.MENTORSHIP_DECLINED):
        KindPreference.objects.update_or_create(
            user=demo.student, kind=kind, defaults={"mode": Mode.IMMEDIATE}
        )
    KindPreference.objects.update_or_create(
        user=demo.mentor, kind=Kind.MENTORSHIP_REQUEST, defaults={"mode": Mode.IMMEDIATE}
    )
    # Already due, so the first `send_nudges` (or beat sweep) sends a real email.
    now = timezone.now()
    Notification.objects.get_or_create(
        user=demo.student,
        kind=Kind.MILESTONE_DUE,
        object_id=0,
        period="demo-welcome",
        defaults={
            "title": "Review your plan: your next milestone is due in 3 days",
            "body": "Pacer reminds you before things are due. This one comes from the demo data.",
            "url": _url("milestones:plan_list"),
            "delivery": Delivery.IMMEDIATE,
            "created_at": now,
        },
    )
    Notification.objects.get_or_create(
        user=demo.mentor,
        kind=Kind.MENTOR_WEEKLY,
        object_id=0,
        period="demo-welcome",
        defaults={
            "title": "Check in with Ada: one milestone overdue",
            "body": "Your weekly look at your mentees, from the demo data.",
            "url": _url("dashboards:mentor"),
            "delivery": Delivery.IMMEDIATE,
            "created_at": now,
        },
    )
