"""Maths foundations review: the deck, spaced-repetition sessions and their settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.readinglists import selectors, services
from apps.readinglists.forms import CardForm, ReviewSettingsForm
from apps.readinglists.models import Item, ReviewCard, Topic
from apps.readinglists.views_access import get_card_for_user, get_item_for_user

if TYPE_CHECKING:
    from apps.accounts.models import User


def _chart(weeks: list[dict]) -> list[dict]:
    """Bar geometry for the retention SVG (CSP forbids style attributes)."""
    bars = []
    for i, week in enumerate(weeks):
        ratio = week["retention"]
        height = round((ratio or 0) * 100)
        bars.append(
            {
                **week,
                "x": 10 + i * 40,
                "y": 110 - height,
                "height": height,
                "percent": None if ratio is None else round(ratio * 100),
            }
        )
    return bars


@require_GET
def review_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    settings_row = selectors.review_settings_of(user)
    weeks = selectors.retention_by_week(user=user, now=now)
    items = Item.objects.filter(reading_list__owner=user).order_by("title")[:200]
    return render(
        request,
        "readinglists/review_home.html",
        {
            "due_count": selectors.cards_due_count(user=user, now=now),
            "streak": selectors.review_streak(user=user, now=now),
            "summary": selectors.retention_summary(user=user, now=now),
            # First reviews only teach a card; a chart of them would be empty bars.
            "bars": _chart(weeks) if any(w["retention"] is not None for w in weeks) else [],
            "topics": selectors.deck_overview(user=user, now=now),
            "topic_labels": dict(Topic.choices),
            "card_form": CardForm(items=items),
            "settings_form": ReviewSettingsForm(
                initial={
                    "desired_retention": settings_row.desired_retention if settings_row else 0.9
                }
            ),
            "paused": bool(settings_row and settings_row.paused_since),
        },
    )


@require_POST
def deck_add_starter(request: AuthenticatedHttpRequest) -> HttpResponse:
    added = services.deck_add_starter(user=request.user)
    messages.success(request, f"Added {added} foundation cards to your deck.")
    return redirect("readinglists:review_home")


@require_POST
def card_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = Item.objects.filter(reading_list__owner=request.user).order_by("title")[:200]
    form = CardForm(request.POST, items=items)
    if form.is_valid():
        item_id = form.cleaned_data.pop("reading_item")
        item = get_item_for_user(request.user, item_id) if item_id else None
        services.card_create(user=request.user, reading_item=item, **form.cleaned_data)
        messages.success(request, "Card added; it is due now.")
    else:
        messages.error(request, "The card needs a prompt: " + form.errors.as_text())
    return redirect("readinglists:review_home")


RATING_LABELS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def interval_label(interval: timedelta) -> str:
    """A short reading of an interval as the grade buttons show it: "10 min", "3 days".
    Each unit is used while its rounded count stays below the next unit up."""
    seconds = interval.total_seconds()
    if (minutes := max(round(seconds / 60), 1)) < 60:
        return f"{minutes} min"
    if (hours := round(seconds / 3600)) < 24:
        return "1 hour" if hours == 1 else f"{hours} hours"
    days = seconds / 86400
    if round(days) < 30:
        return "1 day" if round(days) == 1 else f"{round(days)} days"
    if (months := round(days / 30.4375, 1)) < 12:
        return "1 month" if months == 1 else f"{months:g} months"
    years = round(days / 365.25, 1)
    return "1 year" if years == 1 else f"{years:g} years"


def _grade_choices(card: ReviewCard, now: datetime) -> list[dict]:
    intervals = services.card_next_intervals(card=card, now=now)
    return [
        {
            "value": value,
            "label": label,
            "interval": intervals[value],
            "interval_label": interval_label(intervals[value]),
        }
        for value, label in RATING_LABELS.items()
    ]


def _session_context(user: User) -> dict:
    now = timezone.now()
    return {
        "card": selectors.next_due_card(user=user, now=now),
        "due_count": selectors.cards_due_count(user=user, now=now),
        "topic_labels": dict(Topic.choices),
        "paused": bool((s := selectors.review_settings_of(user)) and s.paused_since),
        "shown_at": int(now.timestamp() * 1000),
    }


@require_GET
def review_session(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "readinglists/review_session.html", _session_context(request.user))


@require_POST
def review_reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = get_card_for_user(request.user, pk)
    context = {
        **_session_context(request.user),
        "card": card,
        "revealed": True,
        "ratings": _grade_choices(card, timezone.now()),
        "shown_at": request.POST.get("shown_at", ""),
    }
    template = "readinglists/review_session.html"
    return render(request, f"{template}#review-card" if request.htmx else template, context)


@require_POST
def review_grade(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = get_card_for_user(request.user, pk)
    try:
        rating = int(request.POST.get("rating", ""))
        if rating not in (1, 2, 3, 4):
            raise ValueError
    except ValueError:
        return HttpResponse("Choose Again, Hard, Good or Easy.", status=400)
    duration = None
    try:
        shown_at = int(request.POST.get("shown_at", ""))
        elapsed = int(timezone.now().timestamp() * 1000) - shown_at
        duration = elapsed if 0 <= elapsed < 3_600_000 else None
    except ValueError:
        pass
    services.card_review(card=card, rating=rating, duration_ms=duration)
    if request.htmx:
        return render(
            request,
            "readinglists/review_session.html#review-card",
            {**_session_context(request.user), "just_graded": True},
        )
    return redirect("readinglists:review_session")


@require_POST
def review_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReviewSettingsForm(request.POST)
    if form.is_valid():
        services.review_settings_update(
            user=request.user, desired_retention=form.cleaned_data["desired_retention"]
        )
        messages.success(request, "Review settings saved.")
    else:
        messages.error(request, "Desired retention must be between 0.70 and 0.97.")
    return redirect("readinglists:review_home")


@require_POST
def review_pause(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.POST.get("action") == "resume":
        services.review_resume(user=request.user)
        messages.success(request, "Welcome back. Due dates moved by the length of your break.")
    else:
        services.review_pause(user=request.user)
        messages.success(request, "Reviews paused. Nothing will be due until you resume.")
    return redirect("readinglists:review_home")
