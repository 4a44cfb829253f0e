"""Writes for plans, milestones, comments, check-ins, templates and the calendar feed.

Every function validates before it writes and raises ``ValidationError`` (keyed by form
field where there is one), so a view can show the message and nothing is saved.
"""

from __future__ import annotations

import datetime
import graphlib
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.core.person_versions import person_data_changed
from apps.matching.selectors import is_programme_coordinator
from apps.milestones.dates import add_months
from apps.milestones.models import (
    CLOSED_STATUSES,
    ActionItem,
    CalendarFeed,
    Category,
    CheckIn,
    Milestone,
    MilestoneComment,
    Plan,
    PlanTemplate,
    Status,
    new_feed_token,
)
from apps.milestones.template_specs import TemplateSpec, template_parse

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.matching.models import Programme

Edge = tuple[int, int]


class OpenDependenciesError(ValidationError):
    """Marking done while a dependency is still open: refused until the caller confirms."""


# --- Plans -------------------------------------------------------------------------


def _validate_plan(plan: Plan) -> None:
    plan.full_clean(exclude=["owner"])
    if plan.pk:
        early = plan.milestones.filter(target_date__lt=plan.start_date).count()
        if early:
            raise ValidationError(
                {
                    "start_date": f"{early} milestone(s) are due before this date; "
                    "move them first or pick an earlier start."
                }
            )


@transaction.atomic
def plan_create(
    *,
    owner: User,
    title: str,
    target_role: str,
    start_date: datetime.date,
    horizon_years: int = 5,
    focus_areas: str = "",
    make_primary: bool = False,
    template_name: str = "",
) -> Plan:
    plan = Plan(
        owner=owner,
        title=title,
        target_role=target_role,
        start_date=start_date,
        horizon_years=horizon_years,
        focus_areas=focus_areas,
        template_name=template_name,
    )
    _validate_plan(plan)
    # The first plan is the primary one; a later plan only when asked.
    has_primary = Plan.objects.filter(owner=owner, is_primary=True).exists()
    if make_primary and has_primary:
        Plan.objects.filter(owner=owner, is_primary=True).update(is_primary=False)
    plan.is_primary = make_primary or not has_primary
    plan.save()
    return plan


def plan_update(*, plan: Plan, **fields: object) -> Plan:
    allowed = {"title", "target_role", "focus_areas", "start_date", "horizon_years"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"plan_update() got unexpected fields {unknown}")
    for name, value in fields.items():
        setattr(plan, name, value)
    _validate_plan(plan)
    plan.save(update_fields=[*fields, "updated_at"])
    return plan


@transaction.atomic
def plan_set_primary(*, plan: Plan) -> None:
    # Unset first: the partial unique index allows one primary plan per owner.
    Plan.objects.filter(owner_id=plan.owner_id, is_primary=True).exclude(pk=plan.pk).update(
        is_primary=False
    )
    if not plan.is_primary:
        plan.is_primary = True
        plan.save(update_fields=["is_primary", "updated_at"])


@transaction.atomic
def plan_delete(*, plan: Plan) -> None:
    owner_id, was_primary = plan.owner_id, plan.is_primary
    plan.delete()
    if was_primary:
        successor = Plan.objects.filter(owner_id=owner_id).order_by("created_at", "pk").first()
        if successor:
            plan_set_primary(plan=successor)


@transaction.atomic
def plan_create_from_template(
    *, owner: User, template: TemplateSpec, start_date: datetime.date, title: str = ""
) -> Plan:
    """A plan with every template milestone dated from ``start_date``, dependencies included."""
    last_month = max((m.month for m in template.milestones), default=0)
    plan = plan_create(
        owner=owner,
        title=title or template.name,
        target_role=template.target_role or template.name,
        start_date=start_date,
        horizon_years=min(15, max(template.horizon_years, math.ceil((last_month + 1) / 12))),
        template_name=template.name,
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            plan=plan,
            category=spec.category,
            title=spec.title,
            description=spec.description,
            success_criterion=spec.success,
            target_date=add_months(start_date, spec.month),
            requires_evidence=spec.evidence,
            position=position,
        )
        for position, spec in enumerate(template.milestones, start=1)
    )
    by_key = {spec.key: m for spec, m in zip(template.milestones, milestones, strict=True)}
    Through = Milestone.dependencies.through
    Through.objects.bulk_create(
        Through(from_milestone_id=by_key[spec.key].pk, to_milestone_id=by_key[dep].pk)
        for spec in template.milestones
        for dep in spec.after
    )
    return plan


# --- Milestones ----------------------------------------------------------------------


def _plan_edges(plan: Plan) -> set[Edge]:
    through = Milestone.dependencies.through
    return set(
        through.objects.filter(from_milestone__plan=plan).values_list(
            "from_milestone_id", "to_milestone_id"
        )
    )


