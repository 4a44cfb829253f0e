import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.milestones import services
from apps.milestones.builtin_templates import builtin_templates
from apps.milestones.models import ActionItem, CalendarFeed, Milestone, Plan, Status
from tests.milestones.factories import CheckInFactory, MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_plan_from_template_schedules_every_date_from_the_start(student):
    template = builtin_templates()["builtin-phd-applications"]
    start = datetime.date(2027, 1, 31)

    plan = services.plan_create_from_template(owner=student, template=template, start_date=start)

    milestones = list(plan.milestones.order_by("position"))
    assert len(milestones) == len(template.milestones)
    assert plan.is_primary
    for spec, m in zip(template.milestones, milestones, strict=True):
        assert m.title == spec.title
        assert m.success_criterion == spec.success
        assert m.requires_evidence == spec.evidence
        assert m.target_date >= start
    # Month offsets clamp to the month's end: 31 Jan + 1 month is 28 Feb.
    fields = next(m for m in milestones if m.title == "Choose the fields you will apply in")
    assert fields.target_date == datetime.date(2027, 2, 28)
    statement = next(m for m in milestones if m.title == "Draft the statement of purpose")
    assert {d.title for d in statement.dependencies.all()} == {
        "Choose the fields you will apply in",
        "Talk to current PhD students of shortlisted labs",
    }


def test_only_one_primary_plan(student):
    first = services.plan_create(
        owner=student, title="A", target_role="r", start_date=datetime.date(2026, 1, 1)
    )
    second = services.plan_create(
        owner=student, title="B", target_role="r", start_date=datetime.date(2026, 1, 1)
    )
    assert first.is_primary
    assert not second.is_primary

    services.plan_set_primary(plan=second)

    assert list(Plan.objects.filter(owner=student, is_primary=True)) == [second]
    services.plan_delete(plan=second)
    first.refresh_from_db()
    assert first.is_primary


def test_target_date_before_plan_start_is_rejected():
    plan = PlanFactory(start_date=datetime.date(2026, 1, 1))

    with pytest.raises(ValidationError) as exc:
        services.milestone_create(
            plan=plan, title="Early", success_criterion="s", target_date=datetime.date(2025, 12, 31)
        )

    assert "before the plan starts" in str(exc.value.message_dict["target_date"])
    assert not plan.milestones.exists()


def test_plan_start_cannot_move_past_its_milestones():
    m = MilestoneFactory(target_date=datetime.date(2026, 6, 1))

    with pytest.raises(ValidationError):
        services.plan_update(plan=m.plan, start_date=datetime.date(2026, 7, 1))


def test_dependency_cycle_is_rejected_and_nothing_changes():
    plan = PlanFactory()
    a = MilestoneFactory(plan=plan, title="A")
    b = MilestoneFactory(plan=plan, title="B")
    c = MilestoneFactory(plan=plan, title="C")
    b.dependencies.set([a])
    c.dependencies.set([b])

    with pytest.raises(ValidationError) as exc:
        services.milestone_update(milestone=a, dependencies=[c], title="A renamed")

    assert "cycle" in str(exc.value.message_dict["dependencies"])
    a.refresh_from_db()
    assert a.title == "A"
    assert not a.dependencies.exists()


def test_self_dependency_is_rejected():
    a = MilestoneFactory()
    with pytest.raises(ValidationError, match="itself"):
        services.milestone_update(milestone=a, dependencies=[a])


def test_dependency_on_another_plan_is_rejected():
    a = MilestoneFactory()
    elsewhere = MilestoneFactory()

    with pytest.raises(ValidationError) as exc:
        services.milestone_create(
            plan=a.plan,
            title="New",
            success_criterion="s",
            target_date=a.target_date,
            dependencies=[elsewhere],
        )

    assert "another plan" in str(exc.value.message_dict["dependencies"])
    assert a.plan.milestones.count() == 1


def test_done_needs_evidence_when_the_template_asks_for_it():
    m = MilestoneFactory(requires_evidence=True)

    with pytest.raises(ValidationError, match="evidence"):
        services.milestone_set_status(milestone=m, status=Status.DONE)
    m.refresh_from_db()
    assert m.status == Status.PLANNED

    services.milestone_set_status(
        milestone=m, status=Status.DONE, evidence_url="https://arxiv.org/abs/1234.5678"
    )
    m.refresh_from_db()
    assert m.status == Status.DONE
    assert m.completed_at is not None


def _with_dependencies(*statuses):
    m = MilestoneFactory(title="Submit the paper")
    deps = [
        MilestoneFactory(plan=m.plan, title=f"Step {i}", status=status)
        for i, status in enumerate(statuses, start=1)
    ]
    m.dependencies.set(deps)
    return m


def test_done_with_an_open_dependency_is_refused_and_names_it():
    m = _with_dependencies(Status.DONE, Status.IN_PROGRESS, Status.SKIPPED, Status.BLOCKED)

    with pytest.raises(services.OpenDependenciesError) as exc:
        services.milestone_set_status(
            milestone=m, status=Status.DONE, evidence_note="Sent to the workshop"
        )

    message = " ".join(exc.value.messages)
    assert "“Step 2”; “Step 4”" in message
    assert "Step 1" not in message
    assert "Step 3" not in message
    m.refresh_from_db()
    assert (m.status, m.started_at, m.completed_at, m.evidence_note) == (
        Status.PLANNED,
        None,
        None,
        "",
    )


