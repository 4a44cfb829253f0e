from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from apps.core import devmail

logger = logging.getLogger(__name__)


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
        # Anyone may ask: the answer names the component, while the error text (hosts,
        # ports, socket paths, driver messages) goes to the operator's log only.
        body["failing"] = sorted(failures)
        for component, error in sorted(failures.items()):
            logger.error("Health check: %s is down: %s", component, error)
    return JsonResponse(body, status=status)


@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "core/landing.html")


def _require_debug() -> None:
    if not settings.DEBUG:
        raise Http404


@login_not_required
@require_GET
def dev_mail_list(request: HttpRequest) -> HttpResponse:
    """The last emails sent by any process of a development install (quick start)."""
    _require_debug()
    return render(request, "core/devmail/list.html", {"emails": devmail.stored_emails()})


@login_not_required
@require_GET
def dev_mail_detail(request: HttpRequest, email_id: str) -> HttpResponse:
    _require_debug()
    message = devmail.stored_email(email_id)
    if message is None:
        raise Http404
    return render(request, "core/devmail/detail.html", {"message": message})


@login_not_required
@require_GET
@xframe_options_sameorigin
def dev_mail_html(request: HttpRequest, email_id: str) -> HttpResponse:
    """An email's HTML part on its own, framed by the detail page. The sandbox CSP keeps
    its content from running anything or reaching the session."""
    _require_debug()
    message = devmail.stored_email(email_id)
    if message is None or not message.html:
        raise Http404
    response = HttpResponse(message.html)
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'self'"
    )
    return response
