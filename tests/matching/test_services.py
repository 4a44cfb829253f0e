import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.matching import services
from apps.matching.models import MentorProfile, Mentorship
from apps.matching.services import MatchingError
from apps.nudges.models import Kind, OutboxMessage
from apps.nudges.tasks import sweep_nudges
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorProfileFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


def deliver_nudges(capture) -> None:
    """Mentorship emails go only through the nudges outbox: run the per-minute sweep
    task, which writes the outbox rows and then has them sent."""
    with capture(execute=True):
        sweep_nudges()


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor, capacity=2)


def test_request_creates_pending_with_expiry_and_emails_mentor(
    student, profile, django_capture_on_commit_callbacks, settings
):
    settings.PACER_REQUEST_EXPIRY_DAYS = 10
    with django_capture_on_commit_callbacks(execute=True):
        m = services.mentorship_request(student=student, mentor=profile.user, message="Hi <b>")
    assert m.status == Mentorship.Status.PENDING
    assert m.expires_at - timezone.now() > dt.timedelta(days=9)
    # The request itself mails nobody directly...
    assert mail.outbox == []
    deliver_nudges(django_capture_on_commit_callbacks)
    # ...the outbox sends exactly one email, and a second sweep adds none.
    deliver_nudges(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [profile.user.email]
    assert student.name in mail.outbox[0].subject
    html = mail.outbox[0].alternatives[0][0]
    assert "Hi &lt;b&gt;" in html
    sent = OutboxMessage.objects.get()
    assert (sent.kind, sent.object_id, sent.status) == (Kind.MENTORSHIP_REQUEST, m.pk, "sent")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("self", "yourself"),
        ("not_accepting", "not accepting"),
        ("duplicate", "already have a pending request"),
        ("no_profile", "does not mentor"),
        ("full", "no free places"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(student, profile, setup, message):
    target = profile.user
    if setup == "self":
        target = student
        MentorProfileFactory(user=student)
        student.is_mentor = True
    elif setup == "not_accepting":
        MentorProfile.objects.filter(pk=profile.pk).update(accepting=False)
    elif setup == "duplicate":
        MentorshipFactory(student=student, mentor=target, status=Mentorship.Status.PENDING)
    elif setup == "no_profile":
        target = UserFactory(is_mentor=True)
    elif setup == "full":
        MentorProfile.objects.filter(pk=profile.pk).update(capacity=1)
        MentorshipFactory(mentor=target)
    before = Mentorship.objects.count()
    with pytest.raises(MatchingError, match=message):
        services.mentorship_request(student=student, mentor=target)
    assert Mentorship.objects.count() == before


def test_pending_request_limit(student, settings):
    settings.PACER_MAX_PENDING_REQUESTS = 2
    mentors = [MentorProfileFactory().user for _ in range(3)]
    services.mentorship_request(student=student, mentor=mentors[0])
    services.mentorship_request(student=student, mentor=mentors[1])
    with pytest.raises(MatchingError, match="limit is 2"):
        services.mentorship_request(student=student, mentor=mentors[2])


def test_accept_activates_and_emails_student(student, profile, django_capture_on_commit_callbacks):
    m = services.mentorship_request(student=student, mentor=profile.user)
    deliver_nudges(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_accept(mentorship=m, mentor=profile.user, note="Welcome")
    m.refresh_from_db()
    assert m.status == Mentorship.Status.ACTIVE
    assert m.started_at is not None
    assert m.response_note == "Welcome"
    assert mail.outbox == []
    deliver_nudges(django_capture_on_commit_callbacks)
    deliver_nudges(django_capture_on_commit_callbacks)
    assert [e.to for e in mail.outbox] == [[student.email]]
    assert "accepted" in mail.outbox[0].subject
    assert "Welcome" in mail.outbox[0].body


def test_accept_refused_at_capacity(profile):
    MentorProfile.objects.filter(pk=profile.pk).update(capacity=1)
    MentorshipFactory(mentor=profile.user)
    pending = MentorshipFactory(mentor=profile.user, status=Mentorship.Status.PENDING)
    with pytest.raises(MatchingError, match="at capacity"):
        services.mentorship_accept(mentorship=pending, mentor=profile.user)
    pending.refresh_from_db()
    assert pending.status == Mentorship.Status.PENDING


def test_only_the_requested_mentor_can_accept(student, profile):
    m = services.mentorship_request(student=student, mentor=profile.user)
    other = MentorProfileFactory().user
    with pytest.raises(MatchingError):
        services.mentorship_accept(mentorship=m, mentor=other)


def test_expired_request_cannot_be_accepted_and_is_expired_by_the_sweep(student, profile):
    m = services.mentorship_request(student=student, mentor=profile.user)
    Mentorship.objects.filter(pk=m.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(MatchingError, match="expired"):
        services.mentorship_accept(mentorship=m, mentor=profile.user)
    assert services.mentorship_expire_due() == 1
    m.refresh_from_db()
    assert m.status == Mentorship.Status.EXPIRED


def test_decline_with_note_emails_student(student, profile, django_capture_on_commit_callbacks):
    m = services.mentorship_request(student=student, mentor=profile.user)
    deliver_nudges(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_decline(mentorship=m, mentor=profile.user, note="Full this term")
    m.refresh_from_db()
    assert m.status == Mentorship.Status.DECLINED
    deliver_nudges(django_capture_on_commit_callbacks)
    deliver_nudges(django_capture_on_commit_callbacks)
    assert [e.to for e in mail.outbox] == [[student.email]]
    assert "declined" in mail.outbox[0].subject
    assert "Full this term" in mail.outbox[0].body
    with pytest.raises(MatchingError, match="already declined"):
        services.mentorship_accept(mentorship=m, mentor=profile.user)


def test_withdraw_then_request_again(student, profile):
    m = services.mentorship_request(student=student, mentor=profile.user)
    services.mentorship_withdraw(mentorship=m, student=student)
    again = services.mentorship_request(student=student, mentor=profile.user)
    assert again.pk != m.pk


def test_end_requires_reason_and_a_party(student, profile):
    m = MentorshipFactory(student=student, mentor=profile.user)
    with pytest.raises(MatchingError, match="reason"):
        services.mentorship_end(mentorship=m, by=student, reason="  ")
    with pytest.raises(MatchingError):
        services.mentorship_end(mentorship=m, by=UserFactory(), reason="x")
    services.mentorship_end(mentorship=m, by=profile.user, reason="Graduated")
    m.refresh_from_db()
    assert (m.status, m.end_reason, m.ended_by) == ("ended", "Graduated", profile.user)


def test_capacity_cannot_drop_below_active_mentees(profile):
    MentorshipFactory.create_batch(2, mentor=profile.user)
    with pytest.raises(MatchingError, match="already mentor 2"):
        services.mentor_profile_update(user=profile.user, capacity=1)
    profile.refresh_from_db()
    assert profile.capacity == 2


def test_sharing_update_only_by_mentee(student, profile):
    m = MentorshipFactory(student=student, mentor=profile.user)
    assert (m.share_plan, m.share_reading) == (True, False)
    services.mentorship_update_sharing(mentorship=m, student=student, areas=["reading", "papers"])
    m.refresh_from_db()
    assert (m.share_plan, m.share_reading, m.share_papers) == (False, True, True)
    with pytest.raises(MatchingError):
        services.mentorship_update_sharing(mentorship=m, student=profile.user, areas=[])
    with pytest.raises(MatchingError, match="Unknown"):
        services.mentorship_update_sharing(mentorship=m, student=student, areas=["diary"])


def test_notes_only_on_own_mentees(student, profile):
    with pytest.raises(MatchingError):
        services.mentor_note_create(mentor=profile.user, student=student, body="x")
    MentorshipFactory(student=student, mentor=profile.user)
    note = services.mentor_note_create(mentor=profile.user, student=student, body="Met today")
    assert note.body == "Met today"


def test_a_coordinator_of_the_pairs_programme_may_end_it_and_no_other():
    from tests.matching.factories import CohortFactory, MembershipFactory, ProgrammeFactory

    m = MentorshipFactory()
    cohort = CohortFactory()
    MembershipFactory(cohort=cohort, user=m.student, role="student")
    MembershipFactory(cohort=cohort, user=m.mentor, role="mentor")
    elsewhere = ProgrammeFactory().coordinators.get()
    # Both people in some programme of the other coordinator is not enough: as a pair.
    other_cohort = CohortFactory(programme__coordinator=elsewhere)
    MembershipFactory(cohort=other_cohort, user=m.student, role="mentor")
    with pytest.raises(MatchingError, match="Only the mentor or the mentee"):
        services.mentorship_end(mentorship=m, by=elsewhere, reason="Not a fit")
    coordinator = cohort.programme.coordinators.get()
    ended = services.mentorship_end(mentorship=m, by=coordinator, reason="Not a fit")
    assert (ended.status, ended.ended_by) == (Mentorship.Status.ENDED, coordinator)
