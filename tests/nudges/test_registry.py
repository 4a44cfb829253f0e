import pytest
from django.core import mail
from django.core.management import call_command

from apps.core.registry import data_exporters, demo_seeders
from apps.nudges.models import KindPreference, NudgeSettings, OutboxMessage
from apps.nudges.services import nudges_sweep, outbox_send_due
from tests.nudges.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_export_has_preferences_and_notifications(student):
    NotificationFactory(user=student, title="Mine")
    NotificationFactory(title="Not mine")
    NudgeSettings.objects.create(user=student, digest_hour=6)
    export = dict(data_exporters.items())["nudges"](student)
    assert export["settings"]["digest_hour"] == 6
    assert [n["title"] for n in export["notifications"]] == ["Mine"]


def test_demo_seed_then_first_sweep_sends_an_email():
    assert "nudges" in dict(demo_seeders.items())
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)  # idempotent
    assert NudgeSettings.objects.count() == 3
    assert KindPreference.objects.exists()
    nudges_sweep()
    outbox_send_due()
    assert len(mail.outbox) >= 1
    assert OutboxMessage.objects.filter(status="sent").exists()


def test_the_nudges_engine_names_no_other_app():
    # The apps declare their rules and figures; the engine and the dashboards only
    # compose.
    import re
    from pathlib import Path

    import apps.dashboards
    import apps.nudges

    pattern = re.compile(
        r"accounts_user|matching_|milestones_|research_|readinglists_"
        r"|apps\.(milestones|research|readinglists|matching)"
    )
    roots = [Path(app.__file__).parent for app in (apps.nudges, apps.dashboards)]
    naming = [
        f"{path}:{number}"
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.suffix in {".py", ".html", ".txt"}
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert naming == []
