"""The messages index and a thread page, for both people and for everyone else."""

import datetime as dt

import pytest
from django.urls import reverse

from apps.conversations.models import Message, ReadMark
from apps.conversations.selectors import PAGE_SIZE
from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory
from tests.conversations.factories import MessageFactory
from tests.matching.factories import MentorshipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)


def _outsiders():
    return {
        "another student": UserFactory(is_student=True),
        "another mentor": UserFactory(is_mentor=True),
        "a coordinator": ProgrammeFactory().coordinators.get(),
    }


@pytest.mark.parametrize("side", ["student", "mentor"])
def test_it_shows_the_thread_to_both_people(client, pair, side):
    MessageFactory(mentorship=pair, author=pair.student, body="Hello *mentor*")
    client.force_login(getattr(pair, side))
    page = client.get(reverse("conversations:thread", args=[pair.pk])).content.decode()
    assert "Hello <em>mentor</em>" in page
    assert f'action="/messages/{pair.pk}/send/"' in page


@pytest.mark.parametrize("who", ["another student", "another mentor", "a coordinator"])
def test_it_hides_the_thread_from_everyone_else(client, pair, who):
    message = MessageFactory(mentorship=pair, body="Private words")
    client.force_login(_outsiders()[who])
    for response in (
        client.get(reverse("conversations:thread", args=[pair.pk])),
        client.post(reverse("conversations:send", args=[pair.pk]), {"body": "Intrusion"}),
        client.get(reverse("conversations:message_edit", args=[message.pk])),
        client.post(reverse("conversations:message_edit", args=[message.pk]), {"body": "X"}),
    ):
        assert response.status_code == 404
    index = client.get(reverse("conversations:index")).content.decode()
    assert "Private words" not in index
    assert list(Message.objects.values_list("body", flat=True)) == ["Private words"]


