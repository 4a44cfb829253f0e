import zoneinfo
from functools import cache
from typing import Any

from django import forms

from apps.accounts.models import SELF_CHOSEN_ROLES, Role, User
from apps.core.forms import SingleLineCharField, single_line_formfield


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n or n == "UTC")
    return [(n, n.replace("_", " ")) for n in names]


class ProfileForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=[(role.value, role.label) for role in SELF_CHOSEN_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose every role you hold; you can change this later.",
    )
    request_coordinator = forms.BooleanField(
        required=False,
        label="Ask to be a programme coordinator",
        help_text="Coordinators run programmes and cohorts, invite people and publish plan "
        "templates. Staff review each request.",
    )
    timezone = forms.ChoiceField(choices=timezone_choices, initial="UTC")

    class Meta:
        formfield_callback = single_line_formfield
        model = User
        fields = ["display_name", "timezone", "research_interests", "bio"]
        widgets = {
            "research_interests": forms.Textarea(attrs={"rows": 3}),
            "bio": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance.pk:
            self.fields["roles"].initial = [
                role for role in self.instance.roles if role != Role.COORDINATOR
            ]
        self.fields["display_name"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Someone who coordinates, or asks to, may hold no other role.
        if (
            not data.get("roles")
            and not self.instance.is_coordinator
            and not data.get("request_coordinator")
        ):
            self.add_error("roles", self.fields["roles"].error_messages["required"])
        return data


class OnboardingForm(ProfileForm):
    class Meta(ProfileForm.Meta):
        fields = ["display_name", "timezone", "research_interests"]


class DeleteAccountForm(forms.Form):
    confirm = SingleLineCharField(
        label='Type "delete my account" to confirm',
        max_length=40,
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip().lower()
        if value != "delete my account":
            raise forms.ValidationError('Type exactly "delete my account" to confirm.')
        return value
