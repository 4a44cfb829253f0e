"""Who may reach every reading-list view: owner, mentor with and without reading
shared, another student, anonymous. Anything not allowed is a 404 (or the log-in page)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.readinglists import services
from apps.readinglists.models import Assignment, ImportCandidate, ImportDraft, ReviewCard
from tests.accounts.factories import UserFactory
from tests.readinglists.factories import ReviewCardFactory

ROLES = ["owner", "sharing_mentor", "unshared_mentor", "other_student", "anonymous"]


def _targets(cast):
    item = cast.reading_list.items.first()
    draft = ImportDraft.objects.create(reading_list=cast.reading_list, created_by=cast.owner)
    ImportCandidate.objects.create(draft=draft, position=0, data={"title": "X", "bibtex_key": "x"})
    card = ReviewCardFactory(owner=cast.owner)
    assignment = Assignment.objects.create(
        reading_list=cast.reading_list, mentee=UserFactory(), assigned_by=cast.owner
    )
    return {"list": cast.reading_list.pk, "item": item.pk, "draft": draft.pk, "card": card.pk,
            "assignment": assignment.pk, "owner": cast.owner.pk}  # fmt: skip


# (url name, kwarg source, method, POST data, roles allowed)
READERS = {"owner", "sharing_mentor"}
OWNER = {"owner"}
CASES = [
    ("list_detail", "list", "get", None, READERS),
    ("export_bibtex", "list", "get", None, READERS),
    ("export_csv", "list", "get", None, READERS),
    ("item_detail", "item", "get", None, READERS),
    # A mentor reads a mentee's private list through sharing but may not keep a copy.
    ("list_copy", "list", "post", {}, OWNER),
    ("list_edit", "list", "get", None, OWNER),
    ("list_import", "list", "get", None, OWNER),
    ("list_progress", "list", "get", None, OWNER),
    ("list_delete", "list", "post", {}, OWNER),
    ("item_create", "list", "post", {"kind": "paper", "title": "New", "importance": "optional"},
     OWNER),
    ("item_edit", "item", "get", None, OWNER),
    ("item_delete", "item", "post", {}, OWNER),
    ("identifiers_paste", "list", "post", {"identifiers": "nonsense"}, OWNER),
    ("list_assign", "list", "post", {}, OWNER),
    ("assignment_delete", "assignment", "post", {}, OWNER),
    ("import_preview", "draft", "get", None, OWNER),
    # Mentors watch progress; they never change a mentee's status or notes.
    ("item_status", "item", "post", {"status": "read"}, OWNER),
    ("progress_save", "item", "post", {"notes": "n", "summary": ""}, OWNER),
    ("card_delete", "card", "post", {}, OWNER),
    ("review_reveal", "card", "post", {}, OWNER),
    ("review_grade", "card", "post", {"rating": "3"}, OWNER),
    ("mentee_reading", "owner", "get", None, {"sharing_mentor"}),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "source", "method", "data", "allowed"), CASES)
def test_access(client, cast, role, name, source, method, data, allowed):
    targets = _targets(cast)
    kwarg = "user_pk" if source == "owner" else "pk"
    url = reverse(f"readinglists:{name}", kwargs={kwarg: targets[source]})
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    response = getattr(client, method)(url, data or {})
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in allowed:
        assert response.status_code in (200, 302, 400), response.status_code
    else:
        assert response.status_code == 404, (name, role, response.status_code)


@pytest.mark.parametrize(
    "name",
    ["list_index", "search", "review_home", "review_session"],
)
def test_personal_pages_need_login_and_show_only_mine(client, cast, name):
    url = reverse(f"readinglists:{name}")
    assert client.get(url).status_code == 302
    client.force_login(cast.other_student)
    response = client.get(url, {"q": "study"})
    assert response.status_code == 200
    assert b"Owner&#x27;s private list" not in response.content
    assert b"A study of method" not in response.content


def test_mentor_sees_mentee_list_read_only_with_mentee_statuses(client, cast):
    item = cast.reading_list.items.first()
    services.progress_set_status(user=cast.owner, item=item, status="summarised")
    client.force_login(cast.sharing_mentor)
    response = client.get(reverse("readinglists:list_detail", args=[cast.reading_list.pk]))
    assert b"as their mentor" in response.content
    assert b'name="status"' not in response.content
    assert b"Summarised" in response.content


def test_unshared_mentor_cannot_use_the_review_deck_of_the_mentee(client, cast):
    card = ReviewCardFactory(owner=cast.owner)
    client.force_login(cast.sharing_mentor)
    assert (
        client.post(reverse("readinglists:review_grade", args=[card.pk]), {"rating": 3}).status_code
        == 404
    )
    assert ReviewCard.objects.get(pk=card.pk).last_review is None


def test_mentees_lists_are_visible_to_mentees_only_when_shared_with_mentees(client, cast):
    from tests.readinglists.factories import ReadingListFactory

    mentor_private = ReadingListFactory(owner=cast.sharing_mentor, title="Mentor private")
    mentor_shared = ReadingListFactory(
        owner=cast.sharing_mentor, title="For my mentees", visibility="mentees"
    )
    client.force_login(cast.owner)
    assert (
        client.get(reverse("readinglists:list_detail", args=[mentor_shared.pk])).status_code == 200
    )
    assert (
        client.get(reverse("readinglists:list_detail", args=[mentor_private.pk])).status_code == 404
    )
    client.force_login(cast.other_student)
    assert (
        client.get(reverse("readinglists:list_detail", args=[mentor_shared.pk])).status_code == 404
    )


def test_programme_lists_are_visible_within_the_programme(client, cast):
    from tests.matching.factories import CohortFactory, MembershipFactory
    from tests.readinglists.factories import ReadingListFactory

    cohort = CohortFactory()
    MembershipFactory(cohort=cohort, user=cast.owner)
    peer = MembershipFactory(cohort=CohortFactory(programme=cohort.programme)).user
    rl = ReadingListFactory(owner=cast.owner, visibility="programme")
    url = reverse("readinglists:list_detail", args=[rl.pk])
    client.force_login(peer)
    assert client.get(url).status_code == 200
    assert rl.title.encode() in client.get(reverse("readinglists:list_index")).content
    client.force_login(cohort.programme.coordinators.get())
    assert client.get(url).status_code == 200
    client.force_login(cast.other_student)
    assert client.get(url).status_code == 404
