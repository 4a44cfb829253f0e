"""What the README promises for static files (served by WhiteNoise, before Pacer's own
middleware): the headers that matter for files that are not pages."""

import pytest

from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _serve_static_from_the_source_tree(settings):
    # Production serves collected files; the test run has none collected, so WhiteNoise
    # looks them up where they live. The middleware and its headers are the same.
    settings.WHITENOISE_USE_FINDERS = True


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/static/css/pacer.css", "/static/img/favicon.svg"])
def test_static_files_carry_nosniff_and_the_referrer_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/static/css/pacer.css", "/static/img/favicon.svg"])
def test_static_files_carry_the_page_headers_and_a_csp_that_allows_nothing_to_run(
    client, settings, path
):
    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Permissions-Policy"] == settings.PERMISSIONS_POLICY
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_static_files_stay_cacheable_for_a_signed_in_person(client):
    # Served before sessions are read: a signed-in person's copy is everyone's copy.
    client.force_login(UserFactory())

    response = client.get("/static/css/pacer.css")

    assert response.status_code == 200

    assert "private" not in response.headers.get("Cache-Control", "")
