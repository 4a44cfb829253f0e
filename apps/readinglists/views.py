"""Reading lists, their items and each reader's progress, and what mentors see of them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.matching.selectors import active_mentorships_for_mentor
from apps.readinglists import selectors, services
from apps.readinglists.forms import AssignForm, ItemForm, ProgressForm, ReadingListForm
from apps.readinglists.models import Assignment, Item, Progress, ReadingStatus
from apps.readinglists.views_access import (
    get_item_for_user,
    get_list_for_user,
    get_list_to_copy,
    get_mentee_for_mentor,
    get_own_item,
    get_own_list,
    reader_for,
)

ITEMS_PER_PAGE = 50

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
    reading_list = get_list_for_user(request.user, pk)
    reader, can_track = reader_for(request.user, reading_list)
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
    reading_list = get_own_list(request.user, pk)
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
    reading_list = get_own_list(request.user, pk)
    services.list_delete(reading_list=reading_list)
    messages.success(request, f"Deleted “{reading_list.title}”.")
    return redirect("readinglists:list_index")


@require_POST
def list_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = get_list_to_copy(request.user, pk)
    copy = services.list_copy(reading_list=reading_list, user=request.user)
    messages.success(request, "Copied into your lists. Your progress on the copy starts fresh.")
    return redirect("readinglists:list_detail", pk=copy.pk)


# --- Items -----------------------------------------------------------------------------


@require_POST
def item_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = get_own_list(request.user, pk)
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
    item = get_own_item(request.user, pk)
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
    item = get_own_item(request.user, pk)
    services.item_delete(item=item)
    messages.success(request, f"Removed “{item.title}”.")
    return redirect("readinglists:list_detail", pk=item.reading_list_id)


@require_POST
def item_enrich_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_own_item(request.user, pk)
    try:
        services.item_enrichment_retry(item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        item.refresh_from_db()
        if item.enrichment_status == Item.Enrichment.FAILED:
            messages.error(request, f"The lookup failed again: {item.enrichment_error}")
        else:
            messages.success(request, "Looking the metadata up again.")
    return redirect("readinglists:item_detail", pk=item.pk)


@require_GET
def item_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    reader, can_track = reader_for(request.user, item.reading_list)
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
    item = get_item_for_user(request.user, pk)
    _reader, can_track = reader_for(request.user, item.reading_list)
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
    item = get_item_for_user(request.user, pk)
    _reader, can_track = reader_for(request.user, item.reading_list)
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


# --- Mentors ---------------------------------------------------------------------------


@require_POST
def list_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = get_own_list(request.user, pk)
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
    reading_list = get_own_list(request.user, pk)
    rows = selectors.list_progress_by_mentee(reading_list=reading_list, mentor=request.user)
    total = reading_list.items.count()
    return render(
        request,
        "readinglists/list_progress.html",
        {"reading_list": reading_list, "rows": rows, "total": total},
    )


@require_GET
def mentee_reading(request: AuthenticatedHttpRequest, user_pk: int) -> HttpResponse:
    mentee = get_mentee_for_mentor(request.user, user_pk)
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
