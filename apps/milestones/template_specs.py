"""Plan templates as data: a list of milestones at month offsets with dependencies.

Built-in templates (``builtin_templates.py``) and coordinators' templates are written in
the same small YAML format and go through the same parser, so a coordinator's template
is held to exactly the rules the shipped ones are::

    - key: maths                      # optional; used by `after`
      title: Refresh linear algebra and probability
      category: skills                # one of Category
      month: 0                        # months after the plan's start date
      success: Finish the problem sets of one course with ≥ 80 %
      description: Markdown, optional
      evidence: true                  # optional; marking done then needs a link or note
      after: [other-key]              # optional; milestones this one depends on
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass, field

import yaml
from django.core.exceptions import ValidationError

from apps.milestones.models import MAX_DESCRIPTION, Category

MAX_MILESTONES = 60
MAX_MONTH = 15 * 12
ALLOWED_KEYS = {"key", "title", "category", "month", "success", "description", "evidence", "after"}


@dataclass(frozen=True)
class MilestoneSpec:
    key: str
    title: str
    category: str
    month: int
    success: str
    description: str = ""
    evidence: bool = False
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateSpec:
    slug: str
    name: str
    description: str
    target_role: str
    horizon_years: int
    milestones: list[MilestoneSpec] = field(default_factory=list)


def _text(item: dict, name: str, where: str, *, limit: int, required: bool) -> str:
    value = item.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str | int | float):
        raise ValidationError(f"{where}: '{name}' must be text.")
    value = str(value).strip()
    if required and not value:
        raise ValidationError(f"{where}: '{name}' is required.")
    if len(value) > limit:
        raise ValidationError(f"{where}: '{name}' is longer than {limit} characters.")
    return value


def template_parse(source: str) -> list[MilestoneSpec]:
    """Parse and check a template's milestones; raise ``ValidationError`` naming the item."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ValidationError(f"This is not valid YAML{where}.") from exc
    if not isinstance(data, list) or not data:
        raise ValidationError("Write a list of milestones, each starting with '- title: ...'.")
    if len(data) > MAX_MILESTONES:
        raise ValidationError(f"A template can hold at most {MAX_MILESTONES} milestones.")

    specs: list[MilestoneSpec] = []
    seen: set[str] = set()
    for number, item in enumerate(data, start=1):
        where = f"Milestone {number}"
        if not isinstance(item, dict):
            raise ValidationError(f"{where}: expected 'title: ...', 'category: ...' and so on.")
        unknown = set(item) - ALLOWED_KEYS
        if unknown:
            raise ValidationError(
                f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}."
            )
        key = _text(item, "key", where, limit=50, required=False) or f"m{number}"
        if key in seen:
            raise ValidationError(f"{where}: the key '{key}' is used twice.")
        seen.add(key)
        category = _text(item, "category", where, limit=20, required=True)
        if category not in Category.values:
            raise ValidationError(
                f"{where}: category '{category}' is not one of {', '.join(Category.values)}."
            )
        month = item.get("month")
        if isinstance(month, bool) or not isinstance(month, int) or not 0 <= month <= MAX_MONTH:
            raise ValidationError(f"{where}: 'month' must be a whole number from 0 to {MAX_MONTH}.")
        after = item.get("after") or []
        if isinstance(after, str):
            after = [after]
        if not isinstance(after, list) or not all(isinstance(a, str) for a in after):
            raise ValidationError(f"{where}: 'after' must be a list of keys.")
        specs.append(
            MilestoneSpec(
                key=key,
                title=_text(item, "title", where, limit=200, required=True),
                category=category,
                month=month,
                success=_text(item, "success", where, limit=500, required=True),
                description=_text(
                    item, "description", where, limit=MAX_DESCRIPTION, required=False
                ),
                evidence=bool(item.get("evidence", False)),
                after=tuple(after),
            )
        )

    graph: dict[str, set[str]] = {}
    for spec in specs:
        for dep in spec.after:
            if dep not in seen:
                raise ValidationError(
                    f"'{spec.title}' depends on '{dep}', which is not a key here."
                )
            if dep == spec.key:
                raise ValidationError(f"'{spec.title}' cannot depend on itself.")
        graph[spec.key] = set(spec.after)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        raise ValidationError(
            f"The dependencies go round in a circle: {' → '.join(exc.args[1])}."
        ) from exc
    return specs
