from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms

from apps.accounts.forms import timezone_choices
from apps.core.forms import SingleLineCharField, single_line_formfield
from apps.meetings.models import (
    MAX_AGENDA,
    MAX_PURPOSE,
    MAX_REASON,
    AvailabilityException,
    AvailabilitySettings,
    Weekday,
)
from apps.milestones.forms import CheckInForm
from apps.milestones.models import Plan

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SLOT_FORMAT = "%Y-%m-%dT%H:%MZ"


def _zone_choices() -> list[tuple[str, str]]:
    return [("", "The time zone of my profile"), *timezone_choices()]


class AvailabilitySettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=_zone_choices, required=False, label="Time zone")

    class Meta:
        model = AvailabilitySettings
        formfield_callback = single_line_formfield
        fields = [
            "timezone",
            "meeting_minutes",
            "buffer_minutes",
            "horizon_days",
            "min_notice_hours",
            "weekly_cap",
            "location",
        ]


class WeeklySlotForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, label="Day")
    start_time = forms.TimeField(widget=TIME_WIDGET, label="From")
    end_time = forms.TimeField(widget=TIME_WIDGET, label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and start >= end:
            self.add_error("end_time", "The end must be after the start.")
        return data


class ExceptionForm(forms.Form):
    """Dates and times in the mentor's zone, turned into instants on cleaning."""

    kind = forms.ChoiceField(choices=AvailabilityException.Kind.choices, label="Kind")
    start_date = forms.DateField(widget=DATE_WIDGET, label="From date")
    start_time = forms.TimeField(widget=TIME_WIDGET, label="From time")
    end_date = forms.DateField(widget=DATE_WIDGET, label="To date")
    end_time = forms.TimeField(widget=TIME_WIDGET, label="To time")
    note = SingleLineCharField(max_length=200, required=False, label="Note (optional)")

    def __init__(self, *args: Any, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start_date, start_time = data.get("start_date"), data.get("start_time")
        end_date, end_time = data.get("end_date"), data.get("end_time")
        if start_date and start_time and end_date and end_time:
            start = dt.datetime.combine(start_date, start_time, tzinfo=self.zone)
            end = dt.datetime.combine(end_date, end_time, tzinfo=self.zone)
            if start >= end:
                self.add_error("end_time", "The end must be after the start.")
            data["start"], data["end"] = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        return data


def parse_slot(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, SLOT_FORMAT).replace(tzinfo=dt.UTC)


class _SlotChoiceMixin:
    """A slot picked by its UTC start. Any well-formed time is accepted here; whether
    it is free is the booking service's question, answered with a clear message."""

    def clean_start(self) -> dt.datetime:
        value = self.cleaned_data["start"]  # type: ignore[attr-defined]
        try:
            return parse_slot(value)
        except ValueError as exc:
            raise forms.ValidationError("Choose one of the times shown.") from exc


class BookingForm(_SlotChoiceMixin, forms.Form):
    start = SingleLineCharField(label="Time", max_length=20)
    purpose = SingleLineCharField(
        max_length=MAX_PURPOSE,
        label="What would you like to talk about?",
        help_text="One line; it starts the agenda, which you can both edit later.",
    )


class RescheduleForm(_SlotChoiceMixin, forms.Form):
    start = SingleLineCharField(label="New time", max_length=20)
    reason = forms.CharField(
        max_length=MAX_REASON,
        label="Why are you moving it?",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_REASON,
        label="Why are you cancelling?",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AgendaForm(forms.Form):
    agenda = forms.CharField(
        max_length=MAX_AGENDA,
        required=False,
        label="Agenda",
        help_text="Markdown. Both of you can edit it until the meeting starts.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class MeetingCheckInForm(CheckInForm):
    """The check-in form, with the mentee's plan to file the note under."""

    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), empty_label=None)

    field_order = ["plan", "date", "agenda", "notes", "action_items"]

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.order_fields(self.field_order)
