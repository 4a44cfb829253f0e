from __future__ import annotations

from django import forms

from apps.nudges.models import DIGEST_DAILY, DIGEST_WEEKLY, Kind, Mode, NudgeSettings, OutboxMessage
from apps.nudges.snoozes import SNOOZE_CHOICES


class PreferencesForm(forms.Form):
    digest_hour = forms.TypedChoiceField(
        label="Digest hour (your time)",
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        coerce=int,
    )
    weekly_day = forms.TypedChoiceField(
        label="Weekly digest day", choices=NudgeSettings.Weekday.choices, coerce=int
    )
    weekdays_only = forms.BooleanField(label="Daily digest on weekdays only", required=False)
    paused_until = forms.DateField(
        label="Pause all emails until (holiday)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Reminders still appear here in the app; leave empty to stay on.",
    )

    def __init__(self, *args, kinds: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[f"mode_{kind}"] = forms.ChoiceField(
                label=Kind(kind).label, choices=Mode.choices
            )

    def kind_fields(self):
        return [self[f"mode_{kind}"] for kind in self.kinds]

    def modes(self) -> dict[str, str]:
        return {kind: self.cleaned_data[f"mode_{kind}"] for kind in self.kinds}


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(choices=list(SNOOZE_CHOICES.items()), coerce=int)


class DeliveryLogFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *OutboxMessage.Status.choices], required=False
    )
    kind = forms.ChoiceField(
        choices=[
            ("", "Any kind"),
            *Kind.choices,
            (DIGEST_DAILY, "Daily digest"),
            (DIGEST_WEEKLY, "Weekly digest"),
        ],
        required=False,
    )
