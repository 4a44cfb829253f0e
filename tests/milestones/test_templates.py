import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from apps.milestones.builtin_templates import builtin_templates
from apps.milestones.models import Category
from apps.milestones.template_specs import template_parse

REQUIRED = {
    "Research scientist, industry lab (10 years)",
    "Applying to PhD programmes (18 months)",
    "First paper (12 months)",
    "Master's as a bridge to a PhD",
}


def test_the_four_builtin_templates_are_complete():
    templates = {t.name: t for t in builtin_templates().values()}

    assert set(templates) >= REQUIRED
    for template in templates.values():
        assert 8 <= len(template.milestones) <= 25, template.name
        assert all(m.success for m in template.milestones)
        assert all(m.category in Category.values for m in template.milestones)
        assert any(m.after for m in template.milestones), "templates carry dependencies"
        # The plan's first step never demands evidence, so a new plan can start at once.
        assert not template.milestones[0].evidence


def test_builtin_dependencies_point_backwards_or_sideways_in_time():
    for template in builtin_templates().values():
        months = {m.key: m.month for m in template.milestones}
        for m in template.milestones:
            for dep in m.after:
                assert months[dep] <= m.month, (template.name, m.title, dep)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("not: a list", "list of milestones"),
        ("- [unclosed", "not valid YAML"),
        ("- title: A\n  category: nope\n  month: 0\n  success: s", "category 'nope'"),
        ("- title: A\n  category: skills\n  month: -1\n  success: s", "'month'"),
        ("- title: A\n  category: skills\n  month: 0", "'success' is required"),
        (
            "- title: A\n  category: skills\n  month: 0\n  success: s\n  colour: red",
            "unknown field",
        ),
        ("- title: A\n  category: skills\n  month: 0\n  success: s\n  after: [ghost]", "ghost"),
        (
            "- {key: a, title: A, category: skills, month: 0, success: s, after: [b]}\n"
            "- {key: b, title: B, category: skills, month: 1, success: s, after: [a]}",
            "circle",
        ),
        ("- title: " + "x" * 201 + "\n  category: skills\n  month: 0\n  success: s", "longer than"),
    ],
)
def test_template_parse_rejects_bad_templates_with_a_clear_message(source, message):
    with pytest.raises(ValidationError) as exc:
        template_parse(source)

    assert message in " ".join(exc.value.messages)


@given(st.text(max_size=300))
def test_template_parse_never_crashes_on_arbitrary_text(source):
    try:
        specs = template_parse(source)
    except ValidationError:
        return
    assert specs
