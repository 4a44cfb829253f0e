import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.matching.models import Mentorship
from tests.accounts.factories import UserFactory
from tests.dashboards.factories import (
    fill_student_data,
    give_mentees,
    make_students,
    venue_with_deadline,
)

URL = reverse("dashboards:mentor")

pytestmark = pytest.mark.django_db


def _mentor_with(n: int, **shares):
    mentor = UserFactory(is_mentor=True)
    students = make_students(n)
    give_mentees(mentor, students, **shares)
    fill_student_data(students, venue=venue_with_deadline(20))
    return mentor, students


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_mentor_sees_active_mentees_only(client):
    mentor, students = _mentor_with(2)
    _other_mentor, others = _mentor_with(1)
    ended = make_students(1, prefix="ended")[0]
    Mentorship.objects.create(student=ended, mentor=mentor, status=Mentorship.Status.ENDED)
    pending = make_students(1, prefix="pending")[0]
    Mentorship.objects.create(student=pending, mentor=mentor, status=Mentorship.Status.PENDING)
    client.force_login(mentor)
    body = client.get(URL).content.decode()
    for s in students:
        assert s.display_name in body
    assert others[0].display_name not in body
    assert f'data-student="{ended.pk}"' not in body
    assert f'data-student="{pending.pk}"' not in body
    # The pending request is listed separately, not as a mentee.
    assert "Pending requests" in body
    assert pending.display_name in body


def test_unshared_areas_show_not_shared_and_no_figures(client):
    mentor, _ = _mentor_with(1, share_plan=False, share_reading=False, share_papers=False)
    client.force_login(mentor)
    response = client.get(URL)
    row = response.context["rows"][0]
    assert row.plan_total == row.overdue == row.reading_total == row.cards_due == 0
    assert row.next_deadline is None
    body = response.content.decode()
    assert body.count("not shared") >= 5
    # No overdue flag can come from data the mentor may not see.
    assert not any("overdue" in f.text for f in row.flags)


def test_shared_figures_and_flags(client):
    mentor = UserFactory(is_mentor=True)
    students = make_students(1, last_login=timezone.now() - dt.timedelta(days=40))
    give_mentees(mentor, students)
    fill_student_data(
        students, milestones=6, overdue=3, done=1, items=4, read=2, venue=venue_with_deadline(5)
    )
    # Old activity only: push the milestone change times back too.
    from apps.milestones.models import Milestone

    Milestone.objects.update(updated_at=timezone.now() - dt.timedelta(days=40))
    from apps.research.models import Draft

    Draft.objects.update(updated_at=timezone.now() - dt.timedelta(days=40))
    from apps.readinglists.models import Progress

    Progress.objects.update(updated_at=timezone.now() - dt.timedelta(days=40))
    client.force_login(mentor)
    row = client.get(URL).context["rows"][0]
    assert (row.plan_done, row.plan_total, row.overdue) == (1, 6, 3)
    assert (row.reading_done, row.reading_total, row.cards_due) == (2, 4, 1)
    texts = " | ".join(f.text for f in row.flags)
    assert "Inactive for 40 days" in texts
    assert "3 overdue, one by " in texts
    assert "draft not past drafting" in texts
    assert row.level_label == "red"  # inactive 28+ days is red


def test_draft_in_internal_review_does_not_raise_the_deadline_flag(client):
    mentor = UserFactory(is_mentor=True)
    students = make_students(1)
    give_mentees(mentor, students)
    fill_student_data(
        students, overdue=0, venue=venue_with_deadline(3), draft_stage="internal_review"
    )
    client.force_login(mentor)
    row = client.get(URL).context["rows"][0]
    assert row.flags == []
    assert row.next_deadline is not None


def test_most_worrying_first_by_default_and_sortable(client):
    mentor = UserFactory(is_mentor=True)
    calm = make_students(1, prefix="calm")
    worried = make_students(1, prefix="worried")
    give_mentees(mentor, calm + worried)
    fill_student_data(calm, overdue=0)
    fill_student_data(worried, overdue=4, milestones=6)
    client.force_login(mentor)
    rows = client.get(URL).context["rows"]
    assert [r.student_id for r in rows] == [worried[0].pk, calm[0].pk]
    rows = client.get(URL, {"sort": "name", "dir": "asc"}).context["rows"]
    assert [r.name for r in rows] == sorted(r.name for r in rows)
    rows = client.get(URL, {"sort": "overdue", "dir": "asc"}).context["rows"]
    assert rows[0].student_id == calm[0].pk
    # Bad sort values fall back to the default order rather than failing.
    response = client.get(URL, {"sort": "evil'", "dir": "sideways"})
    assert response.status_code == 200
    assert response.context["rows"][0].student_id == worried[0].pk


