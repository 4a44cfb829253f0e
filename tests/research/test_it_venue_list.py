import pytest
from django.urls import reverse

from tests.research.factories import VenueDeadlineFactory, VenueFactory

pytestmark = pytest.mark.django_db
URL = reverse("research:venue_list")


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_catalogue_lists_upcoming_deadlines_only(client, student):
    venue = VenueFactory(title="UAIX")
    VenueDeadlineFactory(venue=venue, in_days=-400, kind="abstract")
    VenueDeadlineFactory(venue=venue, in_days=20, kind="paper")
    client.force_login(student)
    html = client.get(URL).content.decode()
    assert "UAIX" in html
    assert "Full paper" in html
    assert "Abstract" not in html


def test_deadlines_of_one_kind_show_their_labels(client, student):
    venue = VenueFactory(title="KDDX")
    VenueDeadlineFactory(venue=venue, in_days=20, label="Round 1")
    VenueDeadlineFactory(venue=venue, in_days=120, label="Round 2")
    client.force_login(student)
    html = client.get(URL).content.decode()
    assert "Full paper (Round 1)" in html
    assert "Full paper (Round 2)" in html


@pytest.mark.parametrize("size", [2, 8])
def test_query_count_is_constant(client, student, size, django_assert_num_queries):
    for i in range(size):
        VenueDeadlineFactory(in_days=i + 1)
    client.force_login(student)
    client.get(URL)
    # as before, plus the unread-messages badge
    with django_assert_num_queries(5):
        client.get(URL)
