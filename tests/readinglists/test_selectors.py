import pytest

from apps.readinglists import selectors, services
from tests.readinglists.factories import (
    AssignmentFactory,
    ItemFactory,
    ProgressFactory,
    ReadingListFactory,
)


def test_reading_progress_counts_own_and_assigned_items_in_one_query(
    student, django_assert_num_queries
):
    own = ReadingListFactory(owner=student)
    items = ItemFactory.create_batch(4, reading_list=own)
    assigned = AssignmentFactory(mentee=student).reading_list
    assigned_items = ItemFactory.create_batch(2, reading_list=assigned)
    ItemFactory.create_batch(3)  # someone else's
    services.progress_set_status(user=student, item=items[0], status="reading")
    services.progress_set_status(user=student, item=items[1], status="read")
    services.progress_set_status(user=student, item=assigned_items[0], status="summarised")
    with django_assert_num_queries(1):
        counts = selectors.reading_progress(user=student)
    assert counts == {"to_read": 3, "reading": 1, "read": 1, "summarised": 1, "total": 6}


def test_status_dates_are_stamped_once(student):
    item = ItemFactory(reading_list=ReadingListFactory(owner=student))
    p = services.progress_set_status(user=student, item=item, status="summarised")
    assert p.started_at
    assert p.finished_at
    assert p.summarised_at
    first = p.finished_at
    p = services.progress_set_status(user=student, item=item, status="read")
    assert p.finished_at == first


def test_writing_a_summary_marks_summarised(student):
    item = ItemFactory(reading_list=ReadingListFactory(owner=student))
    p = services.progress_update(user=student, item=item, notes="", summary="Key idea", rating=4)
    assert p.status == "summarised"


@pytest.fixture
def searchable(student):
    rl = ReadingListFactory(owner=student)
    ItemFactory(reading_list=rl, title="Policy gradient methods with baselines")
    noted = ItemFactory(reading_list=rl, title="Unrelated title")
    ProgressFactory(user=student, item=noted, notes="reminds me of variance reduction tricks")
    ItemFactory(title="Policy gradient for someone else")  # not visible
    return rl


def test_full_text_search_covers_titles_and_my_notes(student, searchable):
    titles = [i.title for i in selectors.search_items(user=student, query="policy gradients")]
    assert titles == ["Policy gradient methods with baselines"]  # stemming: gradients
    noted = selectors.search_items(user=student, query="variance reduction")
    assert [i.title for i in noted] == ["Unrelated title"]


def test_list_copy_copies_items_but_not_progress(student, user):
    source = ReadingListFactory(owner=user)
    item = ItemFactory(reading_list=source, doi="10.1234/abc")
    ProgressFactory(user=user, item=item)
    copy = services.list_copy(reading_list=source, user=student)
    assert copy.owner == student
    assert copy.copied_from == source
    assert list(copy.items.values_list("doi", flat=True)) == ["10.1234/abc"]
    assert not copy.items.get().progress.exists()
