from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.nudges.emails import unsubscribe_load
from apps.nudges.forms import DeliveryLogFilterForm, PreferencesForm, SnoozeForm
from apps.nudges.models import UNSUBSCRIBE_ALL, Kind, Notification
from apps.nudges.selectors import (
    delivery_log_for_coordinator,
    kinds_for_user,
    notification_unread_count,
    notifications_for_user,
    preferences_for_user,
)
from apps.nudges.services import (
    SNOOZE_CHOICES,
    notification_mark_read,
    notification_snooze,
    notifications_clear_stale,
    notifications_mark_all_read,
    preferences_unsubscribe,
    preferences_update,
)

PAGE_SIZE = 25


def _get_notification_for_user(user: User, pk: int) -> Notification:
    # Notifications are private to their person: anyone else gets a 404.
    return get_object_or_404(Notification, pk=pk, user=user)


def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications_clear_stale(user=request.user)
    page = Paginator(notifications_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "nudges/inbox.html",
        {
            "page_obj": page,
            "unread_count": notification_unread_count(user=request.user),
            "snooze_choices": SNOOZE_CHOICES.items(),
        },
    )


def _row_response(request: AuthenticatedHttpRequest, item: Notification) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "nudges/inbox.html#notification-row",
            {
                "item": item,
                "snooze_choices": SNOOZE_CHOICES.items(),
                "unread_count": notification_unread_count(user=request.user),
                "oob_count": True,
            },
        )
    return redirect("nudges:inbox")


@require_POST
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _get_notification_for_user(request.user, pk)
    notification_mark_read(notification=item)
    return _row_response(request, item)


@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("nudges:inbox")


@require_POST
def snooze(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _get_notification_for_user(request.user, pk)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how long to snooze: 1 day, 3 days or 1 week.")
        return redirect("nudges:inbox")
    days = form.cleaned_data["days"]
    notification_snooze(notification=item, days=days)
    if not request.htmx:
        messages.success(request, f"Snoozed for {SNOOZE_CHOICES[days]}.")
    return _row_response(request, item)


@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    settings_row, modes = preferences_for_user(user=request.user)
    kinds = kinds_for_user(user=request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, kinds=kinds)
        if form.is_valid():
            preferences_update(
                user=request.user,
                modes=form.modes(),
                digest_hour=form.cleaned_data["digest_hour"],
                weekly_day=form.cleaned_data["weekly_day"],
                weekdays_only=form.cleaned_data["weekdays_only"],
                paused_until=form.cleaned_data["paused_until"],
            )
            messages.success(request, "Your notification preferences are saved.")
            return redirect("nudges:preferences")
    else:
        form = PreferencesForm(
            kinds=kinds,
            initial={
                "digest_hour": settings_row.digest_hour,
                "weekly_day": settings_row.weekly_day,
                "weekdays_only": settings_row.weekdays_only,
                "paused_until": settings_row.paused_until,
                **{f"mode_{kind}": mode for kind, mode in modes.items()},
            },
        )
    return render(
        request, "nudges/preferences.html", {"form": form, "timezone": request.user.timezone}
    )


def delivery_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Coordinators: delivery of reminder emails to their programmes' members, with
    failure reasons. Subjects are left out: they can carry a student's own text."""
    if not request.user.is_coordinator:
        raise Http404
    form = DeliveryLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = delivery_log_for_coordinator(
        coordinator=request.user,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "nudges/delivery_log.html", {"form": form, "page_obj": page})


# Reached from an email without a session: the signed token is the only credential.
# CSRF does not apply (RFC 8058 one-click POSTs come from mail providers, tokenless) and
# the token both authenticates and scopes what the request may change.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    loaded = unsubscribe_load(token)
    if loaded is None:
        return render(request, "nudges/unsubscribe.html", {"invalid": True}, status=400)
    user_id, kind = loaded
    label = "all Pacer reminders" if kind == UNSUBSCRIBE_ALL else f"“{Kind(kind).label}” emails"
    if request.method == "GET":
        # A GET only asks: link scanners open links, and must not unsubscribe anyone.
        return render(request, "nudges/unsubscribe.html", {"label": label, "token": token})
    if User.objects.filter(pk=user_id).exists():
        preferences_unsubscribe(user_id=user_id, kind=kind)
    return render(request, "nudges/unsubscribe.html", {"label": label, "done": True})
