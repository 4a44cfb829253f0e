from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from apps.core.csv_export import csv_safe
from apps.core.http import AuthenticatedHttpRequest
from apps.matching.selectors import active_mentorships_for_mentor, mentor_can_view
from apps.readinglists import bibtex_import, selectors, services
from apps.readinglists.bibtex import BibtexTooLarge, decode_upload, items_to_bibtex
from apps.readinglists.forms import (
    AssignForm,
    BibtexImportForm,
    CardForm,
    IdentifierPasteForm,
    ItemForm,
    ProgressForm,
    ReadingListForm,
    ReviewSettingsForm,
)
from apps.readinglists.models import (
    OTHERS,
    Assignment,
    ImportCandidate,
    ImportDraft,
    Item,
    Progress,
    ReadingList,
    ReadingStatus,
    ReviewCard,
    Topic,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

ITEMS_PER_PAGE = 50

# --- Access helpers: each 404s when the user may not see the object -------------------


def _get_list_for_user(user: User, pk: int) -> ReadingList:
    reading_list = get_object_or_404(ReadingList.objects.select_related("owner"), pk=pk)
    if not selectors.can_view_list(user=user, reading_list=reading_list):
        raise Http404
    return reading_list


def _get_list_to_copy(user: User, pk: int) -> ReadingList:
    reading_list = get_object_or_404(ReadingList.objects.select_related("owner"), pk=pk)
    if not selectors.can_copy_list(user=user, reading_list=reading_list):
        raise Http404
    return reading_list


def _get_own_list(user: User, pk: int) -> ReadingList:
    return get_object_or_404(ReadingList.objects.select_related("owner"), pk=pk, owner=user)


def _get_item_for_user(user: User, pk: int) -> Item:
    item = get_object_or_404(Item.objects.select_related("reading_list__owner"), pk=pk)
    if not selectors.can_view_list(user=user, reading_list=item.reading_list):
        raise Http404
    return item


def _get_own_item(user: User, pk: int) -> Item:
    return get_object_or_404(
        Item.objects.select_related("reading_list"), pk=pk, reading_list__owner=user
    )


def _get_draft_for_user(user: User, pk: int) -> ImportDraft:
    return get_object_or_404(
        ImportDraft.objects.select_related("reading_list"),
        pk=pk,
        created_by=user,
        reading_list__owner=user,
        confirmed_at__isnull=True,
    )


def _get_card_for_user(user: User, pk: int) -> ReviewCard:
    return get_object_or_404(ReviewCard.objects.select_related("reading_item"), pk=pk, owner=user)


def _get_mentee_for_mentor(user: User, pk: int) -> User:
    from apps.accounts.models import User

    mentee = get_object_or_404(User, pk=pk)
    if mentee.pk == user.pk or not mentor_can_view(viewer=user, owner=mentee, area="reading"):
        raise Http404
    return mentee


def _reader_for(user: User, reading_list: ReadingList) -> tuple[User, bool]:
    """Whose progress a list page shows, and whether the viewer may change it.

    Readers (owner, assignee, mentee of the owner) track their own progress; a mentor
    looking at a mentee's list through reading sharing sees the mentee's, read-only.
    """
    if reading_list.owner_id == user.pk or selectors.can_read_list(
        user=user, reading_list=reading_list
    ):
        return user, True
    return reading_list.owner, False


# --- Lists -----------------------------------------------------------------------------


@require_GET
def list_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    groups = selectors.lists_for_index(user=request.user)
    return render(
        request,
        "readinglists/list_index.html",
        {"groups": groups, "form": ReadingListForm(), "progress": None},
    )


@require_POST
def list_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReadingListForm(request.POST)
    if not form.is_valid():
        groups = selectors.lists_for_index(user=request.user)
        return render(
            request, "readinglists/list_index.html", {"groups": groups, "form": form}, status=400
        )
    reading_list = services.list_create(
        owner=request.user,
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        topic_tags=form.cleaned_data["topic_tags"].split(","),
        method_tags=form.cleaned_data["method_tags"].split(","),
        visibility=form.cleaned_data["visibility"],
        is_ordered=form.cleaned_data["is_ordered"],
    )
    messages.success(request, "List created. Add items by hand, from BibTeX or by DOI.")
    return redirect("readinglists:list_detail", pk=reading_list.pk)


@require_GET
def list_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_list_for_user(request.user, pk)
    reader, can_track = _reader_for(request.user, reading_list)
    is_owner = reading_list.owner_id == request.user.pk
    page = Paginator(
        selectors.items_with_status(reading_list=reading_list, user=reader), ITEMS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "reading_list": reading_list,
        "page": page,
        "is_owner": is_owner,
        "can_copy": not is_owner
        and selectors.can_copy_list(user=request.user, reading_list=reading_list),
        "can_track": can_track,
        "reader": reader,
        "statuses": ReadingStatus.choices,
    }
    if is_owner:
        context["item_form"] = ItemForm()
        mentees = [m.student for m in active_mentorships_for_mentor(mentor=request.user)]
        context["assign_form"] = AssignForm(mentees=mentees) if mentees else None
        context["assignments"] = list(
            reading_list.assignments.select_related("mentee").order_by("mentee__display_name")
        )
    return render(request, "readinglists/list_detail.html", context)


def list_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_own_list(request.user, pk)
    if request.method == "POST":
        form = ReadingListForm(request.POST)
        if form.is_valid():
            services.list_update(reading_list=reading_list, **form.cleaned_data)
            messages.success(request, "List saved.")
            return redirect("readinglists:list_detail", pk=pk)
    else:
        form = ReadingListForm(
            initial={
                "title": reading_list.title,
                "description": reading_list.description,
                "topic_tags": ", ".join(reading_list.topic_tags),
                "method_tags": ", ".join(reading_list.method_tags),
                "visibility": reading_list.visibility,
                "is_ordered": reading_list.is_ordered,
            }
        )
    return render(
        request, "readinglists/list_edit.html", {"form": form, "reading_list": reading_list}
    )


@require_POST
def list_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_own_list(request.user, pk)
    services.list_delete(reading_list=reading_list)
    messages.success(request, f"Deleted “{reading_list.title}”.")
    return redirect("readinglists:list_index")


@require_POST
def list_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_list_to_copy(request.user, pk)
    copy = services.list_copy(reading_list=reading_list, user=request.user)
    messages.success(request, "Copied into your lists. Your progress on the copy starts fresh.")
    return redirect("readinglists:list_detail", pk=copy.pk)


# --- Items -----------------------------------------------------------------------------


@require_POST
def item_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_own_list(request.user, pk)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            services.item_create(reading_list=reading_list, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Item added.")
            return redirect("readinglists:list_detail", pk=pk)
    return render(
        request,
        "readinglists/item_form.html",
        {"form": form, "reading_list": reading_list, "item": None},
        status=400,
    )


def item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _get_own_item(request.user, pk)
    if request.method == "POST":
        form = ItemForm(request.POST)
        if form.is_valid():
            try:
                services.item_update(item=item, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Item saved.")
                return redirect("readinglists:item_detail", pk=pk)
    else:
        form = ItemForm(
            initial={
                **{f: getattr(item, f) for f in ("kind", "title", "year", "venue", "doi")},
                **{f: getattr(item, f) for f in ("arxiv_id", "isbn", "url", "abstract")},
                "importance": item.importance,
                "authors": "\n".join(item.authors),
                "tags": ", ".join(item.tags),
            }
        )
    return render(
        request,
        "readinglists/item_form.html",
        {"form": form, "reading_list": item.reading_list, "item": item},
        status=400 if form.errors else 200,
    )


@require_POST
def item_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _get_own_item(request.user, pk)
    services.item_delete(item=item)
    messages.success(request, f"Removed “{item.title}”.")
    return redirect("readinglists:list_detail", pk=item.reading_list_id)


@require_GET
def item_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _get_item_for_user(request.user, pk)
    reader, can_track = _reader_for(request.user, item.reading_list)
    progress = Progress.objects.filter(user=reader, item=item).first()
    form = None
    if can_track:
        form = ProgressForm(
            initial={
                "notes": progress.notes if progress else "",
                "summary": progress.summary if progress else "",
                "rating": progress.rating if progress else None,
            }
        )
    return render(
        request,
        "readinglists/item_detail.html",
        {
            "item": item,
            "progress": progress,
            "form": form,
            "can_track": can_track,
            "reader": reader,
            "is_owner": item.reading_list.owner_id == request.user.pk,
            "statuses": ReadingStatus.choices,
            "my_status": progress.status if progress else ReadingStatus.TO_READ,
        },
    )


@require_POST
def item_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One-click status: the htmx request swaps just the item's status control."""
    item = _get_item_for_user(request.user, pk)
    _reader, can_track = _reader_for(request.user, item.reading_list)
    if not can_track:
        raise Http404
    status = request.POST.get("status", "")
    if status not in ReadingStatus.values:
        return HttpResponse("Unknown status.", status=400)
    services.progress_set_status(user=request.user, item=item, status=status)
    if request.htmx:
        # The row partial reads the annotation the list query would have added.
        setattr(item, "my_status", status)  # noqa: B010
        return render(
            request,
            "readinglists/list_detail.html#status-control",
            {"item": item, "statuses": ReadingStatus.choices, "can_track": True, "saved": True},
        )
    return redirect("readinglists:list_detail", pk=item.reading_list_id)


@require_POST
def progress_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _get_item_for_user(request.user, pk)
    _reader, can_track = _reader_for(request.user, item.reading_list)
    if not can_track:
        raise Http404
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "readinglists/item_detail.html",
            {"item": item, "form": form, "can_track": True, "statuses": ReadingStatus.choices},
            status=400,
        )
    services.progress_update(user=request.user, item=item, **form.cleaned_data)
    messages.success(request, "Notes saved.")
    return redirect("readinglists:item_detail", pk=pk)


# --- Import / export -------------------------------------------------------------------


def list_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_own_list(request.user, pk)
    form = BibtexImportForm()
    paste_form = IdentifierPasteForm()
    status = 200
    if request.method == "POST":
        form = BibtexImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                text = decode_upload(upload.read()) if upload else form.cleaned_data["text"]
                draft = bibtex_import.import_preview(
                    reading_list=reading_list,
                    user=request.user,
                    text=text,
                    filename=upload.name if upload else "",
                )
            except (BibtexTooLarge, ValueError, ValidationError) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                return redirect("readinglists:import_preview", pk=draft.pk)
        status = 400
    return render(
        request,
        "readinglists/list_import.html",
        {"reading_list": reading_list, "form": form, "paste_form": paste_form},
        status=status,
    )


def import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = _get_draft_for_user(request.user, pk)
    if request.method == "POST":
        decisions: dict[int, str] = {}
        for name, value in request.POST.items():
            if name.startswith("decision-") and name[9:].isdigit():
                decisions[int(name[9:])] = str(value)
        apply_to_all = request.POST.get("all_duplicates", "")
        go_to = request.POST.get("go", "")
        if go_to.isdigit():  # moving between pages of likely duplicates keeps the choices
            try:
                bibtex_import.import_choices_save(
                    draft=draft, user=request.user, decisions=decisions, apply_to_all=apply_to_all
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            url = reverse("readinglists:import_preview", args=[draft.pk])
            return redirect(f"{url}?page={go_to}#dup-h")
        try:
            outcome = bibtex_import.import_confirm(
                draft=draft, user=request.user, decisions=decisions, apply_to_all=apply_to_all
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            count = outcome.created
            text = f"Imported {count} item{'s' if count != 1 else ''}."
            if outcome.merged:
                text += f" Added identifiers to {outcome.merged} existing item(s)."
            if outcome.skipped:
                text += f" Skipped {outcome.skipped}."
            messages.success(request, text)
        return redirect("readinglists:list_detail", pk=draft.reading_list_id)
    page = request.GET.get("page", "1")
    summary = bibtex_import.import_summary(draft, page=int(page) if page.isdigit() else 1)
    return render(
        request,
        "readinglists/import_preview.html",
        {
            "draft": draft,
            "reading_list": draft.reading_list,
            "summary": summary,
            "failures": draft.failures[:200],
            "notes": draft.notes[:200],
            "decision_labels": dict(ImportCandidate.Decision.choices),
            "last_shown": summary.first_shown + len(summary.duplicates) - 1,
        },
    )


@require_POST
def identifiers_paste(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_own_list(request.user, pk)
    paste_form = IdentifierPasteForm(request.POST)
    if paste_form.is_valid():
        try:
            result = services.identifiers_add(
                reading_list=reading_list, text=paste_form.cleaned_data["identifiers"]
            )
        except ValidationError as exc:
            paste_form.add_error("identifiers", exc)
        else:
            msg = f"Added {len(result.created)} item(s); fetching their metadata."
            if result.duplicates:
                msg += f" Skipped {len(result.duplicates)} already in the list."
            messages.success(request, msg)
            return redirect("readinglists:list_detail", pk=pk)
    return render(
        request,
        "readinglists/list_import.html",
        {"reading_list": reading_list, "form": BibtexImportForm(), "paste_form": paste_form},
        status=400,
    )


def _export_name(reading_list: ReadingList, ext: str) -> str:
    return f"{slugify(reading_list.title)[:60] or 'reading-list'}.{ext}"


@require_GET
def export_bibtex(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_list_for_user(request.user, pk)
    body = items_to_bibtex(reading_list.items.order_by("position", "pk"))
    response = HttpResponse(body, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(reading_list, "bib")}"'
    return response


@require_GET
def export_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_list_for_user(request.user, pk)
    reader, _ = _reader_for(request.user, reading_list)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["position", "kind", "title", "authors", "year", "venue", "doi", "arxiv_id"]
    writer.writerow([*header, "isbn", "url", "tags", "importance", "status"])
    for item in selectors.items_with_status(reading_list=reading_list, user=reader):
        writer.writerow(
            [
                csv_safe(v)
                for v in (
                    item.position,
                    item.kind,
                    item.title,
                    "; ".join("et al." if a == OTHERS else a for a in item.authors),
                    item.year or "",
                    item.venue,
                    item.doi,
                    item.arxiv_id,
                    item.isbn,
                    item.url,
                    ", ".join(item.tags),
                    item.importance,
                    getattr(item, "my_status", ""),
                )
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(reading_list, "csv")}"'
    return response


# --- Mentors ---------------------------------------------------------------------------


@require_POST
def list_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_own_list(request.user, pk)
    mentees = [m.student for m in active_mentorships_for_mentor(mentor=request.user)]
    form = AssignForm(request.POST, mentees=mentees)
    if form.is_valid():
        mentee = next(m for m in mentees if m.pk == form.cleaned_data["mentee"])
        try:
            services.assignment_create(
                reading_list=reading_list,
                mentor=request.user,
                mentee=mentee,
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Assigned to {mentee.name}.")
    else:
        messages.error(request, "Choose one of your active mentees.")
    return redirect("readinglists:list_detail", pk=pk)


@require_POST
def assignment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment, pk=pk, reading_list__owner=request.user)
    services.assignment_delete(assignment=assignment)
    messages.success(request, "Assignment removed.")
    return redirect("readinglists:list_detail", pk=assignment.reading_list_id)


@require_GET
def list_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = _get_own_list(request.user, pk)
    rows = selectors.list_progress_by_mentee(reading_list=reading_list, mentor=request.user)
    total = reading_list.items.count()
    return render(
        request,
        "readinglists/list_progress.html",
        {"reading_list": reading_list, "rows": rows, "total": total},
    )


@require_GET
def mentee_reading(request: AuthenticatedHttpRequest, user_pk: int) -> HttpResponse:
    mentee = _get_mentee_for_mentor(request.user, user_pk)
    return render(
        request,
        "readinglists/mentee_reading.html",
        {
            "mentee": mentee,
            "lists": selectors.mentee_reading_lists(mentee=mentee),
            "progress": selectors.reading_progress(user=mentee),
            "retention": selectors.retention_summary(user=mentee),
        },
    )


# --- Search ----------------------------------------------------------------------------


@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    results = selectors.search_items(user=request.user, query=query)
    return render(request, "readinglists/search.html", {"query": query, "results": results})


# --- Maths review ----------------------------------------------------------------------


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
            "bars": _chart(weeks),
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
        item = _get_item_for_user(request.user, item_id) if item_id else None
        services.card_create(user=request.user, reading_item=item, **form.cleaned_data)
        messages.success(request, "Card added; it is due now.")
    else:
        messages.error(request, "The card needs a prompt: " + form.errors.as_text())
    return redirect("readinglists:review_home")


@require_POST
def card_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = _get_card_for_user(request.user, pk)
    services.card_delete(card=card)
    messages.success(request, "Card deleted.")
    return redirect("readinglists:review_home")


def _session_context(user: User) -> dict:
    now = timezone.now()
    return {
        "card": selectors.next_due_card(user=user, now=now),
        "due_count": selectors.cards_due_count(user=user, now=now),
        "topic_labels": dict(Topic.choices),
        "ratings": [(1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")],
        "paused": bool((s := selectors.review_settings_of(user)) and s.paused_since),
        "shown_at": int(now.timestamp() * 1000),
    }


@require_GET
def review_session(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "readinglists/review_session.html", _session_context(request.user))


@require_POST
def review_reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = _get_card_for_user(request.user, pk)
    context = {
        **_session_context(request.user),
        "card": card,
        "revealed": True,
        "shown_at": request.POST.get("shown_at", ""),
    }
    template = "readinglists/review_session.html"
    return render(request, f"{template}#review-card" if request.htmx else template, context)


@require_POST
def review_grade(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = _get_card_for_user(request.user, pk)
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
