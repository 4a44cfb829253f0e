"""Every URL of the project refuses anonymous visitors, except an explicit allow-list.

The walk covers URL patterns added later automatically: a new view that forgets its
access check fails here.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# URL names (namespace:name) that anonymous visitors may reach, and why.
ALLOWED_ANONYMOUS = {
    "landing",  # the public front page
    "healthz",  # probed by load balancers
    "favicon",  # a permanent redirect to the static icon
    "admin:login",  # forwards to allauth's log-in
    # Token- or signature-protected endpoints, added by their apps:
    "nudges:unsubscribe",  # signed one-click unsubscribe (RFC 8058)
    "milestones:calendar_feed",  # secret-token iCalendar feed for calendar apps
}
# allauth's own pages (log-in, sign-up, password reset, email confirmation, the
# provider callbacks) are public by design; allauth marks them itself.
ALLOWED_PREFIXES = ("/accounts/",)

SAMPLE_ARGS = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": str(uuid.UUID(int=1)),
    "path": "sample/path",
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield prefix + str(entry.pattern), name, entry


def _sample_url(route: str, pattern: URLPattern) -> str:
    converters = getattr(pattern.pattern, "converters", {})
    url = route
    for arg, converter in converters.items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        sample = SAMPLE_ARGS.get(kind, "sample")
        url = url.replace(f"<{kind}:{arg}>", sample).replace(f"<{arg}>", sample)
    if url.startswith("^"):
        url = url.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + url


ROUTES = [
    (route, name, pattern)
    for route, name, pattern in _walk(get_resolver().url_patterns)
    if not route.startswith("static/")
]


def test_the_walk_sees_the_project_urls():
    names = {name for _route, name, _pattern in ROUTES}
    assert {"home", "healthz", "accounts:onboarding", "accounts:delete"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "name", "pattern"), ROUTES, ids=[route or "/" for route, *_ in ROUTES]
)
def test_anonymous_visitors_are_sent_to_log_in_or_refused(client, route, name, pattern):
    url = _sample_url(route, pattern)
    if name in ALLOWED_ANONYMOUS or url.startswith(ALLOWED_PREFIXES):
        # Public by design: it must still answer without a server error.
        assert client.get(url).status_code < 500, url
        return
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        refused = response.status_code in (401, 403, 404, 405)
        to_login = response.status_code == 302 and (
            response.url.startswith("/accounts/login/") or "/admin/login/" in response.url
        )
        assert refused or to_login, f"{method.upper()} {url} ({name}) -> {response.status_code}"
        assert response.status_code != 200
