"""Every matching page sends an anonymous visitor to the log-in page."""

import uuid

import pytest
from django.urls import get_resolver, reverse

pytestmark = pytest.mark.django_db


def _matching_urls():
    resolver = get_resolver().url_patterns
    matching = next(p for p in resolver if getattr(p, "namespace", None) == "matching")
    for pattern in matching.url_patterns:
        args = []
        for name, converter in pattern.pattern.converters.items():
            args.append(uuid.uuid4() if "UUID" in type(converter).__name__ else 1)
            del name
        yield reverse(f"matching:{pattern.name}", args=args)


@pytest.mark.parametrize("url", list(_matching_urls()))
def test_anonymous_is_redirected(client, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
