import pytest
from django.urls import reverse

from apps.research.models import Stage
from tests.research.access import WRITE_RULES, people, status_as
from tests.research.factories import DraftFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "expected"), WRITE_RULES.items())
def test_only_the_owner_may_move_a_draft(client, request, who, expected):
    users = people(request)
    draft = DraftFactory(owner=users["owner"], stage=Stage.IDEA)
    url = reverse("research:draft_move", args=[draft.pk])
    code = status_as(client, users[who], url, method="post", data={"stage": Stage.OUTLINE})
    assert code == (302 if expected == 200 else expected)
    draft.refresh_from_db()
    assert draft.stage == (Stage.OUTLINE if who == "owner" else Stage.IDEA)


def test_get_is_not_allowed(client, student):
    draft = DraftFactory(owner=student)
    client.force_login(student)
    assert client.get(reverse("research:draft_move", args=[draft.pk])).status_code == 405


def test_htmx_move_returns_the_board_with_an_announcement(client, student):
    draft = DraftFactory(owner=student, title="Moving paper", stage=Stage.IDEA)
    client.force_login(student)
    response = client.post(
        reverse("research:draft_move", args=[draft.pk]),
        {"stage": Stage.OUTLINE},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'hx-swap-oob="true"' in html
    assert "Moved “Moving paper” to Outline." in html
    # A refusal shown before is cleared by a move that worked.
    assert (
        'id="board-error" class="message message-error" role="alert" hx-swap-oob="true" hidden'
        in html
    )
    assert "data-autofocus" in html
    draft.refresh_from_db()
    assert draft.stage == Stage.OUTLINE


def test_unknown_stage_changes_nothing(client, student):
    draft = DraftFactory(owner=student, title="Staying put", stage=Stage.IDEA)
    client.force_login(student)
    url = reverse("research:draft_move", args=[draft.pk])
    response = client.post(url, {"stage": "bogus"}, follow=True)
    assert "“Staying put” cannot move there: choose one of the listed stages." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.stage == Stage.IDEA
    assert draft.stage_changes.count() == 1


def test_htmx_refusal_returns_the_board_as_it_stands_with_the_reason(client, student):
    # A card dragged onto a stage the server refuses goes back where the board says it is.
    draft = DraftFactory(owner=student, title="Staying put", stage=Stage.IDEA)
    client.force_login(student)
    url = reverse("research:draft_move", args=[draft.pk])
    response = client.post(url, {"stage": "bogus"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert (
        '<p id="board-error" class="message message-error" role="alert" hx-swap-oob="true">'
        "“Staying put” cannot move there: choose one of the listed stages.</p>"
    ) in html
    idea_column = html[html.index(f'data-stage="{Stage.IDEA}"') :]
    assert idea_column.index(f'id="draft-{draft.pk}"') < idea_column.index("</ul>")
    assert "Moved" not in html
    draft.refresh_from_db()
    assert draft.stage == Stage.IDEA
    assert draft.stage_changes.count() == 1
