import pytest
from django.urls import reverse

from apps.research.models import Draft
from tests.research.access import WRITE_RULES, people, status_as
from tests.research.factories import DraftFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "expected"), WRITE_RULES.items())
def test_only_the_owner_may_delete(client, request, who, expected):
    users = people(request)
    draft = DraftFactory(owner=users["owner"])
    url = reverse("research:draft_delete", args=[draft.pk])
    assert status_as(client, users[who], url, method="post") == (
        302 if expected == 200 else expected
    )
    assert Draft.objects.filter(pk=draft.pk).exists() == (who != "owner")
