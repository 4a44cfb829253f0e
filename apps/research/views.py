from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.matching.selectors import mentor_can_view
from apps.research import selectors, services
from apps.research.catalogue import CatalogueError
from apps.research.forms import (
    ContactEditForm,
    ContactFilterForm,
    ContactForm,
    DraftCreateForm,
    DraftForm,
    InteractionForm,
    PreferencesForm,
    StageForm,
    VenueCatalogueConfirmForm,
    VenueCatalogueUploadForm,
)
from apps.research.models import (
    Contact,
    ContactStatus,
    Draft,
    ResearchPreferences,
    Stage,
    Venue,
    VenueDeadline,
)
from apps.research.stages import stage_moves

PAPERS = "papers"
OUTREACH = "outreach"


# --- Access helpers: each 404s when the viewer may not see the object ---------------------


def _get_owner_for_user(request: AuthenticatedHttpRequest, area: str) -> User:
    """Whose drafts or contacts a page shows: the viewer's own, or (``?owner=<id>``) a
    mentee's who shares ``area`` with the viewer."""
    raw = request.GET.get("owner", "")
    if not raw or raw == str(request.user.pk):
        return request.user
    if not raw.isdigit() or not mentor_can_view(viewer=request.user, owner=int(raw), area=area):
        raise Http404("No such page.")
    return get_object_or_404(get_user_model(), pk=int(raw))


def _get_draft_for_user(user: User, pk: int, *, write: bool = False) -> Draft:
    draft = get_object_or_404(Draft.objects.select_related("owner", "target_venue"), pk=pk)
    if draft.owner_id == user.pk:
        return draft
    if not write and mentor_can_view(viewer=user, owner=draft.owner_id, area=PAPERS):
        return draft
    raise Http404("No such draft.")


def _get_contact_for_user(user: User, pk: int, *, write: bool = False) -> Contact:
    contact = get_object_or_404(Contact.objects.select_related("owner"), pk=pk)
    if contact.owner_id == user.pk:
        return contact
    if not write and mentor_can_view(viewer=user, owner=contact.owner_id, area=OUTREACH):
        return contact
    raise Http404("No such contact.")


def _owner_query(owner: User, viewer: User) -> str:
    return "" if owner.pk == viewer.pk else f"?owner={owner.pk}"


# --- Drafts ---------------------------------------------------------------------------


def _board_context(request: AuthenticatedHttpRequest, owner: User) -> dict:
    now = timezone.now()
    columns = [
        (stage, [(d, stage_moves(d.stage)) for d in drafts])
        for stage, drafts in selectors.drafts_by_stage(owner=owner, now=now)
    ]
    return {
        "owner": owner,
        "is_owner": owner.pk == request.user.pk,
        "owner_query": _owner_query(owner, request.user),
        "columns": columns,
        "draft_count": sum(len(drafts) for _stage, drafts in columns),
        "now": now,
    }


@login_required
@require_GET
def draft_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    owner = _get_owner_for_user(request, PAPERS)
    return render(request, "research/draft_board.html", _board_context(request, owner))


