"""Access-control checks shared by the view tests: who gets what for one URL."""

from django.conf import settings
from django.shortcuts import resolve_url

READ_RULES = {
    "owner": 200,
    "sharing_mentor": 200,
    "private_mentor": 404,
    "other_student": 404,
    "anonymous": 302,
}
WRITE_RULES = {**READ_RULES, "sharing_mentor": 404}


def people(request) -> dict:
    """Resolve the fixtures by name (student is the owner of everything under test)."""
    return {
        "owner": request.getfixturevalue("student"),
        "sharing_mentor": request.getfixturevalue("sharing_mentor"),
        "private_mentor": request.getfixturevalue("private_mentor"),
        "other_student": request.getfixturevalue("other_student"),
        "anonymous": None,
    }


def status_as(client, user, url, *, method="get", data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    if user is None:
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    return response.status_code
