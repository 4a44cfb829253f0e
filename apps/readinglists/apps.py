from django.apps import AppConfig


class ReadinglistsConfig(AppConfig):
    name = "apps.readinglists"
    label = "readinglists"

    def ready(self) -> None:
        # Registered in every process: services enqueue tasks by name (apps.core.enqueue),
        # and with CELERY_TASK_ALWAYS_EAGER a registered task runs in-process.
        from apps.readinglists import tasks  # noqa: F401