@pytest.mark.parametrize("count", [1, 5])
def test_open_dependencies_are_found_in_one_query(count, django_assert_num_queries):
    m = _with_dependencies(*[Status.PLANNED] * count)

    with django_assert_num_queries(1), pytest.raises(services.OpenDependenciesError):
        services.milestone_set_status(milestone=m, status=Status.DONE)


def test_done_with_an_open_dependency_goes_through_when_confirmed():
    m = _with_dependencies(Status.PLANNED)

    services.milestone_set_status(milestone=m, status=Status.DONE, confirm_open_dependencies=True)

    m.refresh_from_db()
    assert m.status == Status.DONE
    assert m.completed_at is not None


def test_done_with_finished_dependencies_needs_no_confirmation():
    m = _with_dependencies(Status.DONE, Status.SKIPPED)

    services.milestone_set_status(milestone=m, status=Status.DONE)

    assert Milestone.objects.get(pk=m.pk).status == Status.DONE


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.BLOCKED, Status.SKIPPED])
def test_other_statuses_ignore_open_dependencies(status):
    m = _with_dependencies(Status.PLANNED)

    services.milestone_set_status(milestone=m, status=status)

    assert Milestone.objects.get(pk=m.pk).status == status


def test_open_dependencies_are_asked_about_before_the_evidence():
    m = _with_dependencies(Status.PLANNED)
    Milestone.objects.filter(pk=m.pk).update(requires_evidence=True)
    m.refresh_from_db()

    with pytest.raises(services.OpenDependenciesError):
        services.milestone_set_status(milestone=m, status=Status.DONE)
    with pytest.raises(ValidationError, match="evidence") as exc:
        services.milestone_set_status(
            milestone=m, status=Status.DONE, confirm_open_dependencies=True
        )
    assert not isinstance(exc.value, services.OpenDependenciesError)
    services.milestone_set_status(
        milestone=m,
        status=Status.DONE,
        evidence_note="Accepted at the workshop",
        confirm_open_dependencies=True,
    )
    assert Milestone.objects.get(pk=m.pk).status == Status.DONE


def test_status_transitions_keep_timestamps_honest():
    m = MilestoneFactory()

    services.milestone_set_status(milestone=m, status=Status.IN_PROGRESS)
    started = m.started_at
    assert started is not None
    assert m.completed_at is None
    services.milestone_set_status(milestone=m, status=Status.DONE)
    assert m.completed_at is not None
    assert m.started_at == started
    services.milestone_set_status(milestone=m, status=Status.IN_PROGRESS)
    assert m.completed_at is None
    with pytest.raises(ValidationError):
        services.milestone_set_status(milestone=m, status="finished")


def test_oversized_text_is_rejected():
    plan = PlanFactory()
    with pytest.raises(ValidationError) as exc:
        services.milestone_create(
            plan=plan, title="x" * 201, success_criterion="s", target_date=plan.start_date
        )
    assert "title" in exc.value.message_dict


def test_move_swaps_with_the_neighbour_in_the_same_group():
    plan = PlanFactory(start_date=datetime.date(2026, 1, 1))
    a = MilestoneFactory(plan=plan, target_date=datetime.date(2026, 3, 1), position=1)
    other_year = MilestoneFactory(plan=plan, target_date=datetime.date(2027, 3, 1), position=2)
    b = MilestoneFactory(plan=plan, target_date=datetime.date(2026, 5, 1), position=3)

    assert services.milestone_move(milestone=b, direction="up", group_by="year")

    order = list(plan.milestones.order_by("position").values_list("pk", flat=True))
    assert order == [b.pk, other_year.pk, a.pk]
    assert not services.milestone_move(milestone=b, direction="up", group_by="year")


def test_action_item_becomes_a_milestone_once():
    checkin = CheckInFactory()
    services_checkin = services.checkin_create(
        plan=checkin.plan,
        author=checkin.plan.owner,
        date=checkin.plan.start_date,
        action_items=["Email Prof. Sutton about the RL reading group"],
    )
    item = services_checkin.action_items.get()

    milestone = services.action_item_to_milestone(item=item, category="networking")

    assert milestone.plan == checkin.plan
    assert milestone.title == "Email Prof. Sutton about the RL reading group"
    assert ActionItem.objects.get(pk=item.pk).milestone == milestone
    with pytest.raises(ValidationError, match="already"):
        services.action_item_to_milestone(item=item)
    assert Milestone.objects.filter(plan=checkin.plan).count() == 1


def test_checkin_needs_some_content():
    plan = PlanFactory()
    with pytest.raises(ValidationError):
        services.checkin_create(plan=plan, author=plan.owner, date=plan.start_date)


def test_calendar_token_regenerate_replaces_and_revoke_removes(student):
    first = services.calendar_feed_regenerate(user=student).token

    second = services.calendar_feed_regenerate(user=student).token

    assert second != first
    assert len(second) >= 40
    assert not CalendarFeed.objects.filter(token=first).exists()
    services.calendar_feed_revoke(user=student)
    assert not CalendarFeed.objects.filter(user=student).exists()


def test_coordinator_template_is_validated(coordinator):
    with pytest.raises(ValidationError) as exc:
        services.plan_template_create(created_by=coordinator, name="Bad", source="- nope")
    assert "source" in exc.value.message_dict
