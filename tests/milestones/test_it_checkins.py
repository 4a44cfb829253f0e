import datetime
import re

import pytest
from django.urls import reverse

from apps.milestones.models import ActionItem, CheckIn
from tests.milestones.conftest import VIEWERS, assert_denied
from tests.milestones.factories import CheckInFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("viewer", VIEWERS)
def test_checkin_page_access(viewer, viewer_client, plan):
    CheckInFactory(plan=plan, notes="We talked about **labs**")
    c = viewer_client(viewer)
    url = reverse("milestones:checkin_list", args=[plan.pk])

    get = c.get(url)
    post = c.post(
        url, {"date": "2026-05-01", "notes": "Met", "action_items": "Read Sutton & Barto ch. 13"}
    )

    if viewer in {"owner", "shared_mentor"}:
        assert get.status_code == 200
        assert "<strong>labs</strong>" in get.content.decode()
        assert post.status_code == 302
        assert CheckIn.objects.filter(plan=plan).count() == 2
    else:
        assert_denied(get)
        assert_denied(post)
        assert CheckIn.objects.filter(plan=plan).count() == 1


def test_mentor_checkin_records_the_mentor(client, plan, shared_mentor):
    client.force_login(shared_mentor)
    client.post(
        reverse("milestones:checkin_list", args=[plan.pk]), {"date": "2026-05-01", "agenda": "Labs"}
    )
    assert CheckIn.objects.get().mentor == shared_mentor


def test_empty_checkin_is_rejected(client, student, plan):
    client.force_login(student)
    response = client.post(
        reverse("milestones:checkin_list", args=[plan.pk]), {"date": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "Write an agenda, notes or at least one action item" in response.content.decode()
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_owner_turns_an_action_item_into_a_milestone(viewer, viewer_client, plan):
    checkin = CheckInFactory(plan=plan)
    item = ActionItem.objects.create(checkin=checkin, text="Email two PhD students")

    response = viewer_client(viewer).post(
        reverse("milestones:action_item_convert", args=[item.pk]),
        {
            "category": "networking",
            "target_date": (plan.start_date + datetime.timedelta(days=500)).isoformat(),
        },
    )

    item.refresh_from_db()
    if viewer == "owner":
        assert response.status_code == 302
        assert item.milestone.title == "Email two PhD students"
        assert item.milestone.category == "networking"
    else:
        assert_denied(response)
        assert item.milestone is None


def test_action_item_with_date_before_plan_start_is_rejected(client, student, plan):
    item = ActionItem.objects.create(checkin=CheckInFactory(plan=plan), text="Too early")
    client.force_login(student)

    response = client.post(
        reverse("milestones:action_item_convert", args=[item.pk]),
        {"category": "other", "target_date": "2000-01-01"},
        follow=True,
    )

    assert "before the plan starts" in response.content.decode()
    assert not plan.milestones.exists()


def test_checkin_agenda_and_notes_keep_their_line_breaks(client, student, plan):
    CheckInFactory(plan=plan, agenda="Labs\nReading group", notes="Write to Ana\nRead ch. 13")
    client.force_login(student)

    page = client.get(reverse("milestones:checkin_list", args=[plan.pk])).content.decode()

    assert re.search(r"Labs<br\s*/?>\s*Reading group", page)
    assert re.search(r"Write to Ana<br\s*/?>\s*Read ch\. 13", page)
