from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.research.models import Venue, VenueDeadline
from tests.accounts.factories import UserFactory
from tests.research.access import status_as

pytestmark = pytest.mark.django_db
URL = reverse("research:venue_import")
CONFIRM = reverse("research:venue_import_confirm")
MIXED = Path(__file__).parent / "fixtures" / "venues" / "mixed.yml"


def upload(client, text: bytes | str, name="venues.yml"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("staff", 200), ("coordinator", 200), ("student", 404), ("mentor", 404), ("anon", 302)],
)
def test_only_staff_and_coordinators_may_import(client, request, who, expected):
    users = {
        "staff": lambda: request.getfixturevalue("staff"),
        "coordinator": lambda: request.getfixturevalue("coordinator"),
        "student": lambda: request.getfixturevalue("student"),
        "mentor": lambda: UserFactory(is_mentor=True),
        "anon": lambda: None,
    }
    user = users[who]()
    assert status_as(client, user, URL) == expected
    assert status_as(client, user, CONFIRM, method="post") == (302 if expected != 404 else 404)


def test_venue_list_links_to_the_import_for_those_who_may(client, student, coordinator):
    client.force_login(student)
    assert URL not in client.get(reverse("research:venue_list")).content.decode()
    client.force_login(coordinator)
    assert URL in client.get(reverse("research:venue_list")).content.decode()


def test_preview_counts_and_writes_nothing_then_confirm_imports(client, coordinator):
    Venue.objects.create(
        title="COLT", full_name="Conference on Learning Theory", link="https://learningtheory.org/"
    )
    client.force_login(coordinator)
    response = upload(client, MIXED.read_bytes(), name="mixed.yml")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "<strong>6</strong> new, <strong>0</strong> changed, <strong>1</strong> unchanged, "
        "<strong>4</strong> rejected (of 12 entries)" in html
    )
    assert "mixed.yml, entry 9 (ICRA 2027)" in html
    assert "Unknown timezone &#x27;Mars/Olympus&#x27;" in html
    assert "Full paper (Round 2)" in html
    assert "has no date yet (TBA)" in html
    assert Venue.objects.count() == 1

    payload = response.context["confirm_form"].initial["payload"]
    response = client.post(CONFIRM, {"payload": payload})
    assert response.status_code == 302
    assert Venue.objects.count() == 7
    assert VenueDeadline.objects.count() == 17
    page = client.get(response["Location"]).content.decode()
    assert "Catalogue imported from mixed.yml: 6 venues created, 1 updated" not in page
    assert "Catalogue imported from mixed.yml: 6 venues created, 0 updated, 1 unchanged" in page


def test_a_second_upload_of_the_same_file_shows_everything_unchanged(client, staff):
    client.force_login(staff)
    payload = upload(client, MIXED.read_text()).context["confirm_form"].initial["payload"]
    client.post(CONFIRM, {"payload": payload})
    html = upload(client, MIXED.read_text()).content.decode()
    assert (
        "<strong>0</strong> new, <strong>0</strong> changed, <strong>7</strong> unchanged" in html
    )
    assert "disabled" in html


def test_an_altered_or_foreign_payload_is_refused(client, staff, coordinator):
    client.force_login(staff)
    payload = upload(client, MIXED.read_text()).context["confirm_form"].initial["payload"]
    response = client.post(CONFIRM, {"payload": payload[:-2] + "xx"}, follow=True)
    assert "expired or was altered" in response.content.decode()
    client.force_login(coordinator)  # signed for someone else
    client.post(CONFIRM, {"payload": payload})
    assert Venue.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("venues.txt", b"- title: X\n", "Choose a .yml or .yaml file."),
        ("venues.yml", b"\xff\xfe\x00bad", "The file is not UTF-8 text."),
        ("venues.yml", b"title: NeurIPS\n", "must be a YAML list of conference entries"),
        ("venues.yml", b"- title: [unclosed\n", "is not valid YAML at line"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(client, staff, name, content, message):
    client.force_login(staff)
    response = upload(client, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Venue.objects.count() == 0
