"""Kept figures never go stale: the "reading" and "papers" figures the dashboards keep
per person (``apps/dashboards/kept.py``) are read afresh after every write the product
makes through its real services (or ``save()``/``delete()`` where its admin would), and
after ``changes_at`` when time alone changes them.

Each test reads once (so the figures are kept), proves a second read runs no query,
writes, and reads the new value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.core.person_versions import person_versions
from apps.dashboards.figures import figures_by_person
from apps.dashboards.kept import kept_read
from apps.readinglists import card_import, foundations
from apps.readinglists.models import ReadingStatus, ReviewCard
from apps.readinglists.selectors import reading_figures
from apps.readinglists.services import (
    assignment_create,
    assignment_delete,
    deck_add_starter,
    identifiers_add,
    item_create,
    item_delete,
    list_create,
    list_delete,
    progress_set_status,
    review_pause,
    review_resume,
)
from apps.research.models import Draft, Stage, Venue, VenueDeadline
from apps.research.services import draft_change_stage, draft_create, venue_catalogue_import
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import (
    fill_student_data,
    give_mentees,
    make_students,
    venue_with_deadline,
)

pytestmark = pytest.mark.django_db


def reading(pk: int, now: dt.datetime) -> dict:
    """The person's kept-or-read "reading" figures ({} for someone with none)."""
    return figures_by_person(visible={"reading": [pk]}, now=now).get(pk, {}).get("reading", {})


def papers(pk: int, now: dt.datetime) -> dict:
    """The person's kept-or-read "papers" figures ({} for someone without drafts)."""
    return figures_by_person(visible={"papers": [pk]}, now=now).get(pk, {}).get("papers", {})


def local_noon() -> dt.datetime:
    """Today's local noon: a ``now`` whose next hours stay in the same local day, so
    that only ``changes_at`` (never the day in the key) can retire what was kept."""
    return timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def kept_check(django_assert_num_queries):
    """Assert that reading ``area`` again for ``pk`` at ``now`` serves the kept figures
    without a query, and return them."""

    def check(area_reader, pk: int, now: dt.datetime) -> dict:
        with django_assert_num_queries(0):
            return area_reader(pk, now)

    return check


def mentor_with_mentee():
    mentor = UserFactory(is_mentor=True)
    (mentee,) = make_students(1)
    give_mentees(mentor, [mentee])
    return mentor, mentee


def assigned_list(*titles: str):
    """A mentor's list of these titles, assigned to their mentee: (mentor, mentee, list,
    items)."""
    mentor, mentee = mentor_with_mentee()
    reading_list = list_create(owner=mentor, title="Foundations")
    items = [item_create(reading_list=reading_list, title=title) for title in titles]
    assignment_create(reading_list=reading_list, mentor=mentor, mentee=mentee)
    return mentor, mentee, reading_list, items


# --- Reading ---------------------------------------------------------------------------


def test_marking_an_item_read_retires_the_readers_kept_figures(kept_check):
    """progress_set_status (Progress saved) updates the kept "done" count."""
    now = timezone.now()
    (student,) = make_students(1)
    fill_student_data([student], items=3, read=1)
    assert reading(student.pk, now)["done"] == 1
    assert kept_check(reading, student.pk, now)["done"] == 1
    item = student.reading_lists.get().items.order_by("position").last()

    progress_set_status(user=student, item=item, status=ReadingStatus.READ, now=now)

    assert reading(student.pk, now)["done"] == 2


def test_an_item_added_to_an_assigned_list_changes_the_mentees_total(kept_check):
    """item_create on the mentor's list retires the assigned mentee's kept total."""
    now = timezone.now()
    mentor, mentee = mentor_with_mentee()
    reading_list = list_create(owner=mentor, title="Foundations")
    item_create(reading_list=reading_list, title="Sutton and Barto")
    assignment_create(reading_list=reading_list, mentor=mentor, mentee=mentee)
    assert reading(mentee.pk, now)["total"] == 1
    assert kept_check(reading, mentee.pk, now)["total"] == 1

    item_create(reading_list=reading_list, title="Bertsekas")

    assert reading(mentee.pk, now)["total"] == 2


