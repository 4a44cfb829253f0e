from django.apps import AppConfig


class ReadinglistsConfig(AppConfig):
    name = "apps.readinglists"
    label = "readinglists"

    def ready(self) -> None:
        # Registered in every process: services enqueue tasks by name (apps.core.enqueue),
        # and with CELERY_TASK_ALWAYS_EAGER a registered task runs in-process.
        # Its figures' receivers retire kept dashboard figures, in every process.
        from apps.readinglists import (
            dashboards,  # noqa: F401
            tasks,  # noqa: F401
        )
