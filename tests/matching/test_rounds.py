import pytest
from django.core import mail

from apps.matching import programmes, rounds, selectors
from apps.matching.models import (
    CohortInvitation,
    CohortMembership,
    MatchingRound,
    Mentorship,
    ProposedPair,
)
from apps.matching.services import MatchingError
from apps.nudges.models import Kind, Notification, OutboxMessage
from apps.nudges.tasks import sweep_nudges
from tests.accounts.factories import UserFactory
from tests.matching.factories import (
    CohortFactory,
    MembershipFactory,
    MentorProfileFactory,
    RoundFactory,
    StudentPreferencesFactory,
)

pytestmark = pytest.mark.django_db


def _cohort_with(n_students: int, mentor_specs: list[tuple[str, int]]):
    cohort = CohortFactory()
    students = []
    for i in range(n_students):
        prefs = StudentPreferencesFactory(
            interests="causal inference" if i % 2 else "reinforcement learning",
            tags="causal" if i % 2 else "RL",
        )
        MembershipFactory(cohort=cohort, user=prefs.user, role="student")
        students.append(prefs.user)
    mentors = []
    for areas, capacity in mentor_specs:
        profile = MentorProfileFactory(
            research_areas=areas, topic_tags="", method_tags="", capacity=capacity
        )
        MembershipFactory(cohort=cohort, user=profile.user, role="mentor")
        mentors.append(profile.user)
    return cohort, students, mentors


def _run(matching_round, capture):
    with capture(execute=True):
        rounds.round_start(matching_round=matching_round)
    matching_round.refresh_from_db()
    return matching_round


