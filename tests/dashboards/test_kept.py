"""What the dashboards keep between views (figures, the student home's lists) is never
served once it stopped being true: a write through the owning app retires it, and so
does the day ending, a listed deadline passing or a snooze ending. The reading and
papers writes are in test_kept_reading_papers.py."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from apps.core.person_versions import person_data_changed
from apps.dashboards.figures import figures_by_person
from apps.dashboards.home import student_home
from apps.dashboards.kept import kept_read
from apps.dashboards.selectors import mentor_dashboard
from apps.dashboards.services import next_action_snooze
from apps.milestones import services as milestone_services
from apps.milestones.builtin_templates import builtin_templates
from apps.milestones.models import Milestone, Plan
from apps.milestones.models import Status as MStatus
from apps.nudges.models import Snooze
from apps.research import services as research_services
from apps.research.models import Contact, ContactStatus, Draft
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import (
    fill_student_data,
    give_mentees,
    make_students,
    venue_with_deadline,
)

pytestmark = pytest.mark.django_db


def _at_ten() -> dt.datetime:
    """Ten in the morning today: hours can pass in a test without the day ending."""
    return timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)


def _plan(student, now) -> dict:
    return figures_by_person(visible={"plan": [student.pk]}, now=now)[student.pk]["plan"]


@pytest.fixture
def student():
    (student,) = make_students(1)
    fill_student_data([student], milestones=4, overdue=1, done=1)
    return student


def test_kept_figures_are_read_once(student, django_assert_num_queries):
    now = timezone.now()
    first = _plan(student, now)
    with django_assert_num_queries(0):
        assert _plan(student, now) == first


def test_a_milestone_done_through_the_service_shows_at_once(student):
    now = timezone.now()
    assert _plan(student, now)["done"] == 1
    milestone = Milestone.objects.filter(plan__owner=student, status=MStatus.PLANNED).first()
    milestone_services.milestone_set_status(milestone=milestone, status=MStatus.DONE)
    assert _plan(student, now)["done"] == 2


def test_milestones_added_and_removed_show_at_once(student):
    now = timezone.now()
    plan = Plan.objects.get(owner=student)
    assert _plan(student, now)["total"] == 4
    added = milestone_services.milestone_create(
        plan=plan, title="Submit", success_criterion="sent", target_date=now.date()
    )
    assert _plan(student, now)["total"] == 5
    milestone_services.milestone_delete(milestone=added)
    assert _plan(student, now)["total"] == 4


def test_a_plan_from_a_template_shows_at_once(student):
    """The template's milestones are written in bulk, past any save() hook."""
    now = timezone.now()
    before = _plan(student, now)["total"]
    template = next(iter(builtin_templates().values()))
    milestone_services.plan_create_from_template(
        owner=student, template=template, start_date=now.date()
    )
    assert _plan(student, now)["total"] == before + len(template.milestones)


def test_a_deleted_plan_takes_its_figures_along(student):
    now = timezone.now()
    assert _plan(student, now)["total"] == 4
    milestone_services.plan_delete(plan=Plan.objects.get(owner=student))
    assert figures_by_person(visible={"plan": [student.pk]}, now=now) == {}


def test_a_plan_deleted_with_its_milestones_retires_its_owner_once(django_assert_num_queries):
    """The milestones go with the plan: the plan's receiver retires the owner once, so a
    long plan costs no more queries to delete than a short one."""
    for milestones in (3, 30):
        (owner,) = make_students(1)
        fill_student_data([owner], milestones=milestones, overdue=1, done=1)
        plan = Plan.objects.get(owner=owner)
        with django_assert_num_queries(10):
            milestone_services.plan_delete(plan=plan)


def test_overdue_moves_on_with_the_day(student):
    now = _at_ten()
    assert _plan(student, now)["overdue"] == 1
    # The two other open milestones are due in 5 and 6 days: a week on, they are late too.
    assert _plan(student, now + dt.timedelta(days=7))["overdue"] == 3


