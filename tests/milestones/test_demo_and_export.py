import pytest

from apps.accounts.demo import DemoContext
from apps.accounts.services import user_export_data
from apps.core.registry import demo_seeders
from apps.milestones.models import CheckIn, MilestoneComment, Plan, Status
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_demo_seeder_gives_a_realistic_plan_and_is_idempotent():
    demo = DemoContext(
        student=UserFactory(is_student=True),
        mentor=UserFactory(is_mentor=True),
        coordinator=UserFactory(is_coordinator=True),
    )
    seeder = dict(demo_seeders.items())["plans"]

    seeder(demo)  # no mentorship exists: the matching seeder may not have run
    seeder(demo)

    plan = Plan.objects.get(owner=demo.student)
    statuses = set(plan.milestones.values_list("status", flat=True))
    assert {Status.DONE, Status.IN_PROGRESS, Status.PLANNED, Status.BLOCKED} <= statuses
    assert plan.template_name == "Applying to PhD programmes (18 months)"
    assert MilestoneComment.objects.filter(author=demo.mentor, milestone__plan=plan).count() == 1
    checkin = CheckIn.objects.get(plan=plan)
    assert checkin.mentor == demo.mentor
    assert checkin.action_items.count() == 2
    assert demo.extra["plan"] == plan


def test_export_contains_plans_milestones_and_no_feed_secret(student):
    m = MilestoneFactory(plan__owner=student, title="Apply to PhDs")
    from apps.milestones import services

    feed = services.calendar_feed_regenerate(user=student)
    data = user_export_data(user=student)["plans"]

    assert data["plans"][0]["milestones"][0]["title"] == "Apply to PhDs"
    assert data["plans"][0]["milestones"][0]["target_date"] == m.target_date.isoformat()
    assert data["calendar_feed_enabled"] is True
    assert feed.token not in str(data)