@login_required
@require_GET
def draft_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    owner = _get_owner_for_user(request, PAPERS)
    now = timezone.now()
    return render(
        request,
        "research/draft_list.html",
        {
            "owner": owner,
            "is_owner": owner.pk == request.user.pk,
            "owner_query": _owner_query(owner, request.user),
            "drafts": selectors.drafts_for_owner(owner=owner, now=now),
            "now": now,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DraftCreateForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = services.draft_create(
            owner=request.user,
            stage=data.pop("stage"),
            coauthor_users=data.pop("coauthor_users"),
            **data,
        )
        messages.success(request, f"Draft “{draft.title}” added.")
        return redirect("research:draft_detail", pk=draft.pk)
    return render(request, "research/draft_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = _get_draft_for_user(request.user, pk, write=True)
    # Binding writes the submitted values onto the instance; keep the saved title for
    # the heading in case the form is invalid.
    saved_title = draft.title
    form = DraftForm(request.POST or None, instance=draft, owner=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # The form already wrote to the instance in memory; the service saves it.
        services.draft_update(draft=draft, coauthor_users=data.pop("coauthor_users"), **data)
        messages.success(request, "Draft saved.")
        return redirect("research:draft_detail", pk=draft.pk)
    return render(
        request,
        "research/draft_form.html",
        {"form": form, "draft": draft, "saved_title": saved_title},
    )


@login_required
@require_GET
def draft_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = _get_draft_for_user(request.user, pk)
    now = timezone.now()
    deadlines = list(selectors.draft_deadlines(draft=draft))
    next_deadline = next((d for d in deadlines if d.due_at >= now), None)
    return render(
        request,
        "research/draft_detail.html",
        {
            "draft": draft,
            "is_owner": draft.owner_id == request.user.pk,
            "deadlines": deadlines,
            "next_deadline": next_deadline,
            "history": selectors.draft_stage_history(draft=draft),
            "coauthor_users": list(draft.coauthor_users.all()),
            "stage_form": StageForm(initial={"stage": draft.stage}),
            "moves": stage_moves(draft.stage),
            "now": now,
        },
    )


@login_required
@require_POST
def draft_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = _get_draft_for_user(request.user, pk, write=True)
    form = StageForm(request.POST)
    if not form.is_valid():
        refusal = f"“{draft.title}” cannot move there: choose one of the listed stages."
        if request.htmx:
            # The board as it stands, so a card dragged elsewhere is back in its stage.
            context = _board_context(request, request.user)
            context.update({"moved_pk": draft.pk, "refusal": refusal, "swapped": True})
            return render(request, "research/draft_board.html#board", context)
        messages.error(request, refusal)
        return redirect("research:draft_detail", pk=draft.pk)
    stage = Stage(form.cleaned_data["stage"])
    services.draft_change_stage(draft=draft, stage=stage, by=request.user)
    announcement = f"Moved “{draft.title}” to {stage.label}."
    if request.htmx:
        context = _board_context(request, request.user)
        context.update({"moved_pk": draft.pk, "announcement": announcement, "swapped": True})
        return render(request, "research/draft_board.html#board", context)
    messages.success(request, announcement)
    if request.POST.get("next") == "detail":
        return redirect("research:draft_detail", pk=draft.pk)
    return redirect("research:draft_board")


@login_required
@require_POST
def draft_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = _get_draft_for_user(request.user, pk, write=True)
    services.draft_delete(draft=draft)
    messages.success(request, f"Draft “{draft.title}” deleted.")
    return redirect("research:draft_board")


@login_required
@require_GET
def venue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming = VenueDeadline.objects.filter(due_at__gte=now).order_by("due_at")
    venues = Venue.objects.prefetch_related(
        Prefetch("deadlines", queryset=upcoming, to_attr="upcoming")
    ).order_by("title")
    can_import = request.user.is_staff or request.user.is_coordinator
    return render(
        request,
        "research/venue_list.html",
        {"venues": venues, "now": now, "can_import": can_import},
    )


def _require_catalogue_editor(user: User) -> None:
    """Staff and programme coordinators look after the shared venue catalogue."""
    if not (user.is_staff or user.is_coordinator):
        raise Http404


_CATALOGUE_SALT = "research.venue_catalogue_import"


def _catalogue_preview(request: AuthenticatedHttpRequest, text: str, name: str) -> HttpResponse:
    try:
        plan = services.venue_catalogue_preview(text=text, name=name)
    except CatalogueError as exc:
        context = {"form": VenueCatalogueUploadForm(), "file_errors": exc.errors}
        return render(request, "research/venue_import.html", context, status=400)
    signer = signing.TimestampSigner(salt=f"{_CATALOGUE_SALT}:{request.user.pk}")
    payload = signer.sign_object({"name": name, "text": text}, compress=True)
    return render(
        request,
        "research/venue_import_preview.html",
        {
            "plan": plan,
            "name": name,
            "confirm_form": VenueCatalogueConfirmForm(initial={"payload": payload}),
            "counts": {s: plan.count(s) for s in ("new", "changed", "unchanged")},
            "shown": [v for v in plan.venues if v.overall != "unchanged"][:300],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_catalogue_editor(request.user)
    if request.method == "POST":
        form = VenueCatalogueUploadForm(request.POST, request.FILES)
        if form.is_valid():
            return _catalogue_preview(request, form.cleaned_data["file"], form.filename)
        return render(request, "research/venue_import.html", {"form": form}, status=400)
    return render(request, "research/venue_import.html", {"form": VenueCatalogueUploadForm()})


@login_required
@require_POST
def venue_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_catalogue_editor(request.user)
    form = VenueCatalogueConfirmForm(request.POST)
    signer = signing.TimestampSigner(salt=f"{_CATALOGUE_SALT}:{request.user.pk}")
    try:
        if not form.is_valid():
            raise signing.BadSignature
        data = signer.unsign_object(form.cleaned_data["payload"], max_age=3600)
    except signing.BadSignature:
        messages.error(request, "That preview has expired or was altered: upload the file again.")
        return redirect("research:venue_import")
    try:
        result = services.venue_catalogue_import(text=data["text"], name=data["name"])
    except CatalogueError as exc:  # the file was checked at preview; kept for safety
        messages.error(request, " ".join(exc.errors))
        return redirect("research:venue_import")
    messages.success(request, f"Catalogue imported from {data['name']}: {result.summary()}")
    return redirect("research:venue_list")


# --- Outreach -------------------------------------------------------------------------


@login_required
@require_GET
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    owner = _get_owner_for_user(request, OUTREACH)
    filters = ContactFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    contacts = selectors.contacts_for_owner(
        owner=owner,
        status=criteria.get("status", ""),
        purpose=criteria.get("purpose", ""),
        search=criteria.get("q", ""),
    )
    now = timezone.now()
    due = list(selectors.followups_due(user=owner, now=now))
    is_owner = owner.pk == request.user.pk
    return render(
        request,
        "research/contact_list.html",
        {
            "owner": owner,
            "is_owner": is_owner,
            "owner_query": _owner_query(owner, request.user),
            "filters": filters,
            "filtered": bool(criteria and any(criteria.values())),
            "contacts": contacts,
            "followups": [
                (c, selectors.contact_mailto_url(contact=c, sender=owner) if c.email else "")
                for c in due
            ],
            "today": selectors.user_local_date(user=owner, now=now),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = services.contact_create(owner=request.user, **form.cleaned_data)
        messages.success(request, f"{contact.name} added to your outreach log.")
        return redirect("research:contact_detail", pk=contact.pk)
    return render(request, "research/contact_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact_for_user(request.user, pk, write=True)
    saved_name = contact.name
    form = ContactEditForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.contact_update(contact=contact, status=data.pop("status"), **data)
        messages.success(request, "Contact saved.")
        return redirect("research:contact_detail", pk=contact.pk)
    return render(
        request,
        "research/contact_form.html",
        {"form": form, "contact": contact, "saved_name": saved_name},
    )


def _contact_context(
    request: AuthenticatedHttpRequest, contact: Contact, form: InteractionForm | None
) -> dict:
    now = timezone.now()
    today = selectors.user_local_date(user=contact.owner, now=now)
    is_owner = contact.owner_id == request.user.pk
    if is_owner and form is None:
        form = InteractionForm(today=today)
    return {
        "contact": contact,
        "is_owner": is_owner,
        "interactions": selectors.contact_interactions(contact=contact),
        "form": form,
        "mailto": (
            selectors.contact_mailto_url(contact=contact, sender=contact.owner)
            if contact.email and is_owner
            else ""
        ),
        "follow_up_due": bool(
            contact.follow_up_on
            and contact.status == ContactStatus.EMAILED
            and contact.follow_up_on <= today
        ),
    }


@login_required
@require_GET
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact_for_user(request.user, pk)
    return render(request, "research/contact_detail.html", _contact_context(request, contact, None))


@login_required
@require_POST
def interaction_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact_for_user(request.user, pk, write=True)
    today = selectors.user_local_date(user=contact.owner, now=timezone.now())
    form = InteractionForm(request.POST, today=today)
    template = "research/contact_detail.html"
    if request.htmx:
        template += "#activity"
    if not form.is_valid():
        return render(request, template, _contact_context(request, contact, form), status=200)
    interaction = services.interaction_log(contact=contact, **form.cleaned_data)
    contact.refresh_from_db()
    announcement = f"Logged: {interaction.get_kind_display().lower()} on {interaction.occurred_on}."
    if contact.follow_up_on:
        announcement += f" Follow up on {contact.follow_up_on:%-d %B %Y}."
    if not request.htmx:
        messages.success(request, announcement)
        return redirect("research:contact_detail", pk=contact.pk)
    context = _contact_context(request, contact, None)
    context["announcement"] = announcement
    return render(request, template, context)


@login_required
@require_POST
def contact_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact_for_user(request.user, pk, write=True)
    services.contact_delete(contact=contact)
    messages.success(request, f"{contact.name} removed from your outreach log.")
    return redirect("research:contact_list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    instance = ResearchPreferences.objects.filter(user=request.user).first()
    form = PreferencesForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.research_preferences_update(
            user=request.user, followup_weekly_cap=form.cleaned_data["followup_weekly_cap"]
        )
        messages.success(request, "Outreach settings saved.")
        return redirect(reverse("research:contact_list"))
    return render(request, "research/preferences.html", {"form": form})
