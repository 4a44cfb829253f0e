"""Getting items in and out of a list: BibTeX import with its preview, identifier paste,
BibTeX and CSV export."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.core.csv_export import csv_safe
from apps.readinglists import bibtex_import, selectors, services
from apps.readinglists.bibtex import BibtexTooLarge, decode_upload, items_to_bibtex
from apps.readinglists.forms import BibtexImportForm, IdentifierPasteForm
from apps.readinglists.models import OTHERS, ImportCandidate, ReadingList
from apps.readinglists.views_access import (
    get_draft_for_user,
    get_list_for_user,
    get_own_list,
    reader_for,
)


def list_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = get_own_list(request.user, pk)
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
    draft = get_draft_for_user(request.user, pk)
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
    reading_list = get_own_list(request.user, pk)
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
    reading_list = get_list_for_user(request.user, pk)
    body = items_to_bibtex(reading_list.items.order_by("position", "pk"))
    response = HttpResponse(body, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(reading_list, "bib")}"'
    return response


@require_GET
def export_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading_list = get_list_for_user(request.user, pk)
    reader, _ = reader_for(request.user, reading_list)
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
