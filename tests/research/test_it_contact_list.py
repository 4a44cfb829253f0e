import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.research.models import ContactStatus, Purpose
from tests.research.access import READ_RULES, people, status_as
from tests.research.factories import ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db
URL = reverse("research:contact_list")


@pytest.mark.parametrize(("who", "expected"), READ_RULES.items())
def test_access(client, request, who, expected):
    users = people(request)
    url = URL if who in {"owner", "anonymous"} else f"{URL}?owner={users['owner'].pk}"
    assert status_as(client, users[who], url) == expected


def test_papers_only_sharing_does_not_open_outreach(client, student, mentor):
    from tests.research.conftest import make_mentorship

    make_mentorship(student, mentor, share_papers=True, share_outreach=False)
    client.force_login(mentor)
    assert client.get(f"{URL}?owner={student.pk}").status_code == 404
    assert client.get(f"{reverse('research:draft_board')}?owner={student.pk}").status_code == 200


def test_follow_ups_due_section_with_prepared_email(client, student):
    today = timezone.now().date()
    ContactFactory(
        owner=student,
        name="Due Person",
        status=ContactStatus.EMAILED,
        last_emailed_on=today - dt.timedelta(days=12),
        follow_up_on=today - dt.timedelta(days=2),
    )
    ContactFactory(
        owner=student,
        name="Later Person",
        status=ContactStatus.EMAILED,
        last_emailed_on=today,
        follow_up_on=today + dt.timedelta(days=10),
    )
    client.force_login(student)
    html = client.get(URL).content.decode()
    section = html[html.index("Follow-ups due") : html.index("Filter contacts")]
    assert "Due Person" in section
    assert "Later Person" not in section
    assert 'href="mailto:' in section
    assert "Write a follow-up" in section


def test_filters(client, student):
    ContactFactory(owner=student, name="Alice Advice", purpose=Purpose.ADVICE)
    ContactFactory(
        owner=student, name="Bob Phd", purpose=Purpose.PHD_POSITION, status=ContactStatus.REPLIED
    )
    client.force_login(student)
    html = client.get(URL, {"purpose": Purpose.PHD_POSITION}).content.decode()
    assert "Bob Phd" in html
    assert "Alice Advice" not in html
    html = client.get(URL, {"status": ContactStatus.TO_WRITE}).content.decode()
    assert "Alice Advice" in html
    assert "Bob Phd" not in html
    html = client.get(URL, {"q": "alice"}).content.decode()
    assert "Alice Advice" in html
    assert "Bob Phd" not in html
    html = client.get(URL, {"q": "nobody"}).content.decode()
    assert "No researcher matches these filters" in html


def test_invalid_filter_values_are_ignored_not_500(client, student):
    ContactFactory(owner=student, name="Alice Advice")
    client.force_login(student)
    response = client.get(URL, {"status": "bogus"})
    assert response.status_code == 200


def test_names_are_escaped(client, student):
    ContactFactory(owner=student, name="<b onmouseover=alert(1)>Eve</b>")
    client.force_login(student)
    html = client.get(URL).content.decode()
    assert "<b onmouseover" not in html


@pytest.mark.parametrize("size", [2, 9])
def test_query_count_is_constant(client, student, size, django_assert_num_queries):
    today = timezone.now().date()
    for i in range(size):
        contact = ContactFactory(
            owner=student,
            status=ContactStatus.EMAILED,
            last_emailed_on=today,
            follow_up_on=today - dt.timedelta(days=i),
        )
        InteractionFactory(contact=contact)
    client.force_login(student)
    client.get(URL)
    # session, user, contacts with counts, follow-ups due, the unread-messages badge
    with django_assert_num_queries(5):
        client.get(URL)
