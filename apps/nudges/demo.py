from apps.accounts.demo import DemoContext
from apps.core.registry import demo_seeders
from apps.nudges.models import Kind, KindPreference, Mode, NudgeSettings


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
