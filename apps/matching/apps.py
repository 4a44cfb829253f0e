from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "apps.matching"
    label = "matching"

    def ready(self) -> None:
        # Register the tasks in every process, not only in workers: services enqueue
        # them by name (apps.core.enqueue), and a registered task runs in-process
        # when CELERY_TASK_ALWAYS_EAGER is on instead of going to the broker.
        from apps.matching import tasks  # noqa: F401
