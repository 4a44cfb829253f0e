from django.apps import AppConfig


class NudgesConfig(AppConfig):
    name = "apps.nudges"
    label = "nudges"

    def ready(self) -> None:
        # Its receivers retire the kept home lists a snooze changes, in every process.
        from apps.nudges import snoozes  # noqa: F401
