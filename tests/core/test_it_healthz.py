import json
import logging

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_reports_database_and_redis_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.django_db
def test_healthz_needs_no_login_and_is_not_cached(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_names_redis_when_it_is_down(client, caplog):
    with caplog.at_level(logging.ERROR, logger="apps.core.views"):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {
        "status": "down",
        "checks": {"database": "ok", "redis": "down"},
        "failing": ["redis"],
    }
    # The error text (host and port) is for the operator's log, never the public answer.
    assert "127.0.0.1" not in response.content.decode()
    assert "Connection" not in response.content.decode()
    assert "redis is down" in caplog.text
    assert "127.0.0.1:1" in caplog.text


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_is_down(client, monkeypatch, caplog):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    with caplog.at_level(logging.ERROR, logger="apps.core.views"):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == "down"
    assert "errors" not in body
    assert "connection refused" not in response.content.decode()
    assert "OperationalError: connection refused" in caplog.text