def test_a_read_that_raced_a_write_is_not_served_afterwards(student):
    """A read that began before a write committed keeps what it read under a version
    the write retired, so the next view reads afresh."""
    now = timezone.now()
    reads = []

    def read_racing_a_write():
        value = len(reads)
        person_data_changed([student.pk])  # a write commits while this read is running
        reads.append(value)
        return value, None

    assert kept_read("test", person_id=student.pk, now=now, read=read_racing_a_write) == 0
    assert kept_read("test", person_id=student.pk, now=now, read=read_racing_a_write) == 1


def test_what_was_read_before_a_write_committed_is_not_served_after_it(
    student, django_capture_on_commit_callbacks
):
    now = timezone.now()
    milestone = Milestone.objects.filter(plan__owner=student, status=MStatus.PLANNED).first()
    with django_capture_on_commit_callbacks(execute=True):
        milestone_services.milestone_set_status(milestone=milestone, status=MStatus.DONE)
        # Another connection, not seeing the write yet, keeps what it read.
        kept_read("test", person_id=student.pk, now=now, read=lambda: ("before", None))
    assert kept_read("test", person_id=student.pk, now=now, read=lambda: ("after", None)) == "after"


def test_a_lost_version_never_brings_back_older_reads(student):
    now = timezone.now()
    assert kept_read("test", person_id=student.pk, now=now, read=lambda: ("old", None)) == "old"
    cache.delete(f"person-version:{student.pk}")  # evicted
    assert kept_read("test", person_id=student.pk, now=now, read=lambda: ("new", None)) == "new"


def test_nothing_kept_is_served_once_it_is_an_hour_old(student):
    now = _at_ten()
    reads: list[int] = []

    def read() -> tuple[int, None]:
        reads.append(1)
        return len(reads), None

    assert kept_read("test", person_id=student.pk, now=now, read=read) == 1
    later = now + dt.timedelta(minutes=59)
    assert kept_read("test", person_id=student.pk, now=later, read=read) == 1
    an_hour_on = now + dt.timedelta(minutes=61)
    assert kept_read("test", person_id=student.pk, now=an_hour_on, read=read) == 2


def test_figures_kept_again_with_another_area_keep_their_age(student):
    """Reading one area writes the person's entry again, the other areas' kept figures
    in it; they are still read afresh an hour after they were read."""
    now = _at_ten()
    assert _plan(student, now)["done"] == 1
    # Done behind the receivers' back: only the hour can bring it to the page.
    Milestone.objects.filter(plan__owner=student, status=MStatus.PLANNED).update(
        status=MStatus.DONE
    )
    figures_by_person(visible={"reading": [student.pk]}, now=now + dt.timedelta(minutes=50))
    assert _plan(student, now + dt.timedelta(minutes=55))["done"] == 1
    assert _plan(student, now + dt.timedelta(minutes=61))["done"] > 1


# --- The student home's lists ------------------------------------------------------------


def _action_titles(student, now) -> list[str]:
    return [a.title for a in student_home(user=student, now=now)["actions"]]


def test_milestones_reordered_on_the_plan_are_reordered_on_the_home(student):
    """milestone_move writes positions with bulk_update, past any save() hook; the home
    lists the milestones of one day in the plan's order."""
    now = timezone.now()
    plan = Plan.objects.get(owner=student)
    day = now.date() + dt.timedelta(days=3)
    for title in ("Same day A", "Same day B"):
        milestone_services.milestone_create(
            plan=plan, title=title, success_criterion="done", target_date=day
        )

    def same_day_titles() -> list[str]:
        deadlines = student_home(user=student, now=now)["deadlines"]
        return [d["title"] for d in deadlines if d["title"].startswith("Same day")]

    assert same_day_titles() == ["Same day A", "Same day B"]
    milestone_services.milestone_move(
        milestone=Milestone.objects.get(title="Same day B"), direction="up"
    )
    assert same_day_titles() == ["Same day B", "Same day A"]


def test_a_mentor_comment_shows_on_the_home_at_once(student):
    mentor = UserFactory(is_mentor=True)
    give_mentees(mentor, [student])
    now = timezone.now()
    assert student_home(user=student, now=now)["comments"] == []
    milestone = Milestone.objects.filter(plan__owner=student).first()
    milestone_services.comment_create(milestone=milestone, author=mentor, body="Nice start")
    comments = student_home(user=student, now=now)["comments"]
    assert [(c["author"], c["body"]) for c in comments] == [(mentor.name, "Nice start")]


