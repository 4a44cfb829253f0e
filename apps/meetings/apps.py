from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "apps.meetings"
    label = "meetings"

    def ready(self) -> None:
        # Register the tasks in every process (services enqueue them by name).
        from apps.meetings import tasks  # noqa: F401
