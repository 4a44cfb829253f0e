import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.nudges.models import Notification
from tests.accounts.factories import UserFactory

BEFORE = [("nudges", "0005_scrub_failure_reasons")]


@pytest.mark.django_db(transaction=True)
def test_notifications_written_before_templates_keep_their_words():
    user = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("nudges", "Notification")
    pk = old.objects.create(
        user_id=user.pk,
        kind="milestone_due",
        object_id=1,
        title="Finish “Chapter two” — due tomorrow",
        body="Target date 26 Nov 2026.",
        url="/plans/",
        delivery="none",
        created_at=timezone.now(),
    ).pk

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    item = Notification.objects.get(pk=pk)
    assert item.context == {
        "stored": {
            "title": "Finish “Chapter two” — due tomorrow",
            "body": "Target date 26 Nov 2026.",
        }
    }
    assert (item.title, item.body) == (
        "Finish “Chapter two” — due tomorrow",
        "Target date 26 Nov 2026.",
    )
