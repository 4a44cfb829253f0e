import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("pacer")
# Every Celery option lives in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Once a day at 04:17 UTC, off the hour when the community's lists are edited most.
VENUES_REFRESH = {"hour": 4, "minute": 17}


@app.on_after_configure.connect
def add_optional_schedules(sender: Celery, **kwargs: object) -> None:
    """Periodic jobs that exist only when configured (CELERY_BEAT_SCHEDULE in the
    settings holds the unconditional ones)."""
    from celery.schedules import crontab
    from django.conf import settings

    if getattr(settings, "VENUES_SOURCE_URL", ""):
        sender.add_periodic_task(
            crontab(**VENUES_REFRESH),
            sender.signature("research.refresh_venues"),
            name="research-refresh-venues",
            expires=3600,
        )
