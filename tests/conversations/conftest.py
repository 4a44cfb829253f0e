import pytest

from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorshipFactory


@pytest.fixture
def pair(db) -> Mentorship:
    """An active mentorship between two named people."""
    return MentorshipFactory(
        student=UserFactory(is_student=True, display_name="Stella Student"),
        mentor=UserFactory(is_mentor=True, display_name="Marco Mentor"),
    )
