"""Imports in the matching app run one way: tasks import services, never the reverse,
and no module of the app imports itself back through another."""

import ast
from pathlib import Path

import apps.matching

APP = Path(apps.matching.__file__).parent
PREFIX = "apps.matching."


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in APP.glob("*.py"):
        module = path.stem
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "apps.matching":
                    found.update(alias.name for alias in node.names)
                elif node.module.startswith(PREFIX):
                    found.add(node.module.removeprefix(PREFIX).split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(
                    a.name.removeprefix(PREFIX).split(".")[0]
                    for a in node.names
                    if a.name.startswith(PREFIX)
                )
        graph[module] = found - {module}
    return graph


def test_only_the_app_config_imports_the_tasks():
    importers = {module for module, imported in _imports().items() if "tasks" in imported}
    assert importers == {"apps"}


def test_no_import_circle_between_the_apps_modules():
    graph = _imports()
    graph.pop("apps")  # AppConfig.ready runs once everything is loaded.

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == target:
                return True
            if nxt not in seen:
                seen.add(nxt)
                if reaches(nxt, target, seen):
                    return True
        return False

    circles = sorted(module for module in graph if reaches(module, module, set()))
    assert circles == []


def test_no_module_of_the_app_passes_600_lines():
    long = {p.name: n for p in APP.glob("*.py") if (n := len(p.read_text().splitlines())) > 600}
    assert long == {}
