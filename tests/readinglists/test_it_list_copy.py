"""Copying a list: one's own, or one its owner opened to the viewer (mentees,
programme); never a list seen only through a mentee's sharing or an assignment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.matching.models import Mentorship
from apps.readinglists.models import Assignment, ReadingList
from apps.readinglists.selectors import can_copy_list
from tests.accounts.factories import UserFactory
from tests.matching.factories import CohortFactory, MembershipFactory, MentorshipFactory
from tests.readinglists.factories import ItemFactory, ReadingListFactory

pytestmark = pytest.mark.django_db


def _copy(client, user, reading_list):
    client.force_login(user)
    return client.post(reverse("readinglists:list_copy", args=[reading_list.pk]))


def _copies_of(reading_list) -> int:
    return ReadingList.objects.filter(copied_from=reading_list).count()


def test_a_sharing_mentor_cannot_copy_the_mentees_private_list(client, cast):
    response = _copy(client, cast.sharing_mentor, cast.reading_list)

    assert response.status_code == 404
    assert _copies_of(cast.reading_list) == 0
    assert not ReadingList.objects.filter(owner=cast.sharing_mentor).exists()


def test_the_sharing_mentor_sees_the_list_without_a_copy_button(client, cast):
    client.force_login(cast.sharing_mentor)

    response = client.get(reverse("readinglists:list_detail", args=[cast.reading_list.pk]))

    assert response.status_code == 200
    assert reverse("readinglists:list_copy", args=[cast.reading_list.pk]) not in (
        response.content.decode()
    )


def test_a_mentee_copies_a_list_the_mentor_opened_to_mentees(client):
    mentor = UserFactory(is_mentor=True)
    mentee = UserFactory(is_student=True)
    MentorshipFactory(student=mentee, mentor=mentor)
    source = ReadingListFactory(owner=mentor, visibility=ReadingList.Visibility.MENTEES)
    ItemFactory.create_batch(2, reading_list=source)
    client.force_login(mentee)
    detail = client.get(reverse("readinglists:list_detail", args=[source.pk])).content.decode()
    assert reverse("readinglists:list_copy", args=[source.pk]) in detail

    response = _copy(client, mentee, source)

    assert response.status_code == 302
    copy = ReadingList.objects.get(copied_from=source)
    assert copy.owner == mentee
    assert copy.items.count() == 2


def test_a_mentees_list_is_not_copyable_once_the_mentorship_ended(client):
    mentor = UserFactory(is_mentor=True)
    mentee = UserFactory(is_student=True)
    MentorshipFactory(student=mentee, mentor=mentor, status=Mentorship.Status.ENDED)
    source = ReadingListFactory(owner=mentor, visibility=ReadingList.Visibility.MENTEES)

    assert _copy(client, mentee, source).status_code == 404
    assert _copies_of(source) == 0


def test_a_programme_peer_copies_a_programme_list_and_an_outsider_cannot(client):
    cohort = CohortFactory()
    owner = MembershipFactory(cohort=cohort).user
    peer = MembershipFactory(cohort=cohort).user
    source = ReadingListFactory(owner=owner, visibility=ReadingList.Visibility.PROGRAMME)

    assert _copy(client, UserFactory(), source).status_code == 404
    assert _copy(client, peer, source).status_code == 302
    assert _copies_of(source) == 1


def test_an_assigned_private_list_is_read_not_copied(client):
    mentor = UserFactory(is_mentor=True)
    mentee = UserFactory(is_student=True)
    MentorshipFactory(student=mentee, mentor=mentor)
    source = ReadingListFactory(owner=mentor)
    Assignment.objects.create(reading_list=source, mentee=mentee, assigned_by=mentor)
    client.force_login(mentee)
    assert client.get(reverse("readinglists:list_detail", args=[source.pk])).status_code == 200

    assert _copy(client, mentee, source).status_code == 404
    assert _copies_of(source) == 0


def test_owners_may_copy_their_own_lists(cast):
    assert can_copy_list(user=cast.owner, reading_list=cast.reading_list)
    assert not can_copy_list(user=cast.sharing_mentor, reading_list=cast.reading_list)
    assert not can_copy_list(user=cast.unshared_mentor, reading_list=cast.reading_list)
    assert not can_copy_list(user=cast.other_student, reading_list=cast.reading_list)
