from __future__ import annotations

from typing import cast

from django import forms

from apps.core.forms import SingleLineCharField
from apps.dashboards.home import SNOOZE_KINDS
from apps.dashboards.selectors import FILTERS, SORT_LABELS
from apps.nudges.snoozes import SNOOZE_CHOICES


class TableForm(forms.Form):
    """The mentor table's sort and filter controls (GET); bad values fall back to the
    defaults rather than failing, as they come from bookmarks and edited URLs."""

    q = SingleLineCharField(label="Name contains", required=False, max_length=100)
    show = forms.ChoiceField(label="Show", choices=list(FILTERS.items()), required=False)
    sort = forms.ChoiceField(label="Sort by", choices=list(SORT_LABELS.items()), required=False)
    dir = forms.ChoiceField(
        label="Order", choices=[("asc", "Ascending"), ("desc", "Descending")], required=False
    )

    def state(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q") or "",
            "show": data.get("show") or "all",
            "sort": data.get("sort") or "worry",
            "dir": data.get("dir") or "asc",
        }


class MenteeCommentForm(forms.Form):
    milestone = forms.TypedChoiceField(label="Milestone", coerce=int)
    body = forms.CharField(
        label="Comment",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your mentee sees this on the milestone. Markdown is allowed.",
    )

    def __init__(self, *args, milestones=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["milestone"]).choices = [
            (m.pk, f"{m.title} ({m.plan.title})") for m in milestones
        ]

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write a comment first.")
        return body


class SnoozeForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in SNOOZE_KINDS])
    object_id = forms.IntegerField(min_value=0)
    days = forms.TypedChoiceField(choices=list(SNOOZE_CHOICES.items()), coerce=int, initial=1)


class DoneForm(forms.Form):
    milestone = forms.IntegerField(min_value=1)
