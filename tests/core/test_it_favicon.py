"""/favicon.ico, which browsers ask for whatever the page links, leads to the icon."""

from __future__ import annotations

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_redirects_anyone_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("img/favicon.svg")
    assert response["Location"].endswith(".svg")


def test_favicon_answers_only_get(client):
    assert client.post("/favicon.ico").status_code == 405
