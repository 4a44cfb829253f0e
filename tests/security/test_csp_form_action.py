"""Forms may post to Pacer and to the social log-in providers that are switched on, nowhere else."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
)


def _form_action(**env: str) -> list[str]:
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "f" * 20 + "0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/pacer",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_pages_allow_forms_to_post_to_pacer_only(client):
    response = client.get("/accounts/login/")

    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["form-action"] == "'self'"


def test_without_social_providers_form_action_is_self_only():
    assert _form_action() == ["'self'"]


def test_each_switched_on_provider_adds_its_own_origin_only():
    form_action = _form_action(
        GITHUB_CLIENT_ID="id", GITHUB_SECRET="x", ORCID_CLIENT_ID="o", ORCID_SECRET="x"
    )

    assert form_action == ["'self'", "https://orcid.org", "https://github.com"]
    assert "https:" not in form_action


def test_google_adds_its_account_origin():
    assert _form_action(GOOGLE_CLIENT_ID="id", GOOGLE_SECRET="x") == [
        "'self'",
        "https://accounts.google.com",
    ]
