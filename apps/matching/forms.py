from __future__ import annotations

from django import forms

from apps.core.forms import SingleLineCharField, single_line_formfield
from apps.matching.models import (
    MatchingRound,
    MemberRole,
    MentorProfile,
    Seniority,
    ShareArea,
    StudentPreferences,
)
from apps.matching.services import MENTOR_PROFILE_FIELDS, PREFERENCE_FIELDS


class MentorProfileForm(forms.ModelForm):
    class Meta:
        formfield_callback = single_line_formfield
        model = MentorProfile
        fields = list(MENTOR_PROFILE_FIELDS)
        widgets = {
            "research_areas": forms.Textarea(attrs={"rows": 3}),
            "offer": forms.Textarea(attrs={"rows": 3}),
        }


class StudentPreferencesForm(forms.ModelForm):
    class Meta:
        formfield_callback = single_line_formfield
        model = StudentPreferences
        fields = list(PREFERENCE_FIELDS)
        widgets = {
            "interests": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }


class MentorSearchForm(forms.Form):
    q = SingleLineCharField(label="Search areas, tags and bios", required=False, max_length=200)
    seniority = forms.ChoiceField(
        choices=[("", "Any seniority"), *Seniority.choices], required=False
    )
    language = SingleLineCharField(required=False, max_length=50)
    phd = forms.BooleanField(label="Can supervise a PhD", required=False)
    include_full = forms.BooleanField(label="Include mentors not accepting", required=False)


class RequestForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text="Why this mentor, and what you hope to get from the mentorship.",
    )


class ResponseForm(forms.Form):
    note = forms.CharField(
        label="Note to the student",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class EndForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class SharingForm(forms.Form):
    areas = forms.MultipleChoiceField(
        choices=ShareArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="What this mentor sees",
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label="New private note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text="Only you can see these notes. Markdown is supported.",
    )


class ProgrammeForm(forms.Form):
    name = SingleLineCharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CohortForm(forms.Form):
    name = SingleLineCharField(label="Cohort name", max_length=200)


class InviteForm(forms.Form):
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One address per line or separated by commas.",
    )
    role = forms.ChoiceField(choices=MemberRole.choices)

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(",", "\n").split()
        validator = forms.EmailField()
        cleaned = []
        for email in raw:
            try:
                cleaned.append(validator.clean(email))
            except forms.ValidationError:
                raise forms.ValidationError(f"{email} is not a valid email address.") from None
        return cleaned


class CoordinatorInviteForm(InviteForm):
    role = None  # type: ignore[assignment]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["emails"].label = "Invite co-coordinators"
        self.fields["emails"].help_text = (
            "They will run this programme with you, with the same rights. "
            "One address per line or separated by commas."
        )


class RoundCreateForm(forms.ModelForm):
    class Meta:
        formfield_callback = single_line_formfield
        model = MatchingRound
        fields = ["name", "algorithm"]


class RoundSettingsForm(forms.ModelForm):
    class Meta:
        formfield_callback = single_line_formfield
        model = MatchingRound
        fields = list(MatchingRound.SETTING_FIELDS)
        labels = {
            "weight_interest": "Interest similarity",
            "weight_tags": "Tag overlap",
            "weight_style": "Mentoring style",
            "weight_seniority": "Seniority",
            "weight_timezone": "Time zone",
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        weights = [v for k, v in data.items() if k.startswith("weight_") and v is not None]
        if any(w < 0 for w in weights):
            raise forms.ValidationError("Weights cannot be negative.")
        if weights and sum(weights) <= 0:
            raise forms.ValidationError("At least one weight must be above zero.")
        return data