def milestone_validate_dependencies(
    *, plan: Plan, milestone: Milestone | None, dependencies: Iterable[Milestone]
) -> None:
    """Dependencies must be other milestones of the same plan and must not form a cycle."""
    deps = list(dependencies)
    foreign = [d for d in deps if d.plan_id != plan.pk]
    if foreign:
        raise ValidationError(
            {
                "dependencies": f"'{foreign[0].title}' belongs to another plan; "
                "a milestone can only depend on milestones of its own plan."
            }
        )
    if milestone is None or milestone.pk is None:
        return  # a new milestone has no dependents yet, so it cannot close a cycle
    if any(d.pk == milestone.pk for d in deps):
        raise ValidationError({"dependencies": "A milestone cannot depend on itself."})
    edges = {e for e in _plan_edges(plan) if e[0] != milestone.pk}
    edges |= {(milestone.pk, d.pk) for d in deps}
    graph: dict[int, set[int]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        ids = exc.args[1]
        titles = dict(Milestone.objects.filter(pk__in=ids).values_list("pk", "title"))
        raise ValidationError(
            {
                "dependencies": "These dependencies would form a cycle: "
                + " → ".join(titles.get(i, str(i)) for i in ids)
                + "."
            }
        ) from exc


def _validate_milestone(milestone: Milestone, dependencies: Sequence[Milestone] | None) -> None:
    errors: dict[str, list[str]] = {}
    try:
        milestone.full_clean(exclude=["plan", "position"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    plan = milestone.plan
    if milestone.target_date and milestone.target_date < plan.start_date:
        errors.setdefault("target_date", []).append(
            f"The target date is before the plan starts ({plan.start_date:%d %b %Y})."
        )
    if dependencies is not None:
        try:
            milestone_validate_dependencies(
                plan=plan, milestone=milestone, dependencies=dependencies
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def milestone_create(
    *,
    plan: Plan,
    title: str,
    success_criterion: str,
    target_date: datetime.date,
    category: str = Category.OTHER,
    description: str = "",
    requires_evidence: bool = False,
    dependencies: Sequence[Milestone] = (),
) -> Milestone:
    milestone = Milestone(
        plan=plan,
        title=title,
        success_criterion=success_criterion,
        target_date=target_date,
        category=category,
        description=description,
        requires_evidence=requires_evidence,
    )
    _validate_milestone(milestone, dependencies)
    # Lock the plan row so two concurrent adds do not take the same position.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    last = plan.milestones.aggregate(last=Max("position"))["last"] or 0
    milestone.position = last + 1
    milestone.save()
    if dependencies:
        milestone.dependencies.set(dependencies)
    return milestone


MILESTONE_EDITABLE = {
    "title",
    "category",
    "description",
    "success_criterion",
    "target_date",
    "evidence_url",
    "evidence_note",
}


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, dependencies: Sequence[Milestone] | None = None, **fields: object
) -> Milestone:
    unknown = set(fields) - MILESTONE_EDITABLE
    if unknown:
        raise TypeError(f"milestone_update() got unexpected fields {unknown}")
    for name, value in fields.items():
        setattr(milestone, name, value)
    _validate_milestone(milestone, dependencies)
    if (
        milestone.status == Status.DONE
        and milestone.requires_evidence
        and not milestone.has_evidence
    ):
        raise ValidationError(
            {
                "evidence_url": "This milestone is done and its template asks for evidence; "
                "keep a link or a note."
            }
        )
    milestone.save(update_fields=[*fields, "updated_at"])
    if dependencies is not None:
        milestone.dependencies.set(dependencies)
    return milestone


def milestone_set_status(
    *,
    milestone: Milestone,
    status: str,
    evidence_url: str | None = None,
    evidence_note: str | None = None,
    confirm_open_dependencies: bool = False,
) -> Milestone:
    """Raises ``OpenDependenciesError`` when marking done while a dependency is neither
    done nor skipped, unless ``confirm_open_dependencies``; nothing is saved then."""
    if status not in Status.values:
        raise ValidationError({"status": f"'{status}' is not a milestone status."})
    fields = ["status", "updated_at"]
    if evidence_url is not None:
        milestone.evidence_url = evidence_url.strip()
        fields.append("evidence_url")
    if evidence_note is not None:
        milestone.evidence_note = evidence_note.strip()
        fields.append("evidence_note")
    if status == Status.DONE and milestone.status != Status.DONE and not confirm_open_dependencies:
        # Checked before the evidence so that, once confirmed, only the evidence is left to ask.
        open_titles = list(
            milestone.dependencies.exclude(status__in=CLOSED_STATUSES)
            .order_by("position", "pk")
            .values_list("title", flat=True)
        )
        if open_titles:
            raise OpenDependenciesError(
                {
                    "status": "This milestone depends on milestones that are not finished yet: "
                    + "; ".join(f"“{title}”" for title in open_titles)
                    + ". Mark it done anyway?"
                }
            )
    if status == Status.DONE and milestone.requires_evidence and not milestone.has_evidence:
        raise ValidationError(
            {
                "evidence_url": "This milestone's template asks for evidence before it is done: "
                "add a link or a note showing the success criterion is met."
            }
        )
    milestone.full_clean(exclude=["plan", "position"])
    now = timezone.now()
    if status in (Status.IN_PROGRESS, Status.DONE) and milestone.started_at is None:
        milestone.started_at = now
        fields.append("started_at")
    if status == Status.DONE and milestone.status != Status.DONE:
        milestone.completed_at = now
        fields.append("completed_at")
    elif status != Status.DONE and milestone.completed_at is not None:
        milestone.completed_at = None
        fields.append("completed_at")
    milestone.status = status
    milestone.save(update_fields=fields)
    return milestone


def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


def _group_key(milestone: Milestone, group_by: str) -> object:
    if group_by == "category":
        return milestone.category
    if group_by == "year":
        return milestone.target_date.year
    return None


@transaction.atomic
def milestone_move(*, milestone: Milestone, direction: str, group_by: str = "") -> bool:
    """Swap the milestone with its neighbour (within its year or category when grouped).
    Returns False when it is already first or last."""
    if direction not in {"up", "down"}:
        raise ValidationError("Move a milestone up or down.")
    siblings = list(
        Milestone.objects.select_for_update()
        .filter(plan_id=milestone.plan_id)
        .order_by("position", "pk")
        .only("pk", "position", "category", "target_date")
    )
    key = _group_key(milestone, group_by)
    group = [m for m in siblings if _group_key(m, group_by) == key]
    index = next(i for i, m in enumerate(group) if m.pk == milestone.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(group):
        return False
    # Renumber the whole plan densely first, so equal or gapped positions still swap cleanly.
    for number, m in enumerate(siblings, start=1):
        m.position = number
    this, other = group[index], group[other_index]
    this.position, other.position = other.position, this.position
    Milestone.objects.bulk_update(siblings, ["position"])
    # bulk_update passes no save() hook; the home lists milestones of a day in this order.
    person_data_changed([milestone.plan.owner_id])
    milestone.position = this.position
    return True


# --- Comments and check-ins ------------------------------------------------------------


def comment_create(*, milestone: Milestone, author: User, body: str) -> MilestoneComment:
    comment = MilestoneComment(milestone=milestone, author=author, body=body.strip())
    comment.full_clean(exclude=["milestone", "author"])
    comment.save()
    return comment


@transaction.atomic
def checkin_create(
    *,
    plan: Plan,
    author: User,
    date: datetime.date,
    agenda: str = "",
    notes: str = "",
    action_items: Sequence[str] = (),
    mentor: User | None = None,
) -> CheckIn:
    checkin = CheckIn(
        plan=plan, author=author, mentor=mentor, date=date, agenda=agenda, notes=notes
    )
    checkin.full_clean(exclude=["plan", "author", "mentor"])
    if not (agenda.strip() or notes.strip() or action_items):
        raise ValidationError({"notes": "Write an agenda, notes or at least one action item."})
    items = [ActionItem(text=text.strip(), position=i) for i, text in enumerate(action_items)]
    for item in items:
        if len(item.text) > 300:
            raise ValidationError(
                {"action_items": "Each action item must be at most 300 characters."}
            )
    checkin.save()
    for item in items:
        item.checkin = checkin
    ActionItem.objects.bulk_create(items)
    return checkin


@transaction.atomic
def action_item_to_milestone(
    *, item: ActionItem, category: str = Category.OTHER, target_date: datetime.date | None = None
) -> Milestone:
    """Turn a check-in action item into a milestone of the check-in's plan (once only)."""
    locked = ActionItem.objects.select_for_update().select_related("checkin__plan").get(pk=item.pk)
    if locked.milestone_id:
        raise ValidationError("This action item is already a milestone.")
    checkin = locked.checkin
    plan = checkin.plan
    if target_date is None:
        target_date = max(checkin.date + datetime.timedelta(days=30), plan.start_date)
    milestone = milestone_create(
        plan=plan,
        title=locked.text[:200],
        success_criterion=f"Done as agreed at the check-in of {checkin.date:%d %b %Y}.",
        target_date=target_date,
        category=category,
    )
    locked.milestone = milestone
    locked.save(update_fields=["milestone"])
    item.milestone = milestone
    return milestone


# --- Templates ---------------------------------------------------------------------------


def plan_template_create(
    *,
    created_by: User,
    name: str,
    source: str,
    description: str = "",
    target_role: str = "",
    horizon_years: int = 2,
    programme: Programme | None = None,
) -> PlanTemplate:
    if programme is not None and not is_programme_coordinator(user=created_by, programme=programme):
        raise ValidationError(
            {"programme": "You can only write templates for your own programmes."}
        )
    try:
        template_parse(source)
    except ValidationError as exc:
        raise ValidationError({"source": exc.messages}) from exc
    template = PlanTemplate(
        created_by=created_by,
        name=name,
        description=description,
        target_role=target_role,
        horizon_years=horizon_years,
        source=source,
        programme=programme,
    )
    template.full_clean(exclude=["created_by", "programme"])
    template.save()
    return template


# --- Calendar feed -------------------------------------------------------------------------


def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new secret; the old URL stops working immediately."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def calendar_feed_touch(*, feed: CalendarFeed) -> None:
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
