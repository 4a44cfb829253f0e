import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.core.demo import DEMO_COORDINATOR, DEMO_MENTOR, DEMO_PASSWORD, DEMO_STUDENT


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_the_demo_accounts_can_log_in(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = {model: model.objects.count() for model in _all_models()}
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert {model: model.objects.count() for model in _all_models()} == counts
    roles = {
        DEMO_STUDENT: ["student"],
        DEMO_MENTOR: ["mentor"],
        DEMO_COORDINATOR: ["coordinator"],
    }
    for email, expected in roles.items():
        user = User.objects.get(email=email)
        assert user.roles == expected
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert response.url == "/home/"
        assert client.get("/home/").status_code == 200


def _all_models():
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.app_label not in {"sessions", "admin"}]