def test_identifiers_pasted_into_an_assigned_list_change_the_mentees_total(kept_check):
    """identifiers_add (bulk_create, explicit lists_changed) retires the mentee's total."""
    now = timezone.now()
    mentor, mentee = mentor_with_mentee()
    reading_list = list_create(owner=mentor, title="Foundations")
    assignment_create(reading_list=reading_list, mentor=mentor, mentee=mentee)
    assert reading(mentee.pk, now).get("total", 0) == 0
    assert kept_check(reading, mentee.pk, now).get("total", 0) == 0

    identifiers_add(reading_list=reading_list, text="10.1038/nature14236\narXiv:1707.06347")

    assert reading(mentee.pk, now)["total"] == 2


def test_an_assignment_created_then_removed_changes_the_mentees_total(kept_check):
    """assignment_create and assignment_delete each retire the mentee's kept total."""
    now = timezone.now()
    mentor, mentee = mentor_with_mentee()
    reading_list = list_create(owner=mentor, title="Foundations")
    for title in ("A", "B", "C"):
        item_create(reading_list=reading_list, title=title)
    assert reading(mentee.pk, now).get("total", 0) == 0
    assert kept_check(reading, mentee.pk, now).get("total", 0) == 0

    assignment = assignment_create(reading_list=reading_list, mentor=mentor, mentee=mentee)

    assert reading(mentee.pk, now)["total"] == 3
    assert kept_check(reading, mentee.pk, now)["total"] == 3

    assignment_delete(assignment=assignment)

    assert reading(mentee.pk, now).get("total", 0) == 0


def test_deleting_a_whole_list_changes_its_assignees_and_owners_figures(kept_check):
    """list_delete retires the kept figures of the list's assignee and owner."""
    now = timezone.now()
    mentor, mentee, reading_list, (item, _) = assigned_list("A", "B")
    progress_set_status(user=mentee, item=item, status=ReadingStatus.READ, now=now)
    assert reading(mentee.pk, now)["total"] == 2
    assert reading(mentee.pk, now)["done"] == 1
    assert reading(mentor.pk, now)["total"] == 2
    assert kept_check(reading, mentee.pk, now)["total"] == 2
    assert kept_check(reading, mentor.pk, now)["total"] == 2

    list_delete(reading_list=reading_list)

    after = reading(mentee.pk, now)
    assert (after.get("total", 0), after.get("done", 0)) == (0, 0)
    assert reading(mentor.pk, now).get("total", 0) == 0


def test_one_item_deleted_changes_the_readers_totals(kept_check):
    """item_delete: the item's own receiver retires its list's readers."""
    now = timezone.now()
    mentor, mentee, _, (item, _) = assigned_list("A", "B")
    assert reading(mentee.pk, now)["total"] == 2
    assert kept_check(reading, mentee.pk, now)["total"] == 2

    item_delete(item=item)

    assert reading(mentee.pk, now)["total"] == 1
    assert reading(mentor.pk, now)["total"] == 1


def _list_deleted_with(items: int, django_assert_num_queries, queries: int) -> None:
    _, mentee, reading_list, papers = assigned_list(*(f"Paper {n}" for n in range(items)))
    for item in papers:
        progress_set_status(user=mentee, item=item, status=ReadingStatus.READ)
    with django_assert_num_queries(queries):
        list_delete(reading_list=reading_list)


def test_a_list_deleted_with_its_items_retires_its_readers_once(django_assert_num_queries):
    """The items and their progress go with the list: the list's receiver retires its
    readers once, so deleting a long list costs no more queries than a short one."""
    _list_deleted_with(3, django_assert_num_queries, queries=13)
    _list_deleted_with(30, django_assert_num_queries, queries=13)


def test_resuming_review_after_a_vacation_retires_the_kept_cards_due(kept_check):
    """review_resume (cards shifted with update()) updates the kept cards_due."""
    now = timezone.now()
    (student,) = make_students(1)
    # Due before the pause: still due once shifted by the two-day pause.
    ReviewCard.objects.create(owner=student, prompt="Old", due=now - dt.timedelta(days=3))
    # Fell due during the pause: shifted two days on, not due.
    ReviewCard.objects.create(owner=student, prompt="New", due=now - dt.timedelta(hours=1))
    review_pause(user=student, now=now - dt.timedelta(days=2))
    assert reading(student.pk, now)["cards_due"] == 0
    assert kept_check(reading, student.pk, now)["cards_due"] == 0

    review_resume(user=student, now=now)

    after = reading(student.pk, now)
    assert after["cards_due"] == 1
    assert after["changes_at"] == now - dt.timedelta(hours=1) + dt.timedelta(days=2)


