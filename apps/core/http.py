from django.http import HttpRequest

from apps.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request type of views behind log-in (LoginRequiredMiddleware guarantees it)."""

    user: User
