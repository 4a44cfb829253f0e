"""Who may reach which object, for the reading-list views: each helper fetches one kind
of object and 404s when the user may not see it, so no view trusts a URL id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.matching.selectors import mentor_can_view
from apps.readinglists import selectors
from apps.readinglists.models import CardImport, ImportDraft, Item, ReadingList, ReviewCard

if TYPE_CHECKING:
    from apps.accounts.models import User


def get_list_for_user(user: User, pk: int) -> ReadingList:
    reading_list = get_object_or_404(ReadingList.objects.select_related("owner"), pk=pk)
    if not selectors.can_view_list(user=user, reading_list=reading_list):
        raise Http404
    return reading_list


def get_list_to_copy(user: User, pk: int) -> ReadingList:
    reading_list = get_object_or_404(ReadingList.objects.select_related("owner"), pk=pk)
    if not selectors.can_copy_list(user=user, reading_list=reading_list):
        raise Http404
    return reading_list


def get_own_list(user: User, pk: int) -> ReadingList:
    return get_object_or_404(ReadingList.objects.select_related("owner"), pk=pk, owner=user)


def get_item_for_user(user: User, pk: int) -> Item:
    item = get_object_or_404(Item.objects.select_related("reading_list__owner"), pk=pk)
    if not selectors.can_view_list(user=user, reading_list=item.reading_list):
        raise Http404
    return item


def get_own_item(user: User, pk: int) -> Item:
    return get_object_or_404(
        Item.objects.select_related("reading_list"), pk=pk, reading_list__owner=user
    )


def get_draft_for_user(user: User, pk: int) -> ImportDraft:
    return get_object_or_404(
        ImportDraft.objects.select_related("reading_list"),
        pk=pk,
        created_by=user,
        reading_list__owner=user,
        confirmed_at__isnull=True,
    )


def get_card_for_user(user: User, pk: int) -> ReviewCard:
    return get_object_or_404(ReviewCard.objects.select_related("reading_item"), pk=pk, owner=user)


def get_card_import_for_user(user: User, pk: int) -> CardImport:
    return get_object_or_404(CardImport, pk=pk, owner=user, confirmed_at__isnull=True)


def get_mentee_for_mentor(user: User, pk: int) -> User:
    from apps.accounts.models import User

    mentee = get_object_or_404(User, pk=pk)
    if mentee.pk == user.pk or not mentor_can_view(viewer=user, owner=mentee, area="reading"):
        raise Http404
    return mentee


def reader_for(user: User, reading_list: ReadingList) -> tuple[User, bool]:
    """Whose progress a list page shows, and whether the viewer may change it.

    Readers (owner, assignee, mentee of the owner) track their own progress; a mentor
    looking at a mentee's list through reading sharing sees the mentee's, read-only.
    """
    if reading_list.owner_id == user.pk or selectors.can_read_list(
        user=user, reading_list=reading_list
    ):
        return user, True
    return reading_list.owner, False
