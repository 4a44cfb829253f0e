"""Settings that depend on the environment, checked in a fresh process each time."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'apps': s.INSTALLED_APPS, 'cache': s.CACHES['default']['BACKEND'], "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
    "'email': s.EMAIL_BACKEND, 'db': s.DATABASES['default']['ENGINE'], "
    "'db_host': s.DATABASES['default']['HOST'], 'beat': sorted(s.CELERY_BEAT_SCHEDULE), "
    "'pool': bool(s.DATABASES['default'].get('OPTIONS', {}).get('pool'))}))"
)


def _run(**env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(**env: str) -> dict:
    result = _run(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_servers_when_nothing_is_configured():
    s = _settings()

    # The real PostgreSQL and Redis servers shipped as packages, reached on Unix sockets.
    assert s["db"] == "django.db.backends.postgresql"
    assert s["db_host"].startswith("/")
    assert s["pool"] is True
    assert s["eager"] is False
    assert s["broker"].startswith("redis+socket:///")
    assert s["cache"].endswith("RedisCache")
    assert s["email"] == "apps.core.devmail.ConsoleAndStoreBackend"
    assert not any(app.startswith("allauth.socialaccount.providers.") for app in s["apps"])


def test_a_sqlite_url_is_refused_with_a_clear_message():
    result = _run(DATABASE_URL="sqlite:///db.sqlite3", REDIS_URL="redis://127.0.0.1:6379/3")

    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr
    assert "'sqlite'" in result.stderr


def test_postgres_and_redis_when_configured():
    s = _settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/pacer",
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_HOST="smtp.example.org",
    )

    assert s["db"] == "django.db.backends.postgresql"
    assert s["pool"] is True
    assert s["eager"] is False
    assert s["broker"] == "redis://127.0.0.1:6379/3"
    # allauth's rate limits use this cache, so they hold across processes.
    assert s["cache"].endswith("RedisCache")
    assert s["email"].endswith("smtp.EmailBackend")


def test_social_providers_switch_on_only_with_their_keys():
    s = _settings(
        GITHUB_CLIENT_ID="id", GITHUB_SECRET="secret", ORCID_CLIENT_ID="orcid-id", ORCID_SECRET="x"
    )

    providers = {a for a in s["apps"] if a.startswith("allauth.socialaccount.providers.")}
    assert providers == {
        "allauth.socialaccount.providers.github",
        "allauth.socialaccount.providers.orcid",
    }


def test_the_venue_refresh_is_scheduled_only_when_a_source_is_set():
    configured = {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/pacer",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
    }
    without = _settings(**configured)
    with_source = _settings(**configured, VENUES_SOURCE_URL="https://example.org/venues.yml")

    assert "research-refresh-venues" not in without["beat"]
    assert "research-refresh-venues" in with_source["beat"]
    assert "nudges-sweep" in without["beat"]
