from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.db.models import Q, QuerySet

from apps.core.forms import SingleLineCharField, single_line_formfield
from apps.matching.models import Mentorship
from apps.research.models import (
    Contact,
    ContactStatus,
    Draft,
    Interaction,
    InteractionKind,
    Purpose,
    ResearchPreferences,
    Stage,
    Venue,
)
from apps.research.validators import normalise_orcid

if TYPE_CHECKING:
    from apps.accounts.models import User


def _coauthor_candidates(owner: User) -> QuerySet:
    """Pacer users one may name as co-authors: people in an active mentorship with the
    owner. Listing every account would leak who uses Pacer."""
    from apps.accounts.models import User

    linked = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).filter(
        Q(student=owner) | Q(mentor=owner)
    )
    return User.objects.filter(
        Q(pk__in=linked.values("mentor_id")) | Q(pk__in=linked.values("student_id"))
    ).exclude(pk=owner.pk)


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    # Links typed without a scheme ("example.org/paper") are taken as https; one-line
    # text refuses control characters.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return single_line_formfield(field, **kwargs)


class DraftForm(forms.ModelForm):
    target_venue = forms.ModelChoiceField(
        queryset=Venue.objects.order_by("title"),
        required=False,
        empty_label="No venue yet",
        help_text="Deadlines of this venue give the countdown and appear in your calendar.",
    )

    class Meta:
        model = Draft
        formfield_callback = _formfield
        fields = [
            "title",
            "abstract",
            "coauthors",
            "coauthor_users",
            "target_venue",
            "manuscript_url",
            "code_url",
            "preprint_url",
            "next_action",
        ]
        labels = {"coauthor_users": "Co-authors on Pacer"}
        help_texts = {
            "coauthor_users": "Your mentors and mentees with an active mentorship.",
            "next_action": "The very next, small step, e.g. 'write the related-work section'.",
        }
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 5}),
            "coauthors": forms.Textarea(attrs={"rows": 2}),
            "coauthor_users": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["coauthor_users"])
        field.queryset = _coauthor_candidates(owner)
        self.fields["title"].widget.attrs["autofocus"] = True


class DraftCreateForm(DraftForm):
    stage = forms.ChoiceField(choices=Stage.choices, initial=Stage.IDEA, label="Current stage")

    class Meta(DraftForm.Meta):
        fields = [*DraftForm.Meta.fields[:5], "stage", *DraftForm.Meta.fields[5:]]


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices, label="Move to stage")


class ContactForm(forms.ModelForm):
    # Wider than the stored iD so that a pasted https://orcid.org/… URL is accepted and
    # normalised before the model's validators check the bare iD.
    orcid = SingleLineCharField(
        label="ORCID iD",
        max_length=60,
        required=False,
        help_text="e.g. 0000-0002-1825-0097 or its orcid.org link; the check digit is verified.",
    )

    class Meta:
        model = Contact
        formfield_callback = _formfield
        fields = [
            "name",
            "affiliation",
            "homepage",
            "email",
            "orcid",
            "purpose",
            "follow_up_days",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "follow_up_days": "Days after your last email before Pacer reminds you to follow up.",
        }

    def clean_orcid(self) -> str:
        return normalise_orcid(self.cleaned_data.get("orcid") or "")


class ContactEditForm(ContactForm):
    class Meta(ContactForm.Meta):
        fields = [*ContactForm.Meta.fields[:6], "status", *ContactForm.Meta.fields[6:]]
        help_texts = {
            **ContactForm.Meta.help_texts,
            "status": "Logging an email, reply or meeting sets this for you.",
        }


class InteractionForm(forms.ModelForm):
    class Meta:
        formfield_callback = single_line_formfield
        model = Interaction
        fields = ["kind", "occurred_on", "summary"]
        labels = {"kind": "What happened", "occurred_on": "Date", "summary": "Notes"}
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["occurred_on"].initial = today
        self.fields["kind"].initial = InteractionKind.EMAIL_SENT

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, kind = data.get("occurred_on"), data.get("kind")
        if day and kind and kind != InteractionKind.MEETING and day > self.today:
            self.add_error("occurred_on", "An email or reply cannot be in the future.")
        if day and day < self.today - dt.timedelta(days=3650):
            self.add_error("occurred_on", "That date is more than ten years ago.")
        return data


class ContactFilterForm(forms.Form):
    q = SingleLineCharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(choices=[("", "Any status"), *ContactStatus.choices], required=False)
    purpose = forms.ChoiceField(choices=[("", "Any purpose"), *Purpose.choices], required=False)


class PreferencesForm(forms.ModelForm):
    class Meta:
        formfield_callback = single_line_formfield
        model = ResearchPreferences
        fields = ["followup_weekly_cap"]


CATALOGUE_MAX_BYTES = 2 * 1024 * 1024


class VenueCatalogueUploadForm(forms.Form):
    file = forms.FileField(
        label="Catalogue file (.yml or .yaml)",
        help_text="A conference-deadline list in the ai-deadlines format, up to 2 MB.",
    )
    filename = ""

    def clean_file(self) -> str:
        """The file's text: the form hands the view text, never the upload."""
        upload = self.cleaned_data["file"]
        self.filename = str(upload.name)
        if not upload.name.lower().endswith((".yml", ".yaml")):
            raise forms.ValidationError("Choose a .yml or .yaml file.")
        if upload.size > CATALOGUE_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 2 MB."
            )
        try:
            return cast(str, upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None


class VenueCatalogueConfirmForm(forms.Form):
    # The previewed file travels back signed, so the import writes exactly what was
    # previewed, by the person who previewed it, within the hour. A signed value is one
    # line of URL-safe characters.
    payload = SingleLineCharField(widget=forms.HiddenInput, max_length=4 * CATALOGUE_MAX_BYTES)
