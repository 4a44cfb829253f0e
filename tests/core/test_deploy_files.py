"""The deployment files are checked by reading them, since no container engine runs here."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_whole_stack_from_one_image():
    services = _compose()["services"]

    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(services)
    app_services = ["web", "worker", "beat", "migrate"]
    assert {services[name]["image"] for name in app_services} == {"pacer:latest"}
    assert all(services[name]["build"] == "." for name in app_services)
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert "scale" not in services["beat"]
    assert "deploy" not in services["beat"]


def test_compose_services_have_health_checks_and_named_volumes():
    compose = _compose()
    services = compose["services"]

    for name in ["web", "worker", "beat", "postgres", "redis", "mailpit"]:
        assert "test" in services[name]["healthcheck"], name
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert set(compose["volumes"]) == {"pgdata", "redisdata"}
    assert services["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]


def test_compose_points_the_app_at_its_services():
    env = _compose()["services"]["web"]["environment"]

    assert env["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["EMAIL_HOST"] == "mailpit"
    assert env["DEBUG"] == "0"
    assert len(env["SECRET_KEY"]) >= 50


def test_every_environment_variable_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    settings_source = (ROOT / "config" / "settings" / "base.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', settings_source))
    for pair in re.findall(r'\("([A-Z]+_CLIENT_ID)", "([A-Z]+_SECRET)"\)', settings_source):
        read |= set(pair)
    compose_env = set(_compose()["services"]["web"]["environment"])

    assert "DATABASE_URL" in read
    missing = sorted(name for name in read | compose_env if f"`{name}`" not in readme)
    assert missing == []


def test_dockerfile_builds_static_files_and_runs_gunicorn_as_non_root():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "uv sync --frozen --no-dev" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "USER pacer" in dockerfile
    assert "gunicorn config.wsgi:application" in dockerfile
    assert "HEALTHCHECK" in dockerfile
