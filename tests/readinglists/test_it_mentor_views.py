from django.urls import reverse

from apps.readinglists import services
from apps.readinglists.models import Assignment, ReviewLog
from tests.matching.factories import MentorshipFactory
from tests.readinglists.factories import ItemFactory, ReadingListFactory, ReviewCardFactory


def test_mentor_assigns_a_list_with_a_due_date(client, mentor, student):
    MentorshipFactory(mentor=mentor, student=student)
    rl = ReadingListFactory(owner=mentor)
    client.force_login(mentor)
    page = client.get(reverse("readinglists:list_detail", args=[rl.pk])).content.decode()
    assert "Assign to mentees" in page
    assert student.name in page
    client.post(
        reverse("readinglists:list_assign", args=[rl.pk]),
        {"mentee": student.pk, "due_date": "2026-12-01"},
    )
    assert Assignment.objects.get().due_date.isoformat() == "2026-12-01"
    client.force_login(student)
    assert rl.title in client.get(reverse("readinglists:list_index")).content.decode()


def test_cannot_assign_to_someone_who_is_not_a_mentee(client, mentor, student):
    rl = ReadingListFactory(owner=mentor)
    client.force_login(mentor)
    client.post(reverse("readinglists:list_assign", args=[rl.pk]), {"mentee": student.pk})
    assert not Assignment.objects.exists()


def test_progress_per_mentee_only_for_those_sharing_reading(client, mentor):
    sharing = MentorshipFactory(mentor=mentor, share_reading=True).student
    private = MentorshipFactory(mentor=mentor, share_reading=False).student
    rl = ReadingListFactory(owner=mentor)
    items = ItemFactory.create_batch(3, reading_list=rl)
    for mentee in (sharing, private):
        services.assignment_create(reading_list=rl, mentor=mentor, mentee=mentee)
        services.progress_set_status(user=mentee, item=items[0], status="summarised")
        services.progress_set_status(user=mentee, item=items[1], status="read")
    client.force_login(mentor)
    content = client.get(reverse("readinglists:list_progress", args=[rl.pk])).content.decode()
    assert sharing.name in content
    assert private.name not in content
    assert "<td>2</td><td>1</td>" in content  # read (incl. summarised), summarised


def test_mentor_sees_retention_summary_never_cards(client, cast):
    card = ReviewCardFactory(owner=cast.owner, prompt="Top secret prompt")
    services.card_review(card=card, rating=3)
    client.force_login(cast.sharing_mentor)
    content = client.get(
        reverse("readinglists:mentee_reading", args=[cast.owner.pk])
    ).content.decode()
    assert "1 reviews" in content
    assert "Top secret prompt" not in content
    assert ReviewLog.objects.count() == 1
