from django.urls import reverse

from apps.readinglists.models import Progress


def test_notes_and_summary_render_harmless(client, cast):
    item = cast.reading_list.items.first()
    client.force_login(cast.owner)
    response = client.post(
        reverse("readinglists:progress_save", args=[item.pk]),
        {
            "notes": "<script>alert('x')</script> [link](javascript:alert(1))",
            "summary": "Uses a **baseline** <img src=x onerror=alert(1)>",
            "rating": "4",
        },
    )
    assert response.status_code == 302
    progress = Progress.objects.get(user=cast.owner, item=item)
    assert progress.status == "summarised"
    assert progress.rating == 4
    content = client.get(reverse("readinglists:item_detail", args=[item.pk])).content.decode()
    # The source stays editable (escaped) in the form; the rendered Markdown is clean.
    assert "<script>alert" not in content
    assert 'href="javascript' not in content
    assert "<img" not in content
    assert "<strong>baseline</strong>" in content


def test_mentor_sees_summary_but_not_private_notes(client, cast):
    item = cast.reading_list.items.first()
    Progress.objects.create(
        user=cast.owner, item=item, status="summarised", notes="secret note", summary="shared sum"
    )
    client.force_login(cast.sharing_mentor)
    content = client.get(reverse("readinglists:item_detail", args=[item.pk])).content.decode()
    assert "shared sum" in content
    assert "secret note" not in content
    assert "Save notes" not in content


def test_invalid_rating_changes_nothing(client, cast):
    item = cast.reading_list.items.first()
    client.force_login(cast.owner)
    response = client.post(
        reverse("readinglists:progress_save", args=[item.pk]), {"rating": "9", "notes": "x"}
    )
    assert response.status_code == 400
    assert not Progress.objects.exists()


def test_edit_item_rejects_invalid_doi(client, cast):
    item = cast.reading_list.items.first()
    client.force_login(cast.owner)
    response = client.post(
        reverse("readinglists:item_edit", args=[item.pk]),
        {"kind": "paper", "title": "T", "doi": "banana", "importance": "optional"},
    )
    assert response.status_code == 400
    assert b"This is not a DOI" in response.content
    item.refresh_from_db()
    assert item.title != "T"
