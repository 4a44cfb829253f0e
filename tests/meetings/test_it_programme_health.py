"""The meetings section of the coordinator's programme page, and ending a pairing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.matching.models import Mentorship
from apps.meetings.models import Fit
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import programme_with_members
from tests.matching.factories import MentorshipFactory
from tests.meetings.feedback_factories import MeetingFactory, MeetingFeedbackFactory

pytestmark = pytest.mark.django_db

AGENDA = "AGENDA-TEXT-never-for-coordinators"
PURPOSE = "PURPOSE-TEXT-never-for-coordinators"


def _pairs(coordinator, size, name="Fellows"):
    """``size`` active pairs, each with two held meetings answered by both people and one
    meeting ahead."""
    programme, students, mentors = programme_with_members(
        coordinator, students=size, mentors=size, name=name
    )
    pairs = []
    for student, mentor in zip(students, mentors, strict=True):
        mentorship = Mentorship.objects.create(student=student, mentor=mentor, status="active")
        for days_ago in (40, 10, -3):
            meeting = MeetingFactory(
                mentorship=mentorship, days_ago=days_ago, agenda=AGENDA, purpose=PURPOSE
            )
            if days_ago > 0:
                MeetingFeedbackFactory(meeting=meeting, author=student, fit=Fit.GOOD)
                MeetingFeedbackFactory(
                    meeting=meeting,
                    author=mentor,
                    fit=Fit.DECIDING,
                    note_to_coordinator=f"Note from {mentor.name}",
                )
        pairs.append(mentorship)
    return programme, pairs


def _page(client, programme):
    return client.get(reverse("dashboards:programme", args=[programme.pk]))


def _health(response):
    """The meetings section of the programme page, as the page rendered it."""
    (section,) = [
        s["context"]
        for s in response.context["sections"]
        if s["template"] == "meetings/programme_health.html"
    ]
    return section


def test_it_shows_meetings_held_days_since_and_fit_answers(client, coordinator):
    programme, [pair] = _pairs(coordinator, 1)
    client.force_login(coordinator)
    response = _page(client, programme)
    [row] = _health(response)["pairs"]
    assert (row.held, row.days_since, row.quiet, row.alert) == (2, 10, False, False)
    assert [(a["by"], a["fit"]) for a in row.answers] == [
        ("mentee", Fit.GOOD),
        ("mentor", Fit.DECIDING),
        ("mentee", Fit.GOOD),
        ("mentor", Fit.DECIDING),
    ]
    body = response.content.decode()
    assert f"Note from {pair.mentor.name}" in body
    assert "10 days ago" in body
    # The section is in the page's content, once, and not in its title.
    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Pairs and meetings" not in title
    assert body.count('id="pairs-heading"') == 1


def test_it_counts_pairs_without_a_meeting_in_30_days(client, coordinator):
    programme, students, mentors = programme_with_members(coordinator, students=3, mentors=3)
    never = Mentorship.objects.create(student=students[0], mentor=mentors[0], status="active")
    long_ago = Mentorship.objects.create(student=students[1], mentor=mentors[1], status="active")
    recent = Mentorship.objects.create(student=students[2], mentor=mentors[2], status="active")
    MeetingFactory(mentorship=long_ago, days_ago=31)
    MeetingFactory(mentorship=recent, days_ago=29)
    MeetingFactory(mentorship=never, days_ago=-1)  # booked, not held yet
    MeetingFactory(mentorship=never, days_ago=3, status="cancelled")
    client.force_login(coordinator)
    health = _health(_page(client, programme))
    by_pair = {row.mentorship_id: row for row in health["pairs"]}
    assert (by_pair[never.pk].held, by_pair[never.pk].days_since) == (0, None)
    assert by_pair[long_ago.pk].days_since == 31
    assert health["quiet"] == 2


def test_it_never_shows_agenda_or_message_text(client, coordinator):
    programme, _ = _pairs(coordinator, 2)
    client.force_login(coordinator)
    body = _page(client, programme).content.decode()
    assert "Note from" in body  # the section is there
    assert AGENDA not in body
    assert PURPOSE not in body
    assert "style=" not in body


def test_it_leaves_out_pairs_of_other_programmes(client, coordinator):
    programme, _ = _pairs(coordinator, 1)
    other_coordinator = UserFactory(is_coordinator=True)
    _, [theirs] = _pairs(other_coordinator, 1, name="Theirs")
    client.force_login(coordinator)
    body = _page(client, programme).content.decode()
    assert f"Note from {theirs.mentor.name}" not in body
    MentorshipFactory(mentor=theirs.mentor)  # outside any programme of this coordinator
    assert len(_health(_page(client, programme))["pairs"]) == 1


@pytest.mark.parametrize("size", [2, 12])
def test_it_keeps_a_constant_query_count(client, django_assert_num_queries, coordinator, size):
    programme, _ = _pairs(coordinator, size)
    client.force_login(coordinator)
    # The page's eight, then the pairs, their fit alerts and their answers.
    with django_assert_num_queries(11):
        assert _page(client, programme).status_code == 200


# --- Ending a pairing -----------------------------------------------------------------------


def _end_url(programme, mentorship):
    return reverse("meetings:pairing_end", args=[programme.pk, mentorship.pk])


def test_it_lets_the_coordinator_end_a_pairing_and_offers_rematching(client, coordinator):
    programme, [pair] = _pairs(coordinator, 1)
    client.force_login(coordinator)
    assert client.get(_end_url(programme, pair)).status_code == 200
    response = client.post(_end_url(programme, pair), {"reason": "Not a fit, both said so."})
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:programme_detail", args=[programme.pk])
    pair.refresh_from_db()
    assert (pair.status, pair.end_reason, pair.ended_by) == (
        Mentorship.Status.ENDED,
        "Not a fit, both said so.",
        coordinator,
    )
    follow = client.get(response["Location"])
    assert "the next matching round pairs them again" in follow.content.decode()
    # The meeting still to come is cancelled; the ones held stay as they were.
    statuses = sorted(pair.meetings.values_list("status", flat=True))
    assert statuses == ["booked", "booked", "cancelled"]


def test_it_asks_for_a_reason_and_changes_nothing(client, coordinator):
    programme, [pair] = _pairs(coordinator, 1)
    client.force_login(coordinator)
    response = client.post(_end_url(programme, pair), {"reason": "  "})
    assert response.status_code == 400
    assert "Please give a reason" in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE


@pytest.mark.parametrize("who", ["student", "mentor", "other_coordinator", "outside_pair"])
def test_it_refuses_anyone_else(client, coordinator, who):
    programme, [pair] = _pairs(coordinator, 1)
    if who == "student":
        user = pair.student
    elif who == "mentor":
        user = pair.mentor
    elif who == "other_coordinator":
        user = UserFactory(is_coordinator=True)
        programme_with_members(user, students=1, mentors=1, name="Other")
    else:
        user = coordinator
        pair = MentorshipFactory()  # a pair outside the coordinator's programme
    client.force_login(user)
    assert client.get(_end_url(programme, pair)).status_code == 404
    assert client.post(_end_url(programme, pair), {"reason": "Because."}).status_code == 404
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE


def test_it_sends_anonymous_visitors_to_log_in(client, coordinator):
    programme, [pair] = _pairs(coordinator, 1)
    response = client.post(_end_url(programme, pair), {"reason": "Because."})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE


def test_an_ended_pairing_leaves_the_page_and_its_student_can_ask_again(client, coordinator):
    from apps.matching.services import mentorship_request
    from tests.matching.factories import MentorProfileFactory

    programme, [pair] = _pairs(coordinator, 1)
    client.force_login(coordinator)
    client.post(_end_url(programme, pair), {"reason": "Not a fit."})
    assert _health(_page(client, programme))["pairs"] == []
    other = MentorProfileFactory().user
    assert mentorship_request(student=pair.student, mentor=other).status == "pending"
    assert timezone.now() - pair.created_at < dt.timedelta(hours=1)