def test_a_snoozed_action_leaves_and_comes_back_when_the_snooze_ends(student):
    now = _at_ten()
    overdue = Milestone.objects.get(
        plan__owner=student, status=MStatus.PLANNED, target_date__lt=now.date()
    )
    assert overdue.title in _action_titles(student, now)
    # Snoozed a day ago for a day: it ends in an hour, on the same day.
    next_action_snooze(
        user=student,
        kind="milestone",
        object_id=overdue.pk,
        days=1,
        now=now - dt.timedelta(hours=23),
    )
    assert overdue.title not in _action_titles(student, now)
    assert overdue.title in _action_titles(student, now + dt.timedelta(hours=2))


def test_a_snooze_removed_in_the_admin_brings_the_action_back_at_once(student):
    now = _at_ten()
    overdue = Milestone.objects.get(
        plan__owner=student, status=MStatus.PLANNED, target_date__lt=now.date()
    )
    next_action_snooze(user=student, kind="milestone", object_id=overdue.pk, days=7, now=now)
    assert overdue.title not in _action_titles(student, now)
    for snooze in Snooze.objects.filter(user=student):
        snooze.delete()  # what the admin's delete does
    assert overdue.title in _action_titles(student, now)


def test_a_draft_deadline_passing_leaves_the_home_without_a_write(student):
    now = _at_ten()
    due = now + dt.timedelta(minutes=30)
    venue = venue_with_deadline(in_days=(due - timezone.now()) / dt.timedelta(days=1))
    Draft.objects.filter(owner=student).update(target_venue=venue)
    person_data_changed([student.pk])  # the update above bypassed the draft's save()
    titles = [d["title"] for d in student_home(user=student, now=now)["deadlines"]]
    assert any(venue.title in t for t in titles)
    later = now + dt.timedelta(hours=1)
    titles = [d["title"] for d in student_home(user=student, now=later)["deadlines"]]
    assert not any(venue.title in t for t in titles)


def test_a_follow_up_closed_leaves_the_home_at_once(student):
    now = timezone.now()
    contact = Contact.objects.get(owner=student)
    assert f"Follow up with {contact.name}" in _action_titles(student, now)
    research_services.contact_update(contact=contact, status=ContactStatus.CLOSED)
    assert f"Follow up with {contact.name}" not in _action_titles(student, now)


def test_a_renamed_venue_shows_on_the_home_at_once(student):
    now = timezone.now()
    venue = venue_with_deadline(in_days=5)
    Draft.objects.filter(owner=student).update(target_venue=venue)
    person_data_changed([student.pk])
    assert any(venue.title in d["title"] for d in student_home(user=student, now=now)["deadlines"])
    venue.title = "Renamed Conference"
    venue.save(update_fields=["title"])
    titles = [d["title"] for d in student_home(user=student, now=now)["deadlines"]]
    assert any("Renamed Conference" in t for t in titles)


# --- Without a cache ---------------------------------------------------------------------

NO_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_the_pages_read_everything_afresh_when_the_cache_is_down(student):
    mentor = UserFactory(is_mentor=True)
    give_mentees(mentor, [student])
    now = timezone.now()
    with_cache = student_home(user=student, now=now)
    row = mentor_dashboard(mentor=mentor, now=now)["rows"][0]
    with override_settings(CACHES=NO_CACHE):
        home = student_home(user=student, now=now)
        down = mentor_dashboard(mentor=mentor, now=now)["rows"][0]
        milestone = Milestone.objects.filter(plan__owner=student, status=MStatus.PLANNED).first()
        milestone_services.milestone_set_status(milestone=milestone, status=MStatus.DONE)
        after = mentor_dashboard(mentor=mentor, now=now)["rows"][0]
    assert home["figures"].plan_done == with_cache["figures"].plan_done == 1
    assert [a.title for a in home["actions"]] == [a.title for a in with_cache["actions"]]
    assert (down.plan_done, down.overdue) == (row.plan_done, row.overdue)
    assert after.plan_done == 2