def test_filter_flagged_and_name(client):
    mentor = UserFactory(is_mentor=True)
    calm = make_students(1, prefix="calm")
    worried = make_students(1, prefix="worried")
    give_mentees(mentor, calm + worried)
    fill_student_data(calm, overdue=0)
    fill_student_data(worried, overdue=4, milestones=6)
    client.force_login(mentor)
    rows = client.get(URL, {"show": "flagged"}).context["rows"]
    assert [r.student_id for r in rows] == [worried[0].pk]
    rows = client.get(URL, {"q": "calm"}).context["rows"]
    assert [r.student_id for r in rows] == [calm[0].pk]


def test_htmx_request_gets_only_the_table(client):
    mentor, _ = _mentor_with(2)
    client.force_login(mentor)
    response = client.get(URL, {"sort": "name"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="mentee-table"')
    assert "<html" not in body
    assert 'aria-sort="ascending"' in body


def test_ended_mentorship_removes_the_row_at_once(client):
    mentor, _ = _mentor_with(1)
    client.force_login(mentor)
    assert len(client.get(URL).context["rows"]) == 1
    Mentorship.objects.filter(mentor=mentor).update(status=Mentorship.Status.ENDED)
    assert client.get(URL).context["rows"] == []


def test_student_name_is_escaped(client):
    mentor, (student,) = _mentor_with(1)
    student.display_name = "<script>alert(1)</script>"
    student.save(update_fields=["display_name"])
    client.force_login(mentor)
    body = client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_empty_state_guides_a_new_mentor(client, mentor):
    client.force_login(mentor)
    body = client.get(URL).content.decode()
    assert "No active mentees yet" in body
    assert reverse("matching:mentor_profile") in body


# Session, user, mentorships (active and pending), each shared area's grouped figures
# (plan 1, papers 1, reading 3), and the recent activity; the full page also counts
# the unread-messages badge.
@pytest.mark.parametrize(("htmx", "expected"), [(False, 10), (True, 9)])
@pytest.mark.parametrize("mentees", [5, 100])
def test_query_count_does_not_grow_with_mentees(
    client, django_assert_num_queries, htmx, expected, mentees
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    mentor, _ = _mentor_with(mentees)
    client.force_login(mentor)
    with django_assert_num_queries(expected):
        response = client.get(URL, **headers)
    assert response.status_code == 200
    assert response.content.decode().count('class="dash-row ') == mentees


def test_writes_and_sharing_changes_show_at_once(client):
    from apps.milestones.models import Milestone
    from apps.readinglists.models import Progress

    mentor, (student,) = _mentor_with(1)
    client.force_login(mentor)
    row = client.get(URL).context["rows"][0]
    assert (row.plan_done, row.reading_done) == (1, 1)
    milestone = Milestone.objects.filter(plan__owner=student, status="planned").first()
    milestone.status = "done"
    milestone.save()
    assert client.get(URL).context["rows"][0].plan_done == 2
    progress = Progress.objects.get(user=student)
    progress.delete()
    assert client.get(URL).context["rows"][0].reading_done == 0
    Mentorship.objects.filter(mentor=mentor).update(share_plan=False)
    row = client.get(URL).context["rows"][0]
    assert row.plan_total == 0
    assert not row.shares["plan"]
    Mentorship.objects.filter(mentor=mentor).update(status=Mentorship.Status.ENDED)
    assert client.get(URL).context["rows"] == []


def test_reading_counts_assigned_lists_and_pauses_hide_due_cards(client):
    from apps.readinglists.models import Assignment, Item, ReadingList, ReviewSettings

    mentor, (student,) = _mentor_with(1)
    assigned = ReadingList.objects.create(owner=mentor, title="Foundations")
    Item.objects.bulk_create([Item(reading_list=assigned, title=f"Book {i}") for i in range(2)])
    Assignment.objects.create(reading_list=assigned, mentee=student, assigned_by=mentor)
    client.force_login(mentor)
    row = client.get(URL).context["rows"][0]
    assert (row.reading_total, row.cards_due) == (5, 1)
    # A list assigned to its own owner counts once.
    own = ReadingList.objects.get(owner=student)
    Assignment.objects.create(reading_list=own, mentee=student, assigned_by=mentor)
    assert client.get(URL).context["rows"][0].reading_total == 5
    ReviewSettings.objects.create(user=student, paused_since=timezone.now())
    assert client.get(URL).context["rows"][0].cards_due == 0
