import datetime

import pytest
from django.urls import reverse

from apps.milestones.models import Plan, PlanTemplate
from tests.milestones.conftest import assert_denied

pytestmark = pytest.mark.django_db

GOOD_YAML = """
- key: maths
  title: Probability refresher
  category: skills
  month: 0
  success: Problem sets at 80 %
- title: Reading group talk
  category: networking
  month: 4
  success: Talk given
  after: [maths]
"""


def test_everyone_signed_in_browses_templates(client, student):
    assert_denied(client.get(reverse("milestones:template_list")))
    client.force_login(student)
    html = client.get(reverse("milestones:template_list")).content.decode()
    assert "Research scientist, industry lab (10 years)" in html
    detail = client.get(reverse("milestones:template_detail", args=["builtin-first-paper"]))
    assert "Reproduce the strongest baseline" in detail.content.decode()
    assert (
        client.get(reverse("milestones:template_detail", args=["builtin-nope"])).status_code == 404
    )


def test_create_plan_from_template(client, student):
    client.force_login(student)

    response = client.post(
        reverse("milestones:plan_from_template"),
        {"template": "builtin-first-paper", "start_date": "2026-09-01", "title": ""},
    )

    plan = Plan.objects.get(owner=student)
    assert response["Location"] == reverse("milestones:plan_detail", args=[plan.pk])
    assert plan.title == "First paper (12 months)"
    assert plan.milestones.count() == 12
    assert plan.milestones.order_by("position").first().target_date == datetime.date(2026, 9, 1)


def test_unknown_template_is_a_form_error(client, student):
    client.force_login(student)
    response = client.post(
        reverse("milestones:plan_from_template"),
        {"template": "custom-999", "start_date": "2026-09-01"},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Plan.objects.exists()


@pytest.mark.parametrize("who", ["student", "mentor", "anonymous"])
def test_only_coordinators_write_templates(client, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("milestones:template_create"),
        {
            "name": "Cohort plan",
            "horizon_years": 1,
            "source": GOOD_YAML,
        },
    )
    assert_denied(response)
    assert not PlanTemplate.objects.exists()


def test_coordinator_template_is_offered_to_students(client, coordinator, student):
    client.force_login(coordinator)
    response = client.post(
        reverse("milestones:template_create"),
        {
            "name": "Cohort plan",
            "description": "For the 2026 cohort",
            "horizon_years": 1,
            "source": GOOD_YAML,
        },
    )
    template = PlanTemplate.objects.get()
    assert response["Location"] == reverse(
        "milestones:template_detail", args=[f"custom-{template.pk}"]
    )

    client.force_login(student)
    assert "Cohort plan" in client.get(reverse("milestones:plan_from_template")).content.decode()
    client.post(
        reverse("milestones:plan_from_template"),
        {
            "template": f"custom-{template.pk}",
            "start_date": "2026-01-15",
        },
    )
    plan = Plan.objects.get(owner=student)
    talk = plan.milestones.get(title="Reading group talk")
    assert talk.target_date == datetime.date(2026, 5, 15)
    assert [d.title for d in talk.dependencies.all()] == ["Probability refresher"]


def test_bad_template_yaml_is_a_form_error(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("milestones:template_create"),
        {
            "name": "Loop",
            "horizon_years": 1,
            "source": "- {key: a, title: A, category: skills, month: 0, success: s, after: [a]}",
        },
    )
    assert "cannot depend on itself" in response.content.decode()
    assert not PlanTemplate.objects.exists()


def test_programme_template_is_offered_only_to_its_members(client, coordinator, student):
    from apps.matching.models import Cohort, CohortMembership, Programme
    from tests.accounts.factories import UserFactory

    programme = Programme.objects.create(name="RL Fellows")
    programme.coordinators.add(coordinator)
    cohort = Cohort.objects.create(programme=programme, name="2026")
    CohortMembership.objects.create(cohort=cohort, user=student, role="student")
    outsider = UserFactory(is_student=True)
    client.force_login(coordinator)
    client.post(
        reverse("milestones:template_create"),
        {
            "name": "Fellows plan",
            "programme": programme.pk,
            "horizon_years": 1,
            "source": GOOD_YAML,
        },
    )
    template = PlanTemplate.objects.get()
    assert template.programme == programme
    slug = f"custom-{template.pk}"

    client.force_login(student)
    assert (
        "Fellows plan (RL Fellows)"
        in client.get(reverse("milestones:template_list")).content.decode()
    )
    client.force_login(outsider)
    assert "Fellows plan" not in client.get(reverse("milestones:template_list")).content.decode()
    assert client.get(reverse("milestones:template_detail", args=[slug])).status_code == 404
    client.post(
        reverse("milestones:plan_from_template"), {"template": slug, "start_date": "2026-01-15"}
    )
    assert not Plan.objects.filter(owner=outsider).exists()


def test_coordinator_cannot_target_someone_elses_programme(client, coordinator):
    from apps.matching.models import Programme
    from tests.accounts.factories import UserFactory

    theirs = Programme.objects.create(name="Not mine")
    theirs.coordinators.add(UserFactory(is_coordinator=True))
    client.force_login(coordinator)
    response = client.post(
        reverse("milestones:template_create"),
        {
            "name": "Sneaky",
            "programme": theirs.pk,
            "horizon_years": 1,
            "source": GOOD_YAML,
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not PlanTemplate.objects.exists()
