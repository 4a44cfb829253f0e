from django.urls import reverse

from apps.readinglists.models import ReadingList
from tests.readinglists.factories import AssignmentFactory, ItemFactory, ReadingListFactory

URL = reverse("readinglists:list_index")


def test_empty_state_guides_a_new_student(client, student):
    client.force_login(student)
    response = client.get(URL)
    assert b"No lists yet" in response.content
    assert b"family of methods" in response.content


def test_groups_my_lists_assigned_and_mentees(client, cast):
    assigned = AssignmentFactory(mentee=cast.owner, reading_list__title="Assigned reading")
    ItemFactory(reading_list=assigned.reading_list)
    client.force_login(cast.owner)
    content = client.get(URL).content.decode()
    assert "Assigned to you" in content
    assert "Assigned reading" in content
    assert "Owner&#x27;s private list" in content
    client.force_login(cast.sharing_mentor)
    content = client.get(URL).content.decode()
    assert "Your mentees' lists" in content
    assert "Owner&#x27;s private list" in content
    client.force_login(cast.unshared_mentor)
    assert "Owner&#x27;s private list" not in client.get(URL).content.decode()


def test_create_list(client, student):
    client.force_login(student)
    response = client.post(
        reverse("readinglists:list_create"),
        {"title": "Bandits", "topic_tags": "RL, bandits, rl", "method_tags": "UCB",
         "visibility": "private"},
    )  # fmt: skip
    rl = ReadingList.objects.get(owner=student)
    assert response.status_code == 302
    assert rl.topic_tags == ["RL", "bandits"]


def test_invalid_list_form_changes_nothing(client, student):
    client.force_login(student)
    response = client.post(reverse("readinglists:list_create"), {"title": "", "visibility": "x"})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert not ReadingList.objects.exists()


def test_index_query_count_does_not_grow_with_lists(client, student, django_assert_num_queries):
    def count():
        client.force_login(student)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(URL)
        return len(ctx.captured_queries)

    ReadingListFactory(owner=student)
    few = count()
    for rl in ReadingListFactory.create_batch(15, owner=student):
        ItemFactory.create_batch(2, reading_list=rl)
    assert count() == few
