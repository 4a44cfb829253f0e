"""Copies a mentor kept of a mentee's list seen only through reading sharing are removed
(by the data migration, and on the mentee's account deletion); copies of lists their
owner opened to the copier stay."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from apps.accounts.services import user_delete
from apps.matching.models import Mentorship
from apps.readinglists import services
from apps.readinglists.models import Item, ReadingList
from apps.readinglists.selectors import copies_seen_only_through_sharing
from tests.accounts.factories import UserFactory
from tests.matching.factories import CohortFactory, MembershipFactory, MentorshipFactory
from tests.readinglists.factories import AssignmentFactory, ReadingListFactory

pytestmark = pytest.mark.django_db

Visibility = ReadingList.Visibility


def _old_copy(reading_list: ReadingList, holder) -> ReadingList:
    # The service copies without asking who may; the view asks. Copies made before the
    # view asked look exactly like this.
    return services.list_copy(reading_list=reading_list, user=holder)


def _exists(reading_list: ReadingList) -> bool:
    return ReadingList.objects.filter(pk=reading_list.pk).exists()


@pytest.fixture
def world(cast):
    """Every kind of copy of the cast owner's lists, the ones to remove and the ones to keep."""
    owner = cast.owner
    private = cast.reading_list
    private.description = "Why I am thinking of leaving my PhD"
    private.save(update_fields=["description"])
    for_mentees = ReadingListFactory(owner=owner, visibility=Visibility.MENTEES)
    cohort = CohortFactory()
    MembershipFactory(cohort=cohort, user=owner)
    for_programme = ReadingListFactory(owner=owner, visibility=Visibility.PROGRAMME)

    ended_mentor = UserFactory(is_mentor=True)
    MentorshipFactory(student=owner, mentor=ended_mentor, status=Mentorship.Status.ENDED)
    declined_mentor = UserFactory(is_mentor=True)
    MentorshipFactory(student=owner, mentor=declined_mentor, status=Mentorship.Status.DECLINED)
    # The owner mentors someone too, who reads the "my mentees" list legitimately.
    owners_mentee = UserFactory(is_student=True)
    MentorshipFactory(student=owners_mentee, mentor=owner)
    # A mentor who also shares the owner's programme.
    peer_mentor = UserFactory(is_mentor=True)
    MentorshipFactory(student=owner, mentor=peer_mentor, share_reading=True)
    MembershipFactory(cohort=cohort, user=peer_mentor)
    # A mentor whom the owner mentors as well, and assigned the private list to: both
    # lists were opened to them as the owner's mentee.
    assigned_mentor = UserFactory(is_mentor=True)
    MentorshipFactory(student=owner, mentor=assigned_mentor, share_reading=True)
    MentorshipFactory(student=assigned_mentor, mentor=owner)
    AssignmentFactory(reading_list=private, mentee=assigned_mentor, assigned_by=owner)

    doomed = {
        "sharing mentor, private list": _old_copy(private, cast.sharing_mentor),
        "ended mentor, private list": _old_copy(private, ended_mentor),
        "sharing mentor, mentees' list": _old_copy(for_mentees, cast.sharing_mentor),
        "programme mentor, private list": _old_copy(private, peer_mentor),
    }
    kept = {
        "owner's own copy": _old_copy(private, owner),
        "declined mentor": _old_copy(private, declined_mentor),
        "stranger": _old_copy(private, cast.other_student),
        "the owner's mentee, mentees' list": _old_copy(for_mentees, owners_mentee),
        "programme mentor, programme list": _old_copy(for_programme, peer_mentor),
        "sharing mentor, programme list": _old_copy(for_programme, cast.sharing_mentor),
        "assigned mentor, assigned list": _old_copy(private, assigned_mentor),
        "mentor who is also a mentee, mentees' list": _old_copy(for_mentees, assigned_mentor),
        "sharing mentor's own list": ReadingListFactory(owner=cast.sharing_mentor),
    }
    return cast, doomed, kept


def test_the_rule_finds_exactly_the_copies_seen_only_through_sharing(world):
    cast, doomed, _kept = world

    found = set(copies_seen_only_through_sharing(owner=cast.owner))

    assert found == set(doomed.values())


def test_removal_deletes_those_copies_with_their_items_and_keeps_the_rest(world):
    cast, doomed, kept = world
    copied_items = Item.objects.filter(reading_list__in=list(doomed.values()))
    assert copied_items.exists()

    removed = services.shared_copies_remove(owner=cast.owner)

    assert removed == len(doomed)
    assert [name for name, rl in doomed.items() if _exists(rl)] == []
    assert [name for name, rl in kept.items() if not _exists(rl)] == []
    assert not copied_items.exists()
    assert _exists(cast.reading_list)
    assert cast.reading_list.items.count() == 3


def test_removal_for_one_holder_leaves_other_holders_copies(world):
    cast, doomed, _kept = world

    removed = services.shared_copies_remove(owner=cast.owner, holder=cast.sharing_mentor)

    assert removed == 2
    assert not _exists(doomed["sharing mentor, private list"])
    assert not _exists(doomed["sharing mentor, mentees' list"])
    assert _exists(doomed["ended mentor, private list"])


def test_the_data_migration_removes_the_same_copies(world):
    _cast, doomed, kept = world
    migration = importlib.import_module(
        "apps.readinglists.migrations.0004_remove_copies_seen_only_through_sharing"
    )

    migration.remove_copies(django_apps, None)

    assert [name for name, rl in doomed.items() if _exists(rl)] == []
    assert [name for name, rl in kept.items() if not _exists(rl)] == []


def test_the_data_migration_reaches_every_owner(cast):
    second_owner = UserFactory(is_student=True)
    MentorshipFactory(student=second_owner, mentor=cast.sharing_mentor, share_reading=True)
    first = _old_copy(cast.reading_list, cast.sharing_mentor)
    second = _old_copy(ReadingListFactory(owner=second_owner), cast.sharing_mentor)
    migration = importlib.import_module(
        "apps.readinglists.migrations.0004_remove_copies_seen_only_through_sharing"
    )

    migration.remove_copies(django_apps, None)

    assert not _exists(first)
    assert not _exists(second)


def test_deleting_the_mentees_account_removes_the_mentors_copy(world):
    cast, doomed, kept = world

    user_delete(user=cast.owner)

    assert [name for name, rl in doomed.items() if _exists(rl)] == []
    # Copies of lists opened to their holders stay, without their source.
    survivors = [rl for name, rl in kept.items() if name != "owner's own copy"]
    assert all(_exists(rl) for rl in survivors)
    assert not _exists(kept["owner's own copy"])


def test_deleting_the_mentors_account_is_unaffected(world):
    cast, doomed, _kept = world

    user_delete(user=cast.sharing_mentor)

    assert not _exists(doomed["sharing mentor, private list"])
    assert _exists(doomed["ended mentor, private list"])
    assert _exists(cast.reading_list)
