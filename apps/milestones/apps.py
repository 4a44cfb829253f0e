from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "apps.milestones"
    label = "milestones"

    def ready(self) -> None:
        # Its figures' receivers retire kept dashboard figures, in every process.
        from apps.milestones import dashboards  # noqa: F401
