"""The person's own review cards: list, filter, edit, suspend, delete, and import from a
CSV or TSV file with a preview. Every view reaches a card through ``get_card_for_user``
(another person's card is a 404). With htmx each action swaps one row of the list; without
it, each has a full page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.readinglists import card_import, selectors, services
from apps.readinglists.forms import CardEditForm, CardFilterForm, CardImportForm
from apps.readinglists.models import ReviewCard, Topic
from apps.readinglists.views_access import get_card_for_user, get_card_import_for_user

if TYPE_CHECKING:
    from apps.accounts.models import User

CARDS_PER_PAGE = 25
PREVIEW_SHOWN = 200
PARTIALS = "readinglists/_cards.html"


def _listed(user: User, card: ReviewCard) -> ReviewCard:
    """The card as the list shows it (with ``is_due``)."""
    return selectors.cards_of(user=user, now=timezone.now()).get(pk=card.pk)


def _back_to_list(request: AuthenticatedHttpRequest) -> str:
    """Where a full-page action returns: the filtered list it came from, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else reverse("readinglists:card_list")


def _context(request: AuthenticatedHttpRequest, **extra: object) -> dict:
    return {"topic_labels": dict(Topic.choices), "next": _back_to_list(request), **extra}


def _row(request: AuthenticatedHttpRequest, card: ReviewCard, **extra: object) -> HttpResponse:
    return render(
        request,
        f"{PARTIALS}#card-row",
        _context(request, card=_listed(request.user, card), **extra),
    )


@require_GET
def card_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CardFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    cards = selectors.cards_of(
        user=request.user,
        query=(filters.get("q") or "").strip(),
        topic=filters.get("topic") or "",
        state=filters.get("state") or "all",
        now=timezone.now(),
    )
    page = Paginator(cards, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    settings_row = selectors.review_settings_of(request.user)
    return render(
        request,
        "readinglists/card_list.html",
        _context(
            request,
            form=form,
            page=page,
            query=query.urlencode(),
            next=request.get_full_path(),
            paused=bool(settings_row and settings_row.paused_since),
        ),
    )


@require_GET
def card_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = get_card_for_user(request.user, pk)
    if request.htmx:
        return _row(request, card)
    return render(
        request,
        "readinglists/card_detail.html",
        _context(request, card=_listed(request.user, card)),
    )


@require_http_methods(["GET", "POST"])
def card_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = get_card_for_user(request.user, pk)
    status = 200
    if request.method == "POST":
        form = CardEditForm(request.POST, auto_id=f"card-{card.pk}-%s")
        if form.is_valid():
            services.card_update(card=card, **form.cleaned_data)
            if request.htmx:
                return _row(request, card, announce="Card saved.")
            messages.success(request, "Card saved.")
            return redirect(_back_to_list(request))
        # htmx swaps only successful answers: the form comes back with its errors as a 200.
        status = 200 if request.htmx else 400
    else:
        initial = {"prompt": card.prompt, "answer": card.answer, "topic": card.topic}
        form = CardEditForm(initial=initial, auto_id=f"card-{card.pk}-%s")
    template = f"{PARTIALS}#card-edit" if request.htmx else "readinglists/card_edit.html"
    return render(request, template, _context(request, card=card, form=form), status=status)


@require_POST
def card_suspend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = get_card_for_user(request.user, pk)
    suspend = request.POST.get("action") != "unsuspend"
    services.card_set_suspended(card=card, suspended=suspend)
    text = "Card suspended: it will not come up for review." if suspend else "Card unsuspended."
    if request.htmx:
        return _row(request, card, announce=text)
    messages.success(request, text)
    return redirect(_back_to_list(request))


@require_http_methods(["GET", "POST"])
def card_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = get_card_for_user(request.user, pk)
    if request.method == "GET":
        if request.htmx:
            return render(request, f"{PARTIALS}#card-delete", _context(request, card=card))
        return render(request, "readinglists/card_delete.html", _context(request, card=card))
    services.card_delete(card=card)
    if request.htmx:
        # The row is swapped for nothing; the status region says what happened.
        return render(request, f"{PARTIALS}#card-announce", {"announce": "Card deleted."})
    messages.success(request, "Card deleted.")
    return redirect(_back_to_list(request))


@require_http_methods(["GET", "POST"])
def card_import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CardImportForm()
    status = 200
    if request.method == "POST":
        form = CardImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > card_import.MAX_BYTES:
                    raise card_import.CardFileError(
                        f"The file is {upload.size / 1_000_000:.1f} MB; the limit is "
                        f"{card_import.MAX_BYTES // 1_000_000} MB. Split it into smaller files."
                    )
                preview = card_import.card_import_preview(
                    user=request.user, data=upload.read(), filename=upload.name or ""
                )
            except card_import.CardFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("readinglists:card_import_preview", pk=preview.pk)
        status = 400
    return render(
        request,
        "readinglists/card_import.html",
        {"form": form, "topics": Topic.choices},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def card_import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    preview = get_card_import_for_user(request.user, pk)
    if request.method == "POST":
        if request.POST.get("action") == "discard":
            preview.delete()
            messages.info(request, "Import discarded; no card was added.")
            return redirect("readinglists:card_import_upload")
        try:
            created, skipped = card_import.card_import_confirm(
                card_import=preview, user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            text = f"Imported {created} card{'s' if created != 1 else ''}; they are due now."
            if skipped:
                text += f" Skipped {skipped} you added since the preview."
            messages.success(request, text)
        return redirect("readinglists:card_list")
    return render(
        request,
        "readinglists/card_import_preview.html",
        {
            "preview": preview,
            "rows": preview.rows[:PREVIEW_SHOWN],
            "refused": preview.refused[:PREVIEW_SHOWN],
            "topic_labels": dict(Topic.choices),
        },
    )
