"""The mentor's availability page: booking rules, weekly windows and exceptions, all in
the mentor's own zone. A person edits only their own availability."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.core.forms import add_service_errors
from apps.meetings import availability, selectors
from apps.meetings.forms import AvailabilitySettingsForm, ExceptionForm, WeeklySlotForm
from apps.meetings.models import AvailabilityException, AvailabilitySettings, WeeklySlot

# Three forms share the page: each its own element ids, so every label finds its field.
RULES_ID, SLOT_ID, EXCEPTION_ID = "rules_%s", "slot_%s", "exception_%s"


def _get_slot_for_user(user: User, pk: int) -> WeeklySlot:
    return get_object_or_404(WeeklySlot, pk=pk, mentor=user)


def _get_exception_for_user(user: User, pk: int) -> AvailabilityException:
    return get_object_or_404(AvailabilityException, pk=pk, mentor=user)


def _zone(user: User, settings: AvailabilitySettings | None = None):
    """The zone the mentor's availability is written in: their booking rules' own, or
    their profile's before they have published any."""
    settings = settings or selectors.availability_settings(mentor=user)
    return settings.zone() if settings else selectors.zone_of(user)


def _page(request: AuthenticatedHttpRequest, *, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    settings = selectors.availability_settings(mentor=user)
    zone = _zone(user, settings)
    return render(
        request,
        "meetings/availability.html",
        {
            "settings_form": forms.get("settings_form")
            or AvailabilitySettingsForm(
                instance=settings or AvailabilitySettings(mentor=user), auto_id=RULES_ID
            ),
            "slot_form": forms.get("slot_form") or WeeklySlotForm(auto_id=SLOT_ID),
            "exception_form": forms.get("exception_form")
            or ExceptionForm(zone=zone, auto_id=EXCEPTION_ID),
            "published": settings is not None,
            "slots": list(selectors.weekly_slots(mentor=user)),
            "exceptions": list(selectors.exceptions_ahead(mentor=user, now=timezone.now())),
            "zone": zone,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def availability_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    settings = selectors.availability_settings(mentor=request.user)
    form = AvailabilitySettingsForm(
        request.POST,
        instance=settings or AvailabilitySettings(mentor=request.user),
        auto_id=RULES_ID,
    )
    if form.is_valid():
        try:
            fields = {name: form.cleaned_data[name] for name in availability.SETTINGS_FIELDS}
            availability.availability_settings_save(mentor=request.user, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Booking rules saved.")
            return redirect("meetings:availability")
    return _page(request, status=400, settings_form=form)


@require_POST
def weekly_slot_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = WeeklySlotForm(request.POST, auto_id=SLOT_ID)
    if form.is_valid():
        try:
            availability.weekly_slot_add(mentor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Weekly window added.")
            return redirect("meetings:availability")
    return _page(request, status=400, slot_form=form)


@require_POST
def weekly_slot_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    slot = _get_slot_for_user(request.user, pk)
    availability.weekly_slot_delete(slot=slot)
    messages.success(request, f"Removed the {slot} window.")
    return redirect("meetings:availability")


@require_POST
def exception_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ExceptionForm(request.POST, zone=_zone(request.user), auto_id=EXCEPTION_ID)
    if form.is_valid():
        data = form.cleaned_data
        try:
            availability.exception_add(
                mentor=request.user,
                kind=data["kind"],
                start=data["start"],
                end=data["end"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Exception added.")
            return redirect("meetings:availability")
    return _page(request, status=400, exception_form=form)


@require_POST
def exception_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exception = _get_exception_for_user(request.user, pk)
    availability.exception_delete(exception=exception)
    messages.success(request, "Exception removed.")
    return redirect("meetings:availability")
