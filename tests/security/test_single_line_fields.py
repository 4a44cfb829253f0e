"""One-line text (names, titles, tags, links) refuses line breaks and control characters.

The walk covers every form of every app, so a new form or field that forgets the check
fails here rather than in an email header or a calendar file.
"""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps as django_apps
from django.urls import reverse

from apps.core.text import single_line, validate_single_line
from apps.research.models import Contact
from tests.accounts.factories import UserFactory
from tests.milestones.factories import MilestoneFactory, PlanFactory
from tests.research.factories import ContactFactory

PAYLOADS = [
    "Thesis\r\nBcc: everyone@example.org",
    "Thesis\nsecond line",
    "Thesis\rreturn",
    "Tab\there",
    "Escape \x1b[31m red",
    "Null\x00byte",
    "Line\u2028separator",
    "Next line\x85(NEL)",
]

MULTI_LINE_WIDGETS = (forms.Textarea, forms.PasswordInput)


def _project_forms() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for config in django_apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        package = importlib.import_module(config.name)
        for info in pkgutil.iter_modules(package.__path__):
            if info.name in {"migrations", "management", "tests"}:
                continue
            module = importlib.import_module(f"{config.name}.{info.name}")
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[key] for key in sorted(found)]


def _single_line_fields() -> list[tuple[str, forms.Field]]:
    fields = []
    for form_class in _project_forms():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(
                field.widget, MULTI_LINE_WIDGETS
            ):
                fields.append((f"{form_class.__module__}.{form_class.__qualname__}.{name}", field))
    return fields


def test_the_walk_finds_the_forms_people_type_titles_into():
    names = {name for name, _field in _single_line_fields()}

    assert "apps.accounts.forms.ProfileForm.display_name" in names
    assert "apps.milestones.forms.MilestoneForm.title" in names
    assert "apps.milestones.forms.PlanForm.title" in names
    assert "apps.research.forms.ContactForm.name" in names
    assert "apps.readinglists.forms.ReadingListForm.title" in names
    assert len(names) > 40


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_single_line_field_of_every_form_refuses_control_characters(payload):
    accepted = []
    for name, field in _single_line_fields():
        try:
            field.clean(payload)
        except forms.ValidationError:
            continue
        accepted.append(name)

    assert accepted == []


def test_ordinary_text_is_still_accepted():
    validate_single_line("Café — “quoted” 日本語 title, with commas; and emoji 🎓")


def test_single_line_turns_runs_of_control_characters_into_one_space():
    assert single_line("  Overdue:\r\n secret\ttitle\x1b \u2028end ") == "Overdue: secret title end"


@pytest.mark.django_db
def test_profile_refuses_a_display_name_with_a_line_break(client):
    user = UserFactory(is_student=True, display_name="Ada")
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Ada\r\nBcc: everyone@example.org",
            "timezone": "UTC",
            "research_interests": "",
            "bio": "",
            "roles": ["student"],
        },
    )

    assert response.status_code == 200
    assert "Keep this to one line" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Ada"


@pytest.mark.django_db
def test_milestone_edit_refuses_a_title_with_a_line_break(client):
    milestone = MilestoneFactory(title="First paper")
    client.force_login(milestone.plan.owner)

    response = client.post(
        reverse("milestones:milestone_edit", args=[milestone.pk]),
        {
            "title": "First paper\nSubject: hi",
            "category": milestone.category,
            "success_criterion": "Accepted",
            "target_date": milestone.target_date.isoformat(),
        },
    )

    assert response.status_code == 200
    assert "Keep this to one line" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.title == "First paper"


@pytest.mark.django_db
def test_plan_create_refuses_a_title_with_a_line_break(client):
    user = UserFactory(is_student=True)
    client.force_login(user)

    response = client.post(
        reverse("milestones:plan_create"),
        {
            "title": "My plan\r\nX-Header: 1",
            "target_role": "",
            "focus_areas": "",
            "start_date": "2026-01-01",
            "horizon_years": 5,
        },
    )

    assert response.status_code == 200
    assert "Keep this to one line" in response.content.decode()
    assert not PlanFactory._meta.model.objects.filter(owner=user).exists()


@pytest.mark.django_db
def test_contact_edit_refuses_a_name_with_a_line_break(client):
    contact = ContactFactory(name="Grace Hopper")
    client.force_login(contact.owner)

    response = client.post(
        reverse("research:contact_edit", args=[contact.pk]),
        {"name": "Grace\r\nHopper", "status": contact.status, "purpose": contact.purpose},
    )

    assert response.status_code == 200
    assert "Keep this to one line" in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).name == "Grace Hopper"
