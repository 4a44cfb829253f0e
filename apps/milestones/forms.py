from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from apps.core.forms import SingleLineCharField, single_line_formfield
from apps.core.text import validate_single_line
from apps.matching.models import Programme
from apps.matching.selectors import coordinated_programme_ids
from apps.milestones.models import Category, Milestone, Plan, Status
from apps.milestones.selectors import template_choices

if TYPE_CHECKING:
    from apps.accounts.models import User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        formfield_callback = single_line_formfield
        model = Plan
        fields = ["title", "target_role", "focus_areas", "start_date", "horizon_years"]
        widgets = {"start_date": DATE_WIDGET}
        labels = {"horizon_years": "Horizon (years)"}


class PlanFromTemplateForm(forms.Form):
    template = forms.ChoiceField(widget=forms.RadioSelect)
    start_date = forms.DateField(widget=DATE_WIDGET, help_text="Every date is scheduled from here.")
    title = SingleLineCharField(
        max_length=200, required=False, help_text="Leave empty to use the template's name."
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template_options = template_choices(user=user)
        choices = [(slug, name) for slug, name, _ in self.template_options]
        self.fields["template"].choices = choices  # type: ignore[attr-defined]
        self.fields["start_date"].initial = timezone.localdate()


class MilestoneForm(forms.ModelForm):
    """Add or edit one milestone; dependencies are limited to the same plan, so another
    plan's milestone is rejected as an invalid choice before the service even sees it."""

    evidence_url = forms.URLField(
        label="Evidence link",
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[validate_single_line],
    )

    class Meta:
        formfield_callback = single_line_formfield
        model = Milestone
        fields = [
            "title",
            "category",
            "target_date",
            "success_criterion",
            "description",
            "evidence_note",
            "dependencies",
        ]
        widgets = {
            "target_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence_note": forms.Textarea(attrs={"rows": 2}),
            "dependencies": forms.CheckboxSelectMultiple,
        }
        labels = {"dependencies": "Depends on"}

    field_order = [*Meta.fields[:5], "evidence_url", *Meta.fields[5:]]

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        others = Milestone.objects.filter(plan=plan).only("pk", "title").order_by("position", "pk")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["dependencies"].queryset = others  # type: ignore[attr-defined]
        self.fields["dependencies"].required = False


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    evidence_url = forms.URLField(
        max_length=500, required=False, assume_scheme="https", validators=[validate_single_line]
    )
    evidence_note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
    group = forms.ChoiceField(choices=[("year", "year"), ("category", "category")], required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown is allowed.",
    )


class CheckInForm(forms.Form):
    date = forms.DateField(widget=DATE_WIDGET)
    agenda = forms.CharField(
        max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    action_items = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line; each can later become a milestone in one click.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_action_items(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["action_items"].splitlines()]
        lines = [line for line in lines if line]
        too_long = [line for line in lines if len(line) > 300]
        if too_long:
            raise forms.ValidationError("Each action item must be at most 300 characters.")
        return lines


class ActionItemForm(forms.Form):
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OTHER)
    target_date = forms.DateField(widget=DATE_WIDGET, required=False)


class PlanTemplateForm(forms.Form):
    name = SingleLineCharField(max_length=200)
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        required=False,
        empty_label="Everyone (no programme)",
        help_text="Only members of this programme will be offered the template.",
    )
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    target_role = SingleLineCharField(max_length=200, required=False)
    horizon_years = forms.IntegerField(min_value=1, max_value=15, initial=2)
    source = forms.CharField(
        label="Milestones (YAML)",
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text="A list of milestones: title, category, month (after the start), success, "
        "and optionally key, description, evidence (true/false) and after (keys it depends on).",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.filter(pk__in=coordinated_programme_ids(user=user))
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
