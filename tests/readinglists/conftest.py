from __future__ import annotations

from dataclasses import dataclass

import pytest

from apps.accounts.models import User
from apps.readinglists.models import ReadingList
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorshipFactory
from tests.readinglists.factories import ItemFactory, ReadingListFactory


@dataclass
class Cast:
    """The people every access test needs, around one student's private list."""

    owner: User
    sharing_mentor: User
    unshared_mentor: User
    other_student: User
    reading_list: ReadingList


@pytest.fixture
def cast(db) -> Cast:
    owner = UserFactory(is_student=True, display_name="Owner Student")
    sharing_mentor = UserFactory(is_mentor=True, display_name="Sharing Mentor")
    unshared_mentor = UserFactory(is_mentor=True, display_name="Unshared Mentor")
    other = UserFactory(is_student=True, display_name="Other Student")
    MentorshipFactory(student=owner, mentor=sharing_mentor, share_reading=True)
    MentorshipFactory(student=owner, mentor=unshared_mentor, share_reading=False)
    reading_list = ReadingListFactory(owner=owner, title="Owner's private list")
    ItemFactory.create_batch(3, reading_list=reading_list)
    return Cast(owner, sharing_mentor, unshared_mentor, other, reading_list)


@pytest.fixture(autouse=True)
def _offline_metadata(settings):
    # No test may reach the internet: the registries point at a closed local port
    # unless a test serves recorded responses.
    settings.READINGLISTS_CROSSREF_URL = "http://127.0.0.1:9"
    settings.READINGLISTS_ARXIV_URL = "http://127.0.0.1:9"
    settings.READINGLISTS_OPENALEX_URL = "http://127.0.0.1:9"
    settings.READINGLISTS_MIN_INTERVAL_SECONDS = 0
