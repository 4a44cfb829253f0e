import pytest

from apps.accounts.models import User
from tests.accounts.factories import UserFactory


@pytest.fixture
def newcomer(db):
    return UserFactory(onboarded_at=None, display_name="", is_student=False)


@pytest.mark.django_db
def test_home_sends_a_newcomer_to_onboarding(client, newcomer):
    client.force_login(newcomer)

    response = client.get("/home/")

    assert response.status_code == 302
    assert response.url == "/account/welcome/"


@pytest.mark.django_db
def test_onboarding_saves_roles_timezone_and_interests(client, newcomer):
    client.force_login(newcomer)

    response = client.post(
        "/account/welcome/",
        {
            "display_name": "Noor",
            "roles": ["student", "mentor"],
            "timezone": "America/New_York",
            "research_interests": "causal inference",
        },
    )

    assert response.status_code == 302
    assert response.url == "/home/"
    newcomer.refresh_from_db()
    assert newcomer.roles == ["student", "mentor"]
    assert newcomer.timezone == "America/New_York"
    assert newcomer.research_interests == "causal inference"
    assert newcomer.onboarded_at is not None


@pytest.mark.django_db
def test_navigation_follows_roles(client, newcomer):
    # Staff made Noor a coordinator; she needs no other role.
    User.objects.filter(pk=newcomer.pk).update(is_coordinator=True)
    client.force_login(newcomer)
    client.post("/account/welcome/", {"display_name": "Noor", "timezone": "UTC"})

    html = client.get("/home/").content.decode()

    assert 'aria-label="Main"' in html
    assert "Welcome, Noor" in html
    assert "Coordinator" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"display_name": "N", "roles": [], "timezone": "UTC"}, "This field is required"),
        ({"display_name": "N", "roles": ["student"], "timezone": "Mars/Olympus"}, "valid choice"),
        ({"display_name": "N", "roles": ["wizard"], "timezone": "UTC"}, "valid choice"),
        ({"display_name": "", "roles": ["student"], "timezone": "UTC"}, "This field is required"),
        (
            {
                "display_name": "N",
                "roles": ["student"],
                "timezone": "UTC",
                "research_interests": "x" * 1001,
            },
            "at most 1000 characters",
        ),
    ],
)
def test_bad_onboarding_input_is_explained_and_nothing_changes(client, newcomer, data, error):
    client.force_login(newcomer)

    response = client.post("/account/welcome/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.onboarded_at is None
    assert newcomer.roles == []


@pytest.mark.django_db
def test_profile_edit_changes_only_the_signed_in_user(client, student, mentor):
    client.force_login(student)

    response = client.post(
        "/account/profile/",
        {
            "display_name": "Renamed",
            "roles": ["student"],
            "timezone": "Asia/Tokyo",
            "bio": "<script>alert(1)</script>",
        },
    )

    assert response.status_code == 302
    student.refresh_from_db()
    mentor.refresh_from_db()
    assert student.display_name == "Renamed"
    assert student.timezone == "Asia/Tokyo"
    assert mentor.display_name == "Maya Mentor"
    page = client.get("/account/profile/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_user_timezone_is_validated_at_model_level():
    from django.core.exceptions import ValidationError

    user = User(email="tz@example.org", timezone="Not/AZone")
    with pytest.raises(ValidationError, match="not a known time zone"):
        user.full_clean(exclude=["password"])


@pytest.mark.django_db
def test_oversized_bio_is_refused_on_the_profile_page(client, student):
    client.force_login(student)

    response = client.post(
        "/account/profile/",
        {"display_name": "X", "roles": ["student"], "timezone": "UTC", "bio": "x" * 1001},
    )

    assert response.status_code == 200
    assert "at most 1000 characters" in response.content.decode()
    student.refresh_from_db()
    assert student.display_name == "Sam Student"
