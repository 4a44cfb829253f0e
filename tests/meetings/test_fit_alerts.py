"""Two "not a good fit" answers in a row alert the programme's coordinators, once per
streak; the programme page shows the same alert."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.meetings.health import fit_alerts, programme_health
from apps.meetings.models import Fit
from apps.nudges.models import Kind, Notification
from apps.nudges.rendering import notification_text
from apps.nudges.services import nudges_sweep
from tests.matching.factories import CohortFactory, MembershipFactory, MentorshipFactory
from tests.meetings.feedback_factories import MeetingFactory, MeetingFeedbackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(coordinator):
    cohort = CohortFactory(programme__coordinator=coordinator)
    mentorship = MentorshipFactory(
        student__display_name="Sam Student", mentor__display_name="Maya Mentor"
    )
    MembershipFactory(cohort=cohort, user=mentorship.student, role="student")
    MembershipFactory(cohort=cohort, user=mentorship.mentor, role="mentor")
    return mentorship


def _answers(mentorship, fits):
    """One meeting per answer, oldest first, answered alternately by each person."""
    count = len(fits)
    out = []
    for i, fit in enumerate(fits):
        meeting = MeetingFactory(mentorship=mentorship, days_ago=2 * (count - i))
        author = mentorship.student if i % 2 == 0 else mentorship.mentor
        out.append(MeetingFeedbackFactory(meeting=meeting, author=author, fit=fit))
    return out


def _alerts(coordinator):
    nudges_sweep(now=timezone.now(), force=True)
    return list(
        Notification.objects.filter(user=coordinator, kind=Kind.PAIRING_FIT_ALERT).order_by("pk")
    )


G, D, N = Fit.GOOD, Fit.DECIDING, Fit.NOT_GOOD


@pytest.mark.parametrize(
    ("fits", "alerting"),
    [
        ([N], []),
        ([G, N], []),
        ([N, D, N], []),
        ([N, G, N, D], []),
        ([N, N], [1]),
        ([G, N, N], [2]),
        ([N, N, N], [1]),  # one streak, one alert
        ([N, N, G, N, N], [1, 4]),  # a new streak, a new alert
    ],
)
def test_the_alert_fires_exactly_on_two_not_good_answers_in_a_row(
    pair, coordinator, fits, alerting
):
    answers = _answers(pair, fits)
    expected = [answers[i].pk for i in alerting]
    assert sorted(fit_alerts().values_list("pk", flat=True)) == expected
    notes = _alerts(coordinator)
    assert [int(n.period) for n in notes] == expected
    assert all(n.object_id == pair.pk for n in notes)


def test_both_people_answering_after_one_meeting_count_in_a_row(pair, coordinator):
    meeting = MeetingFactory(mentorship=pair)
    MeetingFeedbackFactory(meeting=meeting, author=pair.student, fit=N)
    second = MeetingFeedbackFactory(meeting=meeting, author=pair.mentor, fit=N)
    assert [int(n.period) for n in _alerts(coordinator)] == [second.pk]


def test_the_alert_is_sent_once_and_worded_by_the_meetings_template(pair, coordinator):
    _answers(pair, [N, N])
    _alerts(coordinator)
    [note] = _alerts(coordinator)
    text = notification_text(kind=note.kind, context=note.context)
    assert text.title == "Sam Student and Maya Mentor may not be a good fit"
    assert "end the pairing" in text.body
    assert note.url.endswith(f"/dashboards/coordinator/programmes/{pair_programme(pair)}/")


def pair_programme(mentorship) -> int:
    return mentorship.student.cohort_memberships.get().cohort.programme_id


def test_only_the_pairs_coordinators_hear_of_it(pair, coordinator):
    other_coordinator = CohortFactory().programme.coordinators.get()
    _answers(pair, [N, N])
    assert len(_alerts(coordinator)) == 1
    assert not Notification.objects.filter(user=other_coordinator).exists()
    assert not Notification.objects.filter(
        user__in=[pair.student, pair.mentor], kind=Kind.PAIRING_FIT_ALERT
    ).exists()


def test_an_ended_pairing_raises_no_alert(pair, coordinator):
    _answers(pair, [N, N])
    pair.status = pair.Status.ENDED
    pair.save()
    assert _alerts(coordinator) == []


def test_the_programme_page_shows_the_pair_in_alert_until_another_answer(pair):
    _answers(pair, [G, N, N])
    [row] = programme_health(programme=pair_programme(pair))["pairs"]
    assert row.alert
    MeetingFeedbackFactory(
        meeting=MeetingFactory(mentorship=pair, days_ago=1), author=pair.student, fit=G
    )
    [row] = programme_health(programme=pair_programme(pair))["pairs"]
    assert not row.alert


def test_an_old_alert_does_not_reach_a_new_coordinator(pair, coordinator, settings):
    answers = _answers(pair, [N, N])
    old = timezone.now() - dt.timedelta(days=settings.NUDGES_EVENT_LOOKBACK_DAYS + 1)
    type(answers[1]).objects.filter(pk=answers[1].pk).update(created_at=old)
    assert _alerts(coordinator) == []
