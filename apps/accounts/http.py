from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from apps.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request type of views behind log-in (LoginRequiredMiddleware guarantees a user)
    with the ``htmx`` details django-htmx's middleware adds."""

    user: User
    htmx: HtmxDetails
