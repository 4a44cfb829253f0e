import pytest
from django.urls import reverse

from apps.research.models import Stage
from tests.research.access import READ_RULES, people, status_as
from tests.research.factories import DraftFactory, VenueDeadlineFactory, VenueFactory

pytestmark = pytest.mark.django_db
URL = reverse("research:draft_board")


@pytest.mark.parametrize(("who", "expected"), READ_RULES.items())
def test_access_to_a_students_board(client, request, who, expected):
    users = people(request)
    owner = users["owner"]
    url = URL if who in {"owner", "anonymous"} else f"{URL}?owner={owner.pk}"
    assert status_as(client, users[who], url) == expected


def test_own_board_never_shows_others_drafts(client, student, other_student):
    DraftFactory(owner=other_student, title="Secret paper")
    client.force_login(student)
    response = client.get(URL)
    assert b"Secret paper" not in response.content
    assert b"No drafts yet" in response.content


def test_board_groups_drafts_by_stage_with_move_buttons(client, student):
    DraftFactory(owner=student, title="In outline", stage=Stage.OUTLINE)
    DraftFactory(owner=student, title="Under review", stage=Stage.UNDER_REVIEW)
    client.force_login(student)
    html = client.get(URL).content.decode()
    assert html.index("In outline") < html.index("Under review")
    assert "Move “In outline” to Drafting" in html
    assert "Move “Under review” to Accepted" in html
    assert "Move “Under review” to Rejected" in html
    # Cards can also be dragged: every stage is a drop target, each card says where to post.
    assert "data-board-drag" in html
    assert "sortable-1.15.7.min.js" in html
    assert html.count('class="board-cards" data-stage=') == len(Stage)
    assert html.count("data-move-url=") == 2


def test_mentor_sees_a_read_only_board(client, student, sharing_mentor):
    DraftFactory(owner=student, title="Shared paper")
    client.force_login(sharing_mentor)
    html = client.get(f"{URL}?owner={student.pk}").content.decode()
    assert "Shared paper" in html
    assert "Move “Shared paper”" not in html
    assert "data-board-drag" not in html
    assert "data-move-url" not in html
    assert "sortable" not in html


def test_garbage_owner_parameter_is_404(client, student):
    client.force_login(student)
    assert client.get(f"{URL}?owner=abc").status_code == 404


def test_titles_are_escaped(client, student):
    DraftFactory(owner=student, title="<script>alert(1)</script>")
    client.force_login(student)
    html = client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("size", [2, 9])
def test_query_count_is_constant(client, student, size, django_assert_num_queries):
    for i in range(size):
        venue = VenueFactory()
        VenueDeadlineFactory(venue=venue, in_days=i + 3)
        DraftFactory(owner=student, target_venue=venue, stage=list(Stage)[i % 10])
    client.force_login(student)
    client.get(URL)  # warm the session
    # session, user, drafts (with next deadlines in subqueries), the unread-messages badge
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.status_code == 200


def test_the_next_deadline_on_a_card_shows_its_label(client, student):
    venue = VenueFactory(title="KDDX")
    VenueDeadlineFactory(venue=venue, in_days=10, label="Round 2")
    DraftFactory(owner=student, target_venue=venue, title="Labelled")
    client.force_login(student)
    assert "Full paper (Round 2) in " in client.get(URL).content.decode()
