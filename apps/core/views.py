from __future__ import annotations

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the message says which
        return f"{type(exc).__name__}: {exc}"
    return None


def _check_redis() -> str | None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        client.close()
    return None


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page links: send
    them to the icon the pages use."""
    return redirect(static("img/favicon.svg"), permanent=True)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    failures: dict[str, str] = {}
    db_error = _check_database()
    checks["database"] = "ok" if db_error is None else "down"
    if db_error:
        failures["database"] = db_error
    if settings.REDIS_URL:
        redis_error = _check_redis()
        checks["redis"] = "ok" if redis_error is None else "down"
        if redis_error:
            failures["redis"] = redis_error
    status = 503 if failures else 200
    body: dict[str, object] = {"status": "ok" if not failures else "down", "checks": checks}
    if failures:
        body["failing"] = sorted(failures)
        body["errors"] = failures
    return JsonResponse(body, status=status)


@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "core/landing.html")
