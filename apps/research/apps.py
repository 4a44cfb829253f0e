from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "apps.research"
    label = "research"

    def ready(self) -> None:
        # Its figures' receivers retire kept dashboard figures, in every process.
        from apps.research import dashboards  # noqa: F401