def test_invite_sends_email_once_and_acceptance_adds_member(django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    with django_capture_on_commit_callbacks(execute=True):
        programmes.cohort_invite(
            cohort=cohort,
            inviter=cohort.programme.coordinators.get(),
            emails=["new@example.org", "new@example.org"],
            role="mentor",
        )
        programmes.cohort_invite(
            cohort=cohort,
            inviter=cohort.programme.coordinators.get(),
            emails=["new@example.org"],
            role="mentor",
        )
    assert len(mail.outbox) == 1
    invitation = CohortInvitation.objects.get()
    assert str(invitation.token) in mail.outbox[0].body
    stranger = UserFactory()
    with pytest.raises(MatchingError, match="sign in with that address"):
        programmes.invitation_accept(invitation=invitation, user=stranger)
    invitee = UserFactory(email="new@example.org")
    programmes.invitation_accept(invitation=invitation, user=invitee)
    invitee.refresh_from_db()
    assert invitee.is_mentor
    assert CohortMembership.objects.filter(cohort=cohort, user=invitee, role="mentor").exists()


def test_round_with_no_mentors_is_refused_and_unchanged():
    cohort, _, _ = _cohort_with(2, [])
    matching_round = RoundFactory(cohort=cohort)
    with pytest.raises(MatchingError, match="no mentors"):
        rounds.round_start(matching_round=matching_round)
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.DRAFT


@pytest.mark.parametrize("algorithm", ["stable", "optimal"])
def test_run_proposes_fitting_pairs_with_explanations(
    algorithm, django_capture_on_commit_callbacks
):
    cohort, students, mentors = _cohort_with(
        2, [("reinforcement learning", 1), ("causal inference", 1)]
    )
    matching_round = RoundFactory(cohort=cohort, algorithm=algorithm)
    matching_round = _run(matching_round, django_capture_on_commit_callbacks)
    assert matching_round.status == MatchingRound.Status.DONE
    assert matching_round.progress == 100
    pairs = {p.student_id: p for p in ProposedPair.objects.filter(round=matching_round)}
    assert pairs[students[0].pk].mentor_id == mentors[0].pk
    assert pairs[students[1].pk].mentor_id == mentors[1].pk
    assert "shares:" in pairs[students[0].pk].explanation
    assert set(pairs[students[0].pk].components) >= {"interest", "tags", "timezone"}
    results = selectors.round_results(matching_round=matching_round)
    assert results["match_rate"] == 100
    assert results["mean_rank"] == 1


def test_ranked_choices_come_first(django_capture_on_commit_callbacks):
    cohort, students, mentors = _cohort_with(
        1, [("reinforcement learning", 1), ("causal inference", 1)]
    )
    matching_round = RoundFactory(cohort=cohort, status="open")
    rounds.round_choices_set(
        matching_round=matching_round, student=students[0], mentor_ids=[mentors[1].pk]
    )
    matching_round = _run(matching_round, django_capture_on_commit_callbacks)
    pair = ProposedPair.objects.get(round=matching_round)
    assert pair.mentor_id == mentors[1].pk
    assert pair.rank_obtained == 1


def test_choices_only_for_cohort_students_and_mentors():
    cohort, students, _ = _cohort_with(1, [("x", 1)])
    matching_round = RoundFactory(cohort=cohort, status="open")
    outsider = MentorProfileFactory().user
    with pytest.raises(MatchingError, match="only mentors of this cohort"):
        rounds.round_choices_set(
            matching_round=matching_round, student=students[0], mentor_ids=[outsider.pk]
        )
    with pytest.raises(MatchingError, match="Only students"):
        rounds.round_choices_set(
            matching_round=matching_round, student=UserFactory(), mentor_ids=[]
        )


def test_unmatched_student_gets_a_reason(django_capture_on_commit_callbacks):
    cohort, _students, _ = _cohort_with(2, [("reinforcement learning", 1)])
    matching_round = _run(RoundFactory(cohort=cohort), django_capture_on_commit_callbacks)
    results = selectors.round_results(matching_round=matching_round)
    assert results["match_rate"] == 50
    assert len(results["unmatched"]) == 1
    assert results["unmatched"][0].unmatched_reason


def test_language_filter_explains_unmatched(django_capture_on_commit_callbacks):
    cohort, students, _mentors = _cohort_with(1, [("reinforcement learning", 1)])
    students[0].student_preferences.languages = "Portuguese"
    students[0].student_preferences.save()
    matching_round = _run(RoundFactory(cohort=cohort), django_capture_on_commit_callbacks)
    pair = ProposedPair.objects.get(round=matching_round)
    assert pair.mentor_id is None
    assert "no language in common" in pair.unmatched_reason


def test_swap_locks_and_rerun_keeps_locked_pairs_then_publish_creates_mentorships(
    django_capture_on_commit_callbacks,
):
    cohort, students, mentors = _cohort_with(
        2, [("reinforcement learning", 1), ("causal inference", 1)]
    )
    matching_round = _run(RoundFactory(cohort=cohort), django_capture_on_commit_callbacks)
    first, second = ProposedPair.objects.filter(round=matching_round).order_by("student_id")
    rounds.pair_swap(matching_round=matching_round, first_id=first.pk, second_id=second.pk)
    matching_round = _run(matching_round, django_capture_on_commit_callbacks)
    pairs = {p.student_id: p for p in ProposedPair.objects.filter(round=matching_round)}
    assert pairs[students[0].pk].mentor_id == mentors[1].pk
    assert pairs[students[0].pk].locked
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = rounds.round_publish(matching_round=matching_round)
    assert len(created) == 2
    assert Mentorship.objects.filter(
        student=students[0], mentor=mentors[1], status="active"
    ).exists()
    # Publishing mails nobody directly; the nudges outbox tells both sides once.
    assert mail.outbox == []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_nudges()
    assert sorted(e.to[0] for e in mail.outbox) == sorted(
        u.email for m in created for u in (m.student, m.mentor)
    )
    assert all("matched" in e.subject for e in mail.outbox)
    assert set(OutboxMessage.objects.values_list("kind", flat=True)) == {Kind.MENTORSHIP_MATCHED}
    # A round's mentorships are not mistaken for accepted requests.
    assert not Notification.objects.filter(kind=Kind.MENTORSHIP_ACCEPTED).exists()
    matching_round.refresh_from_db()
    assert matching_round.status == "published"
    with pytest.raises(MatchingError):
        rounds.round_publish(matching_round=matching_round)


def test_publish_is_all_or_nothing_when_capacity_was_taken_meanwhile(
    django_capture_on_commit_callbacks,
):
    cohort, students, mentors = _cohort_with(
        2, [("reinforcement learning", 1), ("causal inference", 1)]
    )
    matching_round = _run(RoundFactory(cohort=cohort), django_capture_on_commit_callbacks)
    Mentorship.objects.create(student=UserFactory(), mentor=mentors[1], status="active")
    with pytest.raises(MatchingError, match="no longer has"):
        rounds.round_publish(matching_round=matching_round)
    assert not Mentorship.objects.filter(student__in=students).exists()
    matching_round.refresh_from_db()
    assert matching_round.status == "done"


def test_lock_requires_a_run():
    matching_round = RoundFactory()
    _cohort, students, mentors = _cohort_with(1, [("x", 1)])
    pair = ProposedPair.objects.create(round=matching_round, student=students[0], mentor=mentors[0])
    with pytest.raises(MatchingError, match="only after a run"):
        rounds.pair_toggle_lock(pair=pair)


def test_negative_weights_refused():
    matching_round = RoundFactory()
    with pytest.raises(MatchingError, match="negative"):
        rounds.round_update_settings(matching_round=matching_round, weight_tags=-1.0)


def test_programme_summary_counts_members_and_match_rate():
    cohort, students, mentors = _cohort_with(2, [("x", 2)])
    Mentorship.objects.create(student=students[0], mentor=mentors[0], status="active")
    summary = selectors.programme_summary(programme=cohort.programme)
    assert (summary["students"], summary["mentors"], summary["match_rate"]) == (2, 1, 50)
    coordinator = cohort.programme.coordinators.get()
    assert list(selectors.programmes_for_coordinator(user=coordinator)) == [cohort.programme]
    assert not selectors.programmes_for_coordinator(user=UserFactory()).exists()
