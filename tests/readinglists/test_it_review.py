from django.urls import reverse

from apps.readinglists.models import ReviewCard, ReviewLog, ReviewSettings
from tests.readinglists.factories import ItemFactory, ReviewCardFactory


def test_review_home_empty_state_and_starter_deck(client, student):
    client.force_login(student)
    response = client.get(reverse("readinglists:review_home"))
    assert b"No cards yet" in response.content
    assert b"Prompt and answer take Markdown and formulas" in response.content
    client.post(reverse("readinglists:deck_add_starter"))
    content = client.get(reverse("readinglists:review_home")).content.decode()
    assert "Linear algebra" in content
    assert "Information theory" in content


def test_session_prompt_reveal_grade_with_htmx(client, student):
    card = ReviewCardFactory(owner=student, prompt="What is **KL**?", answer="Σ p log p/q")
    client.force_login(student)
    page = client.get(reverse("readinglists:review_session")).content.decode()
    assert "<strong>KL</strong>" in page
    assert "Σ p log p/q" not in page
    revealed = client.post(
        reverse("readinglists:review_reveal", args=[card.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in revealed
    assert "Σ p log p/q" in revealed
    assert '>Again <span class="rl-interval">· 1 min</span><' in revealed
    assert '>Easy <span class="rl-interval">· ' in revealed
    graded = client.post(
        reverse("readinglists:review_grade", args=[card.pk]),
        {"rating": "3", "shown_at": "0"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "All done for now" in graded
    card.refresh_from_db()
    assert card.last_review is not None
    assert card.due > card.last_review
    assert ReviewLog.objects.get().review_duration_ms is None  # implausible duration dropped


def test_bad_rating_is_refused_and_changes_nothing(client, student):
    card = ReviewCardFactory(owner=student)
    client.force_login(student)
    response = client.post(reverse("readinglists:review_grade", args=[card.pk]), {"rating": "7"})
    assert response.status_code == 400
    assert not ReviewLog.objects.exists()


def test_add_card_linked_to_a_reading_item(client, student):
    item = ItemFactory(reading_list__owner=student)
    client.force_login(student)
    client.post(
        reverse("readinglists:card_create"),
        {"topic": "statistics", "kind": "task", "prompt": "Re-derive it", "reading_item": item.pk},
    )
    assert ReviewCard.objects.get(owner=student).reading_item == item


def test_card_cannot_link_someone_elses_item(client, student):
    other_item = ItemFactory()
    client.force_login(student)
    client.post(
        reverse("readinglists:card_create"),
        {"topic": "statistics", "kind": "qa", "prompt": "Q", "reading_item": other_item.pk},
    )
    assert not ReviewCard.objects.exists()


def test_settings_and_pause(client, student):
    client.force_login(student)
    client.post(reverse("readinglists:review_settings"), {"desired_retention": "0.99"})
    assert not ReviewSettings.objects.exists()
    client.post(reverse("readinglists:review_settings"), {"desired_retention": "0.85"})
    assert ReviewSettings.objects.get(user=student).desired_retention == 0.85
    client.post(reverse("readinglists:review_pause"), {"action": "pause"})
    ReviewCardFactory(owner=student)
    page = client.get(reverse("readinglists:review_session")).content.decode()
    assert "Reviews are paused" in page
    client.post(reverse("readinglists:review_pause"), {"action": "resume"})
    assert ReviewSettings.objects.get(user=student).paused_since is None


def test_formulas_on_a_card_render_as_mathml_on_the_review_page(client, student):
    card = ReviewCardFactory(
        owner=student,
        prompt=r"Simplify $\frac{a}{b} \cdot \frac{b}{c}$",
        answer="$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$",
    )
    client.force_login(student)
    page = client.get(reverse("readinglists:review_session")).content.decode()
    assert '<math display="inline"' in page
    assert "<mfrac>" in page
    revealed = client.post(
        reverse("readinglists:review_reveal", args=[card.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<math display="block"' in revealed
    assert "<munderover><mo>∑</mo>" in revealed
    assert r'alttext="\sum_{i=1}^{n} i = \frac{n(n+1)}{2}"' in revealed


def test_retention_chart_waits_for_a_card_to_come_back(client, student):
    card = ReviewCardFactory(owner=student)
    client.force_login(student)
    client.post(
        reverse("readinglists:review_grade", args=[card.pk]),
        {"rating": "3", "shown_at": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert ReviewLog.objects.filter(card=card).exists()

    page = client.get(reverse("readinglists:review_home")).content.decode()

    assert "Not enough data yet" in page
    assert 'class="rl-chart"' not in page
