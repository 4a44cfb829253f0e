from django.urls import reverse

from apps.readinglists.models import Progress
from tests.readinglists.factories import AssignmentFactory, ItemFactory


def test_one_click_status_with_htmx_returns_the_control(client, cast):
    item = cast.reading_list.items.first()
    client.force_login(cast.owner)
    response = client.post(
        reverse("readinglists:item_status", args=[item.pk]),
        {"status": "read"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert f'id="status-{item.pk}"' in content
    assert 'value="read" class="button-small rl-current" aria-pressed="true"' in content
    assert "Marked as read" in content
    progress = Progress.objects.get(user=cast.owner, item=item)
    assert progress.status == "read"
    assert progress.finished_at is not None


def test_without_javascript_the_form_redirects_back(client, cast):
    item = cast.reading_list.items.first()
    client.force_login(cast.owner)
    response = client.post(
        reverse("readinglists:item_status", args=[item.pk]), {"status": "reading"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("readinglists:list_detail", args=[cast.reading_list.pk])


def test_unknown_status_is_refused_and_changes_nothing(client, cast):
    item = cast.reading_list.items.first()
    client.force_login(cast.owner)
    response = client.post(reverse("readinglists:item_status", args=[item.pk]), {"status": "done"})
    assert response.status_code == 400
    assert not Progress.objects.exists()


def test_assigned_mentee_tracks_own_progress_on_the_mentors_list(client, mentor, student):
    item = ItemFactory(reading_list__owner=mentor)
    AssignmentFactory(reading_list=item.reading_list, mentee=student)
    client.force_login(student)
    client.post(reverse("readinglists:item_status", args=[item.pk]), {"status": "summarised"})
    assert Progress.objects.get(item=item).user == student