def test_it_sends_anonymous_visitors_to_log_in(client, pair):
    message = MessageFactory(mentorship=pair)
    for url in (
        reverse("conversations:index"),
        reverse("conversations:thread", args=[pair.pk]),
        reverse("conversations:send", args=[pair.pk]),
        reverse("conversations:message_edit", args=[message.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_it_has_no_thread_for_a_pending_request(client):
    pending = MentorshipFactory(status=Mentorship.Status.PENDING)
    client.force_login(pending.student)
    assert client.get(reverse("conversations:thread", args=[pending.pk])).status_code == 404


def test_it_posts_a_message_with_htmx_and_returns_it_with_a_fresh_form(client, pair):
    client.force_login(pair.student)
    response = client.post(
        reverse("conversations:send", args=[pair.pk]),
        {"body": "Hi **there**"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    message = Message.objects.get()
    assert (message.author, message.body) == (pair.student, "Hi **there**")
    assert 'hx-swap-oob="beforeend:#message-list"' in html
    assert "Hi <strong>there</strong>" in html
    assert "Message sent." in html
    assert "<textarea" in html
    assert "Hi **there**</textarea>" not in html


def test_it_posts_without_script_and_redirects_to_the_message(client, pair):
    client.force_login(pair.mentor)
    response = client.post(reverse("conversations:send", args=[pair.pk]), {"body": "Plain"})
    message = Message.objects.get()
    assert response["Location"] == f"/messages/{pair.pk}/#message-{message.pk}"


def test_it_explains_a_too_long_message_and_keeps_the_text(client, pair):
    client.force_login(pair.student)
    text = "y" * 4001
    response = client.post(
        reverse("conversations:send", args=[pair.pk]), {"body": text}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "at most 4,000 characters; this one has 4,001" in html
    assert 'aria-invalid="true"' in html
    assert f">{text}</textarea>" in html
    assert not Message.objects.exists()


def test_it_sanitises_script_in_a_message(client, pair):
    MessageFactory(
        mentorship=pair,
        body="<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))",
    )
    client.force_login(pair.mentor)
    page = client.get(reverse("conversations:thread", args=[pair.pk])).content.decode()
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert "javascript:" not in page


def test_it_marks_the_thread_read_and_shows_seen_to_the_author(client, pair):
    first = MessageFactory(mentorship=pair, author=pair.student, body="First")
    MessageFactory(mentorship=pair, author=pair.student, body="Second")
    client.force_login(pair.student)
    assert (
        "Seen" not in client.get(reverse("conversations:thread", args=[pair.pk])).content.decode()
    )

    ReadMark.objects.create(mentorship=pair, user=pair.mentor, last_read_id=first.pk)
    page = client.get(reverse("conversations:thread", args=[pair.pk])).content.decode()
    assert page.count(">Seen<") == 1
    assert page.index(">Seen<") > page.index("First")
    assert page.index(">Seen<") < page.index("Second")

    client.force_login(pair.mentor)
    client.get(reverse("conversations:thread", args=[pair.pk]))
    assert ReadMark.objects.get(user=pair.mentor).last_read_id == Message.objects.latest("id").pk


def test_it_reads_the_thread_of_an_ended_mentorship_without_a_form(client, pair):
    MessageFactory(mentorship=pair, body="Before the end")
    Mentorship.objects.filter(pk=pair.pk).update(status=Mentorship.Status.ENDED)
    client.force_login(pair.mentor)
    page = client.get(reverse("conversations:thread", args=[pair.pk])).content.decode()
    assert "Before the end" in page
    assert "read-only" in page
    assert "<textarea" not in page
    response = client.post(reverse("conversations:send", args=[pair.pk]), {"body": "After"})
    assert response.status_code == 302
    assert Message.objects.count() == 1


def test_it_pages_older_messages_with_htmx(client, pair):
    messages = MessageFactory.create_batch(PAGE_SIZE + 5, mentorship=pair)
    client.force_login(pair.student)
    page = client.get(reverse("conversations:thread", args=[pair.pk])).content.decode()
    assert f"message-{messages[5].pk}" in page
    assert f'message-{messages[4].pk}"' not in page
    assert f"?before={messages[5].pk}" in page
    older = client.get(
        reverse("conversations:thread", args=[pair.pk]),
        {"before": messages[5].pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert [f'id="message-{m.pk}"' in older for m in messages[:6]] == [True] * 5 + [False]
    assert "?before=" not in older
    assert "<html" not in older


def _thread_queries(client, pair, count, django_assert_num_queries):
    MessageFactory.create_batch(count, mentorship=pair)
    Message.objects.filter(mentorship=pair).update(author=pair.mentor)
    client.force_login(pair.student)
    url = reverse("conversations:thread", args=[pair.pk])
    client.get(url)  # the read mark exists from now on
    MessageFactory(mentorship=pair, author=pair.mentor)
    with django_assert_num_queries(7) as captured:
        client.get(url)
    return len(captured)


@pytest.mark.parametrize("count", [3, 60])
def test_it_costs_the_same_queries_at_any_thread_length(
    client, pair, count, django_assert_num_queries
):
    # session, user, thread, page, the other's read position, moving mine, the badge
    _thread_queries(client, pair, count, django_assert_num_queries)


@pytest.mark.parametrize("threads", [1, 8])
def test_it_lists_threads_with_unread_counts_in_constant_queries(
    client, threads, django_assert_num_queries
):
    mentor = UserFactory(is_mentor=True)
    for _ in range(threads):
        mentorship = MentorshipFactory(mentor=mentor)
        MessageFactory.create_batch(2, mentorship=mentorship)
    client.force_login(mentor)
    with django_assert_num_queries(4):
        page = client.get(reverse("conversations:index")).content.decode()
    assert page.count("2 unread") == threads


def test_it_shows_an_empty_index_with_a_way_forward(client):
    student = UserFactory(is_student=True)
    client.force_login(student)
    page = client.get(reverse("conversations:index")).content.decode()
    assert "No conversations yet" in page
    assert reverse("matching:mentor_search") in page


def test_it_lists_the_last_message_and_the_other_person(client, pair):
    MessageFactory(mentorship=pair, author=pair.student, body="Early")
    MessageFactory(mentorship=pair, author=pair.mentor, body="Latest word")
    client.force_login(pair.student)
    page = client.get(reverse("conversations:index")).content.decode()
    assert "Marco Mentor" in page
    assert "Latest word" in page
    assert "Early" not in page
    assert "1 unread" in page
