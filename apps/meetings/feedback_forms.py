from __future__ import annotations

from django import forms

from apps.matching.models import Mentorship
from apps.meetings.models import MAX_FEEDBACK_NOTE, Fit

USEFUL_CHOICES = [(n, str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        label="How useful was the meeting? (1 = not at all, 5 = very)",
        choices=USEFUL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how useful the meeting was, from 1 to 5."},
    )
    fit = forms.ChoiceField(
        label="Is this a good fit?",
        choices=Fit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this is a good fit."},
    )
    note_to_coordinator = forms.CharField(
        label="Private note to the programme's coordinator (optional)",
        help_text="Only the coordinator reads it, never the other person.",
        required=False,
        max_length=MAX_FEEDBACK_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PairingEndForm(forms.Form):
    reason = forms.CharField(
        label="Reason (both people see it)",
        max_length=Mentorship._meta.get_field("end_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Please give a reason for ending the pairing."},
    )