def test_pausing_review_retires_the_kept_cards_due(kept_check):
    """review_pause (ReviewSettings saved) drops the kept cards_due to zero."""
    now = timezone.now()
    (student,) = make_students(1)
    fill_student_data([student], cards_due=2)
    assert reading(student.pk, now)["cards_due"] == 2
    assert kept_check(reading, student.pk, now)["cards_due"] == 2

    review_pause(user=student, now=now)

    assert reading(student.pk, now)["cards_due"] == 0


def test_starter_cards_added_in_bulk_raise_the_kept_cards_due(kept_check):
    """deck_add_starter (bulk_create, explicit person_data_changed) adds to cards_due."""
    now = timezone.now()
    (student,) = make_students(1)
    fill_student_data([student], cards_due=1)
    assert reading(student.pk, now)["cards_due"] == 1
    assert kept_check(reading, student.pk, now)["cards_due"] == 1

    added = deck_add_starter(user=student, now=now)

    assert added == len(foundations.STARTER_CARDS) > 0
    assert reading(student.pk, now)["cards_due"] == 1 + added


def test_confirming_a_csv_card_import_raises_the_kept_cards_due(kept_check):
    """card_import_confirm (bulk_create, explicit person_data_changed) adds to cards_due."""
    now = timezone.now()
    (student,) = make_students(1)
    assert reading(student.pk, now).get("cards_due", 0) == 0
    preview = card_import.card_import_preview(
        user=student, data=b"Q1,a\nQ2,b\nQ3,c\n", filename="cards.csv", now=now
    )
    # The preview writes no card: what was kept still holds.
    assert kept_check(reading, student.pk, now).get("cards_due", 0) == 0

    assert card_import.card_import_confirm(card_import=preview, user=student, now=now) == (3, 0)

    assert reading(student.pk, now)["cards_due"] == 3


def test_a_card_falling_due_by_time_alone_is_counted_once_its_time_comes(kept_check):
    """No write: a read after the next card's due time (changes_at) counts it as due."""
    now = local_noon()
    (student,) = make_students(1)
    ReviewCard.objects.create(owner=student, prompt="Due", due=now - dt.timedelta(hours=1))
    soon = now + dt.timedelta(hours=1)
    ReviewCard.objects.create(owner=student, prompt="Soon", due=soon)
    first = reading(student.pk, now)
    assert (first["cards_due"], first["changes_at"]) == (1, soon)
    # Before the card falls due what was kept is still true.
    assert kept_check(reading, student.pk, now + dt.timedelta(minutes=30))["cards_due"] == 1

    later = now + dt.timedelta(hours=2)
    assert timezone.localdate(later) == timezone.localdate(now)

    assert reading(student.pk, later)["cards_due"] == 2


# --- Papers ----------------------------------------------------------------------------


def test_a_draft_stage_change_retires_the_kept_deadlines(kept_check):
    """draft_change_stage (update(), explicit person_data_changed) updates the figures."""
    now = timezone.now()
    (student,) = make_students(1)
    venue = venue_with_deadline(in_days=5)
    deadline = venue.deadlines.get().due_at
    draft = draft_create(owner=student, title="Kept", stage=Stage.DRAFTING, target_venue=venue)
    first = papers(student.pk, now)
    assert (first["next_deadline"], first["early_deadline"]) == (deadline, deadline)
    assert kept_check(papers, student.pk, now)["early_deadline"] == deadline

    draft_change_stage(draft=draft, stage=Stage.SUBMITTED, by=student, now=now)

    after = papers(student.pk, now)
    assert (after["next_deadline"], after["early_deadline"]) == (deadline, None)
    assert after["last_change"] == now


