"""Responses to a signed-in person must not be kept by a shared cache or the browser."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.matching.factories import CohortFactory, MembershipFactory, ProgrammeFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory
from tests.readinglists.factories import ReadingListFactory


def _directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part}


@pytest.fixture
def student(db):
    return UserFactory(is_student=True, is_mentor=True)


@pytest.mark.django_db
def test_every_kind_of_page_to_a_signed_in_person_is_private_and_not_stored(client, student):
    plan = PlanFactory(owner=student)
    milestone = MilestoneFactory(plan=plan)
    reading_list = ReadingListFactory(owner=student)
    client.force_login(student)
    urls = [
        reverse("home"),
        reverse("accounts:profile"),
        reverse("milestones:plan_list"),
        reverse("milestones:plan_detail", args=[plan.pk]),
        reverse("milestones:milestone_detail", args=[milestone.pk]),
        reverse("dashboards:mentor"),
        reverse("nudges:inbox"),
        reverse("readinglists:export_csv", args=[reading_list.pk]),
        reverse("readinglists:export_bibtex", args=[reading_list.pk]),
        "/no-such-page/",
    ]

    for url in urls:
        response = client.get(url)
        directives = _directives(response)
        assert {"private", "no-store"} <= directives, (url, response.headers.get("Cache-Control"))
        assert "public" not in directives, url


@pytest.mark.django_db
def test_the_data_export_and_the_coordinator_csv_are_not_stored(client, student):
    client.force_login(student)
    response = client.post(reverse("accounts:export"))
    assert {"private", "no-store"} <= _directives(response)

    coordinator = UserFactory(is_coordinator=True)
    programme = ProgrammeFactory(coordinator=coordinator)
    MembershipFactory(cohort=CohortFactory(programme=programme), user=student)
    client.force_login(coordinator)
    response = client.get(reverse("dashboards:programme_csv", args=[programme.pk]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


@pytest.mark.django_db
def test_a_post_answered_with_a_redirect_is_not_stored_either(client, student):
    client.force_login(student)

    response = client.post(reverse("milestones:plan_create"), {})

    assert {"private", "no-store"} <= _directives(response)


@pytest.mark.django_db
def test_the_anonymous_landing_page_gets_no_private_marker(client):
    # It says nothing about anyone, so shared caches may keep it.
    response = client.get("/")

    assert response.status_code == 200
    assert "private" not in _directives(response)


@pytest.mark.django_db
def test_never_cache_views_keep_their_directives_and_gain_private(client, student):
    client.force_login(student)

    response = client.get(reverse("healthz"))

    directives = _directives(response)
    assert {"no-cache", "no-store", "must-revalidate", "private"} <= directives
