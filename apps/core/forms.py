"""Form pieces every app uses for people's one-line text (see ``apps.core.text``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from apps.core.text import validate_single_line


class SingleLineCharField(forms.CharField):
    default_validators = [validate_single_line]


def single_line_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """``formfield_callback`` for model forms: text shown as a one-line input (a name, a
    title, a link) refuses control characters; a textarea keeps its line breaks."""
    formfield = db_field.formfield(**kwargs)
    if isinstance(formfield, forms.CharField) and not isinstance(formfield.widget, forms.Textarea):
        formfield.validators.append(validate_single_line)
    return formfield


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: a field's message beside that
    field, anything else at the top of the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