def test_a_catalogue_import_adding_a_deadline_changes_figures_of_drafts_aiming_there(
    kept_check,
):
    """venue_catalogue_import (bulk_create, explicit venues_changed) retires the
    figures of the owners of drafts aimed at the venue."""
    now = timezone.now()
    (student,) = make_students(1)
    venue = Venue.objects.create(title="KEPTCONF")
    draft_create(owner=student, title="Kept", stage=Stage.DRAFTING, target_venue=venue)
    assert papers(student.pk, now)["next_deadline"] is None
    assert kept_check(papers, student.pk, now)["next_deadline"] is None
    when = timezone.localdate(now) + dt.timedelta(days=60)

    result = venue_catalogue_import(
        text=(
            f"- title: KEPTCONF\n  year: {when.year}\n  deadlines:\n"
            f"    - {{type: paper, date: '{when.isoformat()} 23:59', timezone: UTC}}\n"
        )
    )

    # Only the bulk-created deadline was written, not the venue itself.
    assert (result.venues_unchanged, result.deadlines_created) == (1, 1)
    added = VenueDeadline.objects.get(venue=venue).due_at
    assert added > now
    assert papers(student.pk, now)["next_deadline"] == added


def test_a_deadline_edited_with_save_changes_the_kept_next_deadline(kept_check):
    """VenueDeadline.save() (as the admin edits it) retires the drafts' owners' figures."""
    now = timezone.now()
    (student,) = make_students(1)
    venue = venue_with_deadline(in_days=10)
    fill_student_data([student], venue=venue)
    deadline = venue.deadlines.get()
    assert papers(student.pk, now)["next_deadline"] == deadline.due_at
    assert kept_check(papers, student.pk, now)["next_deadline"] == deadline.due_at

    deadline.due_at = now + dt.timedelta(days=3)
    deadline.save()

    assert papers(student.pk, now)["next_deadline"] == now + dt.timedelta(days=3)


def test_the_next_deadline_passing_by_time_alone_moves_the_figures_on(kept_check):
    """No write: after the next deadline (changes_at) passes, the next one is shown, then
    none."""
    now = local_noon()
    (student,) = make_students(1)
    venue = Venue.objects.create(title="TIMECONF")
    first_due, second_due = now + dt.timedelta(hours=1), now + dt.timedelta(hours=3)
    for label, due in (("Round 1", first_due), ("Round 2", second_due)):
        VenueDeadline.objects.create(
            venue=venue,
            year=due.year,
            kind="paper",
            label=label,
            local_date=due.date(),
            local_time=due.time(),
            timezone_name="UTC",
            due_at=due,
        )
    Draft.objects.create(
        owner=student, title="Kept", target_venue=venue, stage=Stage.DRAFTING, stage_changed_at=now
    )
    first = papers(student.pk, now)
    assert (first["next_deadline"], first["changes_at"]) == (first_due, first_due)
    assert kept_check(papers, student.pk, now + dt.timedelta(minutes=30))["next_deadline"] == (
        first_due
    )
    later, latest = now + dt.timedelta(hours=2), now + dt.timedelta(hours=4)
    assert timezone.localdate(latest) == timezone.localdate(now)

    assert papers(student.pk, later)["next_deadline"] == second_due
    assert kept_check(papers, student.pk, later)["next_deadline"] == second_due
    assert papers(student.pk, latest)["next_deadline"] is None


# --- A write racing a kept read --------------------------------------------------------


def test_a_write_during_a_kept_read_is_not_hidden_by_what_that_read_kept():
    """What a read kept under a version retired by a write during the read (between
    reading the version and storing) is never served: the next read reads afresh."""
    now = timezone.now()
    (student,) = make_students(1)
    fill_student_data([student], items=3, read=1)
    item = student.reading_lists.get().items.order_by("position").last()
    version_before = person_versions([student.pk])[student.pk]
    reads: list[int] = []

    def read_then_write():
        value = reading_figures(readers=[student.pk], now=now)[student.pk]["done"]
        reads.append(value)
        # The person marks an item read after the figures were read, before they are kept.
        progress_set_status(user=student, item=item, status=ReadingStatus.READ, now=now)
        return value, None

    assert kept_read("race", person_id=student.pk, now=now, read=read_then_write) == 1
    assert person_versions([student.pk])[student.pk] != version_before

    def fresh_read():
        value = reading_figures(readers=[student.pk], now=now)[student.pk]["done"]
        reads.append(value)
        return value, None

    assert kept_read("race", person_id=student.pk, now=now, read=fresh_read) == 2
    # That fresh read is kept under the current version and served from now on.
    assert kept_read("race", person_id=student.pk, now=now, read=fresh_read) == 2
    assert reads == [1, 2]
