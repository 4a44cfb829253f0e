"""Who is looking: the plan's owner, a mentor the owner shares the plan with, a mentor
the owner does not share it with, another student, and nobody signed in."""

from __future__ import annotations

import pytest

from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory

VIEWERS = ["owner", "shared_mentor", "unshared_mentor", "other_student", "anonymous"]


@pytest.fixture
def plan(student):
    return PlanFactory(owner=student, title="PhD route")


@pytest.fixture
def milestone(plan):
    return MilestoneFactory(plan=plan, title="Join a research group")


@pytest.fixture
def shared_mentor(student, mentor):
    Mentorship.objects.create(student=student, mentor=mentor, status="active", share_plan=True)
    return mentor


@pytest.fixture
def unshared_mentor(student):
    other = UserFactory(is_mentor=True)
    Mentorship.objects.create(student=student, mentor=other, status="active", share_plan=False)
    return other


@pytest.fixture
def viewer_client(client, student, shared_mentor, unshared_mentor):
    """``viewer_client(name)`` → a test client signed in as that kind of viewer."""

    def sign_in(name: str):
        people = {
            "owner": student,
            "shared_mentor": shared_mentor,
            "unshared_mentor": unshared_mentor,
            "other_student": UserFactory(is_student=True),
        }
        client.logout()
        if name != "anonymous":
            client.force_login(people[name])
        return client

    return sign_in


def assert_denied(response) -> None:
    """Anonymous people are sent to log in; signed-in strangers get a 404."""
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404, response.status_code
