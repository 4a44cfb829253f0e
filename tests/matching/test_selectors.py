import pytest
from django.contrib.auth.models import AnonymousUser

from apps.matching.models import Mentorship
from apps.matching.selectors import (
    active_mentorship,
    mentee_ids_sharing,
    mentor_can_view,
    sharing_decisions,
)
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


def test_owner_and_sharing_active_mentor_only(student, mentor):
    MentorshipFactory(student=student, mentor=mentor, share_plan=True, share_papers=False)
    assert mentor_can_view(viewer=student, owner=student, area="papers")
    assert mentor_can_view(viewer=mentor, owner=student, area="plan")
    assert not mentor_can_view(viewer=mentor, owner=student, area="papers")
    assert not mentor_can_view(viewer=UserFactory(is_student=True), owner=student, area="plan")
    assert not mentor_can_view(viewer=AnonymousUser(), owner=student.pk, area="plan")


@pytest.mark.parametrize("status", ["pending", "ended", "declined", "expired", "withdrawn"])
def test_mentor_without_active_mentorship_sees_nothing(student, mentor, status):
    MentorshipFactory(student=student, mentor=mentor, status=status, share_plan=True)
    assert not mentor_can_view(viewer=mentor, owner=student, area="plan")
    assert active_mentorship(mentor=mentor, student=student) is None


def test_mentee_ids_sharing_lists_only_mentees_sharing_the_area(student, mentor):
    sharing = MentorshipFactory(mentor=mentor, share_reading=True).student
    MentorshipFactory(mentor=mentor, share_reading=False)
    assert set(
        mentee_ids_sharing(mentor=mentor, area="reading").values_list("student_id", flat=True)
    ) == {sharing.pk}


def test_sharing_decisions_agree_with_the_one_area_selector(mentor):
    reading_only = MentorshipFactory(mentor=mentor, share_reading=True, share_plan=False).student
    both = MentorshipFactory(mentor=mentor, share_reading=True, share_plan=True).student
    MentorshipFactory(mentor=mentor, status="ended", share_reading=True, share_plan=True)
    MentorshipFactory(mentor=mentor, status="pending", share_reading=True, share_plan=True)
    areas = ["plan", "reading", "papers"]
    rows = Mentorship.objects.filter(mentor=mentor).values(
        "student_id", **sharing_decisions(areas=areas)
    )
    by_area = {area: {r["student_id"] for r in rows if r[f"shares_{area}"]} for area in areas}
    assert by_area == {
        area: set(mentee_ids_sharing(mentor=mentor, area=area).values_list("student_id", flat=True))
        for area in areas
    }
    assert by_area["reading"] == {reading_only.pk, both.pk}
    assert by_area["plan"] == {both.pk}
