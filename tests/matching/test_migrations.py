"""The move from one coordinator per programme to several keeps every coordinator."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("matching", "0002_programme_coordinators")]
AFTER = [("matching", "0004_remove_programme_single_coordinator")]


@pytest.mark.django_db(transaction=True)
def test_each_programmes_coordinator_becomes_its_first_co_coordinator():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user_model = old.get_model("accounts", "User")
    programme_model = old.get_model("matching", "Programme")
    first = user_model.objects.create(email="first@example.org", is_coordinator=True)
    second = user_model.objects.create(email="second@example.org", is_coordinator=True)
    one = programme_model.objects.create(name="One", coordinator=first)
    two = programme_model.objects.create(name="Two", coordinator=second)

    executor.loader.build_graph()
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    links = new.get_model("matching", "ProgrammeCoordinator").objects.order_by("programme_id")
    assert [(link.programme_id, link.user_id) for link in links] == [
        (one.pk, first.pk),
        (two.pk, second.pk),
    ]
    # Back to the latest state of every app for the tests that follow.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
