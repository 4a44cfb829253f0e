import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.readinglists.models import Item, Progress
from tests.readinglists.factories import ReadingListFactory


def _fill(reading_list, n):
    Item.objects.bulk_create(
        [Item(reading_list=reading_list, position=i, title=f"Paper {i}") for i in range(n)]
    )
    items = list(reading_list.items.all()[:10])
    Progress.objects.bulk_create(
        [Progress(user=reading_list.owner, item=i, status="read") for i in items]
    )


def _queries(client, reading_list):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("readinglists:list_detail", args=[reading_list.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["owner", "sharing_mentor"])
def test_first_page_queries_are_the_same_for_20_and_2000_items(client, cast, viewer):
    small = ReadingListFactory(owner=cast.owner)
    large = ReadingListFactory(owner=cast.owner)
    _fill(small, 20)
    _fill(large, 2000)
    client.force_login(getattr(cast, viewer))
    assert _queries(client, small) == _queries(client, large)


def test_page_shows_status_controls_and_paginates(client, student):
    rl = ReadingListFactory(owner=student)
    _fill(rl, 60)
    client.force_login(student)
    content = client.get(reverse("readinglists:list_detail", args=[rl.pk])).content.decode()
    assert "Page 1 of 2" in content
    assert content.count('aria-pressed="true"') == 50
    assert 'hx-post="/reading/items/' in content


def test_description_markdown_is_sanitised(client, student):
    rl = ReadingListFactory(
        owner=student,
        description="<script>alert(1)</script> [click](javascript:alert(2)) **bold**",
    )
    client.force_login(student)
    content = client.get(reverse("readinglists:list_detail", args=[rl.pk])).content.decode()
    assert "<script>alert(1)" not in content
    assert "javascript:" not in content
    assert "<strong>bold</strong>" in content
