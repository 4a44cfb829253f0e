"""Signed-in intruders against every route that names an object.

Each route that names an object gets a real one owned by someone else (the table the
log-in walk keeps, which a new route must join). A student, a mentor and the
coordinator of another programme, none related to the owner, then ask for it with GET
and POST: every answer is a refusal (403, 404 or 405) and no table changes. Then the
owner's own mentors who may not see the object (the mentee shares nothing with one,
everything but that object's area with another, and the third's mentorship has ended)
try every route of a student's private objects.
"""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps as django_apps
from django.contrib.sessions.models import Session
from django.urls import reverse

from apps.matching.models import Mentorship
from apps.milestones.models import Milestone, Plan
from apps.readinglists.models import Item, ReadingList
from apps.research.models import Contact, Draft
from tests.accounts.factories import UserFactory
from tests.core.test_it_requires_login import (
    CONTACT,
    DRAFT,
    ITEM,
    LIST,
    MILESTONE,
    PLAN,
    ROUTE_OBJECTS,
)
from tests.matching.factories import MentorshipFactory, ProgrammeFactory

# Open to any signed-in person by design, and why.
OPEN_TO_ANYONE_SIGNED_IN = {
    # Mentor profiles are what students search; accepting mentors show them.
    "matching:mentor_detail",
    # The unguessable token is the credential; a wrong account is told which address.
    "matching:invitation_accept",
}

INTRUDERS = ["student", "mentor", "other_coordinator"]


def _intruder(kind: str):
    if kind == "student":
        return UserFactory(is_student=True)
    if kind == "mentor":
        return UserFactory(is_mentor=True)
    return ProgrammeFactory().coordinators.get()


def _digest() -> str:
    """A fingerprint of every row of every table (sessions aside: signing in writes one)."""
    hasher = hashlib.sha256()
    for model in sorted(django_apps.get_models(), key=lambda m: m._meta.label):
        if model is Session:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        hasher.update(model._meta.label.encode())
        hasher.update(repr(list(rows)).encode())
    return hasher.hexdigest()


ROUTES = sorted(set(ROUTE_OBJECTS) - OPEN_TO_ANYONE_SIGNED_IN)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", INTRUDERS)
@pytest.mark.parametrize("name", ROUTES)
def test_a_stranger_is_refused_and_changes_nothing(client, name, kind):
    url = reverse(name, kwargs=ROUTE_OBJECTS[name]())
    client.force_login(_intruder(kind))
    before = _digest()

    for method in ("get", "post"):
        response = getattr(client, method)(url, {})
        assert response.status_code in (403, 404, 405), (
            f"{method.upper()} {url} ({name}) as {kind} -> {response.status_code}"
        )

    assert _digest() == before, f"{name} as {kind} changed the database"


def test_the_digest_sees_a_changed_row(db):
    plan = PLAN()
    before = _digest()

    Plan.objects.filter(pk=plan["pk"]).update(title="Changed")

    assert _digest() != before


# A student's private objects, and how to find their owner from the route's object.
OWNER_OF = {
    PLAN: lambda pk: Plan.objects.get(pk=pk).owner_id,
    MILESTONE: lambda pk: Milestone.objects.get(pk=pk).plan.owner_id,
    LIST: lambda pk: ReadingList.objects.get(pk=pk).owner_id,
    ITEM: lambda pk: Item.objects.get(pk=pk).reading_list.owner_id,
    DRAFT: lambda pk: Draft.objects.get(pk=pk).owner_id,
    CONTACT: lambda pk: Contact.objects.get(pk=pk).owner_id,
}
# The sharing switch that opens each kind of object to the mentee's mentor.
AREA_OF = {
    PLAN: "share_plan",
    MILESTONE: "share_plan",
    LIST: "share_reading",
    ITEM: "share_reading",
    DRAFT: "share_papers",
    CONTACT: "share_outreach",
}
PRIVATE_ROUTES = sorted(name for name, build in ROUTE_OBJECTS.items() if build in OWNER_OF)
NO_SHARING = {"share_plan": False, "share_reading": False, "share_papers": False,
              "share_outreach": False}  # fmt: skip
ALL_SHARED = dict.fromkeys(NO_SHARING, True)


def test_the_private_routes_cover_every_kind_of_student_object():
    assert len(PRIVATE_ROUTES) >= 30


@pytest.mark.django_db
@pytest.mark.parametrize("relation", ["shares_nothing", "shares_every_other_area", "ended"])
@pytest.mark.parametrize("name", PRIVATE_ROUTES)
def test_the_owners_mentor_without_sharing_is_refused_and_changes_nothing(client, name, relation):
    build = ROUTE_OBJECTS[name]
    kwargs = build()
    owner_id = OWNER_OF[build](kwargs["pk"])
    if relation == "shares_nothing":
        mentorship = MentorshipFactory(student_id=owner_id, **NO_SHARING)
    elif relation == "shares_every_other_area":
        mentorship = MentorshipFactory(student_id=owner_id, **{**ALL_SHARED, AREA_OF[build]: False})
    else:
        mentorship = MentorshipFactory(
            student_id=owner_id, status=Mentorship.Status.ENDED, **ALL_SHARED
        )
    url = reverse(name, kwargs=kwargs)
    client.force_login(mentorship.mentor)
    before = _digest()

    for method in ("get", "post"):
        response = getattr(client, method)(url, {})
        assert response.status_code in (403, 404, 405), (
            f"{method.upper()} {url} ({name}) as a mentor who {relation} -> {response.status_code}"
        )

    assert _digest() == before, f"{name} as a mentor who {relation} changed the database"
