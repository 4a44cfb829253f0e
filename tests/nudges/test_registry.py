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

    tables = re.compile(r"accounts_user|matching_|milestones_|research_|readinglists_")
    capability_apps = re.compile(r"apps\.(milestones|research|readinglists|matching)")
    checks = [(Path(apps.nudges.__file__).parent, (tables, capability_apps))]
    # The dashboards compose the apps' selectors (they may import them), but name none
    # of their tables.
    checks.append((Path(apps.dashboards.__file__).parent, (tables,)))
    naming = [
        f"{path}:{number}"
        for root, patterns in checks
        for path in sorted(root.rglob("*"))
        if path.suffix in {".py", ".html", ".txt"}
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if any(pattern.search(line) for pattern in patterns)
    ]
    assert naming == []
