import pytest
from django.utils import timezone

from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory


def make_mentorship(student, mentor, **shares):
    return Mentorship.objects.create(
        student=student,
        mentor=mentor,
        status=Mentorship.Status.ACTIVE,
        started_at=timezone.now(),
        **shares,
    )


@pytest.fixture
def other_student(db):
    return UserFactory(is_student=True, display_name="Olly Other")


@pytest.fixture
def sharing_mentor(student):
    """A mentor the student shares papers and outreach with."""
    mentor = UserFactory(is_mentor=True, display_name="Shari Sharing")
    make_mentorship(student, mentor, share_papers=True, share_outreach=True)
    return mentor


@pytest.fixture
def private_mentor(student):
    """An active mentor the student shares neither papers nor outreach with."""
    mentor = UserFactory(is_mentor=True, display_name="Pat Private")
    make_mentorship(student, mentor)
    return mentor
