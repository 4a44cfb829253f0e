from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.demo import DemoContext, demo_user
from apps.core.demo import DEMO_COORDINATOR, DEMO_MENTOR, DEMO_PASSWORD, DEMO_STUDENT
from apps.core.registry import demo_seeders


class Command(BaseCommand):
    help = "Create (or refresh) a small demo programme. Safe to run repeatedly."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        demo = DemoContext(
            student=demo_user(
                DEMO_STUDENT,
                display_name="Ada Student",
                roles={"student"},
                research_interests="reinforcement learning, policy-gradient methods, "
                "probabilistic modelling",
                bio="Final-year undergraduate in mathematics, aiming for a PhD in RL.",
            ),
            mentor=demo_user(
                DEMO_MENTOR,
                display_name="Dr Grace Mentor",
                roles={"mentor"},
                research_interests="reinforcement learning, value-based methods, "
                "off-policy evaluation",
                bio="Postdoc in an RL group; mentors two students a year.",
            ),
            coordinator=demo_user(
                DEMO_COORDINATOR,
                display_name="Alan Coordinator",
                roles={"coordinator"},
                bio="Runs the department's research mentoring programme.",
            ),
        )
        for name, seeder in demo_seeders.items():
            seeder(demo)
            self.stdout.write(f"  seeded {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Log in as {DEMO_STUDENT}, {DEMO_MENTOR} or "
                f"{DEMO_COORDINATOR} with password {DEMO_PASSWORD}"
            )
        )
