import datetime as dt

import pytest
from django.urls import reverse

from apps.research.deadlines import deadline_to_utc
from apps.research.models import DeadlineKind, VenueDeadline
from tests.research.access import READ_RULES, people, status_as
from tests.research.factories import DraftFactory, VenueDeadlineFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "expected"), READ_RULES.items())
def test_access(client, request, who, expected):
    users = people(request)
    draft = DraftFactory(owner=users["owner"])
    assert status_as(client, users[who], reverse("research:draft_detail", args=[draft.pk])) == (
        expected
    )


def test_missing_draft_is_404(client, student):
    client.force_login(student)
    assert client.get(reverse("research:draft_detail", args=[999999])).status_code == 404


def test_countdown_is_shown_in_the_viewers_timezone(client, student):
    venue = VenueFactory(title="NEURIPSX")
    local_date, local_time = dt.date(2099, 5, 15), dt.time(23, 59, 59)
    VenueDeadline.objects.create(
        venue=venue,
        year=2099,
        kind=DeadlineKind.PAPER,
        local_date=local_date,
        local_time=local_time,
        timezone_name="AoE",
        due_at=deadline_to_utc(local_date, local_time, "AoE"),
    )
    draft = DraftFactory(owner=student, target_venue=venue)
    url = reverse("research:draft_detail", args=[draft.pk])

    student.timezone = "Asia/Tokyo"
    student.save(update_fields=["timezone"])
    client.force_login(student)
    html = client.get(url).content.decode()
    # 23:59:59 AoE on 15 May = 11:59:59 UTC on 16 May = 20:59 in Tokyo.
    assert "Saturday 16 May 2099, 20:59 JST" in html
    assert "As published: 2099-05-15 23:59 AoE" in html
    assert 'data-testid="countdown">in ' in html

    student.timezone = "America/Los_Angeles"
    student.save(update_fields=["timezone"])
    html = client.get(url).content.decode()
    assert "Saturday 16 May 2099, 04:59 PDT" in html


def test_history_and_xss_safe_abstract(client, student):
    draft = DraftFactory(owner=student, abstract="<img src=x onerror=alert(1)>")
    client.force_login(student)
    html = client.get(reverse("research:draft_detail", args=[draft.pk])).content.decode()
    assert "<img src=x" not in html
    assert "created as Drafting" in html


def test_the_next_deadline_and_the_venue_deadlines_show_their_labels(client, student):
    venue = VenueFactory(title="KDDX")
    VenueDeadlineFactory(venue=venue, in_days=10, label="Round 1")
    VenueDeadlineFactory(venue=venue, in_days=-10, label="Round 0", kind="notification")
    draft = DraftFactory(owner=student, target_venue=venue)
    client.force_login(student)
    html = client.get(reverse("research:draft_detail", args=[draft.pk])).content.decode()
    assert "— Full paper (Round 1)</strong>" in html
    assert "Notification (Round 0)" in html
