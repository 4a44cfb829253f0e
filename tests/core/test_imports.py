"""Imports run one way: tasks import services, never the reverse; an app's tasks module
is imported only by its app config (so that tasks queued by name are registered)."""

import re
from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"
IMPORTS_TASKS = re.compile(
    r"^\s*(from apps\.\w+(\.tasks)? import .*\btasks\b|from apps\.\w+\.tasks import)"
)


def test_only_app_configs_import_tasks():
    offenders = [
        f"{path.relative_to(APPS)}:{number}"
        for path in sorted(APPS.rglob("*.py"))
        if path.name not in {"tasks.py", "apps.py"}
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if IMPORTS_TASKS.search(line)
    ]
    assert offenders == []
