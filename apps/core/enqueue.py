"""Queue Celery work by task name once the current transaction commits.

Services call this instead of importing ``tasks``: tasks import services, so the
reverse import would be a circle. A signature by name still runs in-process when
``CELERY_TASK_ALWAYS_EAGER`` is on (the registered task is found by its name) and is
sent to the broker otherwise. A rolled-back write never enqueues anything.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction


def enqueue_on_commit(task_name: str, *args: int) -> None:
    transaction.on_commit(lambda: current_app.signature(task_name, args=args).delay())
