"""Security headers for static files.

WhiteNoise answers static files before any of Pacer's middleware runs, so the headers
that middleware gives pages are added here, once per file when WhiteNoise indexes it."""

from __future__ import annotations

from wsgiref.headers import Headers

# A static file is never a page: opened on its own (an SVG, say) it may load nothing,
# run nothing and be framed by no one.
STATIC_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; font-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def add_security_headers(headers: Headers, path: str, url: str) -> None:
    from django.conf import settings

    headers["Content-Security-Policy"] = STATIC_CSP
    headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    headers["Permissions-Policy"] = settings.PERMISSIONS_POLICY
