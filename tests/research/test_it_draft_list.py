import pytest
from django.urls import reverse

from tests.research.access import READ_RULES, people, status_as
from tests.research.factories import DraftFactory, VenueDeadlineFactory, VenueFactory

pytestmark = pytest.mark.django_db
URL = reverse("research:draft_list")


@pytest.mark.parametrize(("who", "expected"), READ_RULES.items())
def test_access(client, request, who, expected):
    users = people(request)
    url = URL if who in {"owner", "anonymous"} else f"{URL}?owner={users['owner'].pk}"
    assert status_as(client, users[who], url) == expected


def test_list_shows_next_deadline_and_countdown(client, student):
    venue = VenueFactory(title="ICMLX")
    VenueDeadlineFactory(venue=venue, in_days=10)
    DraftFactory(owner=student, title="Listed draft", target_venue=venue)
    client.force_login(student)
    html = client.get(URL).content.decode()
    assert "Listed draft" in html
    assert "ICMLX" in html
    assert "in 10 days" in html or "in 11 days" in html


@pytest.mark.parametrize("size", [2, 8])
def test_query_count_is_constant(client, student, size, django_assert_num_queries):
    for i in range(size):
        venue = VenueFactory()
        VenueDeadlineFactory(venue=venue, in_days=i + 3)
        DraftFactory(owner=student, target_venue=venue)
    client.force_login(student)
    client.get(URL)
    # session, user, drafts, the unread-messages badge
    with django_assert_num_queries(4):
        client.get(URL)
