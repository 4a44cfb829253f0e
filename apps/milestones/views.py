from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import retarget

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.core.forms import add_service_errors
from apps.core.registry import calendar_sources
from apps.matching.models import Mentorship
from apps.matching.selectors import mentor_can_view
from apps.milestones import selectors, services
from apps.milestones.forms import (
    ActionItemForm,
    CheckInForm,
    CommentForm,
    MilestoneForm,
    MoveForm,
    PlanForm,
    PlanFromTemplateForm,
    StatusForm,
)
from apps.milestones.models import ActionItem, CalendarFeed, Category, Milestone, Plan, Status

PLAN_TEMPLATE = "milestones/plan_detail.html"


# --- Access helpers: one per object kind; anything not allowed is a 404 ----------------


def _get_plan_for_user(user: User, pk: int, *, edit: bool = False) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("owner"), pk=pk)
    if plan.owner_id == user.pk:
        return plan
    if not edit and mentor_can_view(viewer=user, owner=plan.owner_id, area="plan"):
        return plan
    raise Http404("No such plan.")


def _get_milestone_for_user(user: User, pk: int, *, edit: bool = False) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.select_related("plan__owner"), pk=pk)
    owner_id = milestone.plan.owner_id
    if owner_id == user.pk:
        return milestone
    if not edit and mentor_can_view(viewer=user, owner=owner_id, area="plan"):
        return milestone
    raise Http404("No such milestone.")


def _get_action_item_for_user(user: User, pk: int) -> ActionItem:
    # Turning an action item into a milestone edits the plan, so only the owner may.
    return get_object_or_404(
        ActionItem.objects.select_related("checkin__plan"), pk=pk, checkin__plan__owner=user
    )


# --- Plan list and creation ---------------------------------------------------------------


@require_GET
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "milestones/plan_list.html",
        {
            "plans": selectors.plans_for_owner(owner=request.user),
            "shared_plans": selectors.plans_shared_with(viewer=request.user)
            if request.user.is_mentor
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Plan created. Add your first milestones below.")
            return redirect("milestones:plan_detail", pk=plan.pk)
    return render(request, "milestones/plan_form.html", {"form": form, "plan": None})


@require_http_methods(["GET", "POST"])
def plan_from_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PlanFromTemplateForm(
        request.POST or None,
        user=request.user,
        initial={"template": request.GET.get("template", "")},
    )
    if request.method == "POST" and form.is_valid():
        template = selectors.template_get(slug=form.cleaned_data["template"], user=request.user)
        if template is None:
            form.add_error("template", "That template no longer exists.")
        else:
            try:
                plan = services.plan_create_from_template(
                    owner=request.user,
                    template=template,
                    start_date=form.cleaned_data["start_date"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Plan created from “{template.name}” with "
                    f"{len(template.milestones)} milestones.",
                )
                return redirect("milestones:plan_detail", pk=plan.pk)
    return render(request, "milestones/plan_from_template.html", {"form": form})


# --- The plan page ----------------------------------------------------------------------------


def _view_state(data: Any) -> dict[str, str]:
    group = data.get("group", "year")
    status = data.get("filter_status", "")
    category = data.get("filter_category", "")
    return {
        "group": group if group in {"year", "category"} else "year",
        "status": status if status in Status.values else "",
        "category": category if category in Category.values else "",
    }


def _state_query(state: dict[str, str]) -> str:
    """The view state as a query-string prefix (``"group=category&"``), so a link that
    opens one row's controls without JavaScript keeps the grouping and filters."""
    names = {"group": "group", "status": "filter_status", "category": "filter_category"}
    pairs = {names[k]: v for k, v in state.items() if v and not (k == "group" and v == "year")}
    return urlencode(pairs) + "&" if pairs else ""


def _plan_context(request: AuthenticatedHttpRequest, plan: Plan, state: dict[str, str]) -> dict:
    milestones = selectors.plan_milestones(
        plan=plan, status=state["status"], category=state["category"]
    )
    return {
        "plan": plan,
        "can_edit": plan.owner_id == request.user.pk,
        "groups": selectors.group_milestones(milestones, by=state["group"]),
        "milestone_count": len(milestones),
        "progress": selectors.plan_progress(plan=plan),
        "state": state,
        "state_query": _state_query(state),
        "status_choices": Status.choices,
        "category_choices": Category.choices,
        "filtered": bool(state["status"] or state["category"]),
    }


def _render_plan_body(
    request: AuthenticatedHttpRequest, plan: Plan, *, manage_pk: int | None = None
) -> HttpResponse:
    state = _view_state(request.POST if request.method == "POST" else request.GET)
    context = _plan_context(request, plan, state)
    context["manage_pk"] = manage_pk
    return render(request, f"{PLAN_TEMPLATE}#plan-body", context)


@require_GET
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    state = _view_state(request.GET)
    context = _plan_context(request, plan, state)
    if request.htmx and request.htmx.target == "plan-body":
        return render(request, f"{PLAN_TEMPLATE}#plan-body", context)
    if context["can_edit"]:
        context["add_form"] = MilestoneForm(plan=plan, initial={"target_date": plan.start_date})
        # Rows show their controls one at a time (htmx swaps them in); this is the same
        # for a browser without JavaScript, through a link to the page with one row open.
        manage = request.GET.get("manage", "")
        context["manage_pk"] = int(manage) if manage.isdigit() else None
    return render(request, PLAN_TEMPLATE, context)


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk, edit=True)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=Plan.objects.get(pk=plan.pk),
                **{name: form.cleaned_data[name] for name in PlanForm.Meta.fields},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Plan saved.")
            return redirect("milestones:plan_detail", pk=plan.pk)
    return render(request, "milestones/plan_form.html", {"form": form, "plan": plan})


@require_POST
def plan_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk, edit=True)
    services.plan_delete(plan=plan)
    messages.success(request, f"Plan “{plan.title}” deleted.")
    return redirect("milestones:plan_list")


@require_POST
def plan_make_primary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk, edit=True)
    services.plan_set_primary(plan=plan)
    messages.success(request, f"“{plan.title}” is now your primary plan.")
    return redirect("milestones:plan_list")


@require_GET
def plan_timeline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    milestones = selectors.plan_milestones(plan=plan)
    progress = selectors.plan_progress(plan=plan)
    series = selectors.plan_completion_series(plan=plan)
    return render(
        request,
        "milestones/plan_timeline.html",
        {
            "plan": plan,
            "can_edit": plan.owner_id == request.user.pk,
            "timeline": selectors.timeline_layout(plan=plan, milestones=milestones),
            "milestones_by_date": sorted(milestones, key=lambda m: (m.target_date, m.position)),
            "progress": progress,
            # The goal line is the page's own "of N": plan_progress alone says which
            # milestones count, so the chart never subtracts anything on its own.
            "chart": selectors.completion_chart(series, total=progress["total"]),
        },
    )


# --- Milestones (htmx fragments; every action also works as a plain form post) -------------


def _row_response(
    request: AuthenticatedHttpRequest, milestone: Milestone, **extra: object
) -> HttpResponse:
    context = {
        "m": milestone,
        "plan": milestone.plan,
        "can_edit": True,
        "progress": selectors.plan_progress(plan=milestone.plan),
        "status_choices": Status.choices,
        "manage": True,
        **extra,
    }
    return render(request, "milestones/_row_response.html", context)


@require_http_methods(["GET", "POST"])
def milestone_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk, edit=True)
    form = MilestoneForm(request.POST or None, plan=plan, initial={"target_date": plan.start_date})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("evidence_url")
        data.pop("evidence_note")
        try:
            milestone = services.milestone_create(
                plan=plan, dependencies=list(data.pop("dependencies")), **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not request.htmx:
                messages.success(request, f"Added “{milestone.title}”.")
                return redirect("milestones:plan_detail", pk=plan.pk)
            state = _view_state(request.POST)
            context = _plan_context(request, plan, state)
            context["add_form"] = MilestoneForm(plan=plan, initial={"target_date": plan.start_date})
            context["added"] = milestone
            return render(request, "milestones/_add_response.html", context)
    if request.htmx and request.GET.get("fragment") == "dependencies":
        return render(
            request, f"{PLAN_TEMPLATE}#dependency-choices", {"plan": plan, "add_form": form}
        )
    if request.htmx:
        return render(request, f"{PLAN_TEMPLATE}#add-form", {"plan": plan, "add_form": form})
    return render(request, "milestones/milestone_form.html", {"plan": plan, "form": form})


@require_GET
def milestone_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _get_milestone_for_user(request.user, pk)
    if request.htmx and request.GET.get("fragment") == "row":
        row = selectors.plan_milestone(milestone=milestone)
        return render(
            request,
            f"{PLAN_TEMPLATE}#milestone-row",
            {
                "m": row,
                "plan": milestone.plan,
                "can_edit": milestone.plan.owner_id == request.user.pk,
                "status_choices": Status.choices,
                "manage": True,
                "opened": True,
            },
        )
    return render(
        request,
        "milestones/milestone_detail.html",
        {
            "m": milestone,
            "plan": milestone.plan,
            "can_edit": milestone.plan.owner_id == request.user.pk,
            "dependencies": milestone.dependencies.order_by("position"),
            "dependents": milestone.dependents.order_by("position"),
            "comments": selectors.milestone_comments(milestone=milestone),
            "comment_form": CommentForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def milestone_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _get_milestone_for_user(request.user, pk, edit=True)
    plan = milestone.plan
    form = MilestoneForm(request.POST or None, instance=milestone, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # A fresh copy: a failed validation must not leave the form's instance half-changed.
        fresh = Milestone.objects.select_related("plan").get(pk=milestone.pk)
        try:
            services.milestone_update(
                milestone=fresh, dependencies=list(data.pop("dependencies")), **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not request.htmx:
                messages.success(request, "Milestone saved.")
                return redirect("milestones:plan_detail", pk=plan.pk)
            # Its year or category may have changed, so the whole list is redrawn, with
            # this row's controls still open.
            return retarget(_render_plan_body(request, plan, manage_pk=milestone.pk), "#plan-body")
    if request.htmx:
        return render(request, "milestones/_milestone_edit.html", {"m": milestone, "form": form})
    return render(
        request, "milestones/milestone_form.html", {"plan": plan, "form": form, "m": milestone}
    )


@require_POST
def milestone_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _get_milestone_for_user(request.user, pk, edit=True)
    form = StatusForm(request.POST)
    confirmed = request.POST.get("confirm_open_dependencies") == "1"
    error, confirm_needed = "", False
    if form.is_valid():
        data = form.cleaned_data
        has_evidence_fields = "evidence_url" in request.POST or "evidence_note" in request.POST
        try:
            services.milestone_set_status(
                milestone=milestone,
                status=data["status"],
                evidence_url=data["evidence_url"] if has_evidence_fields else None,
                evidence_note=data["evidence_note"] if has_evidence_fields else None,
                confirm_open_dependencies=confirmed,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
            confirm_needed = isinstance(exc, services.OpenDependenciesError)
            milestone.refresh_from_db()
    else:
        error = " ".join(str(m) for errors in form.errors.values() for m in errors)
    if not request.htmx and not error:
        return redirect("milestones:plan_detail", pk=milestone.plan_id)
    reply = {
        "status_error": error,
        "wanted_status": form.data.get("status") if error else "",
        "confirm_needed": confirm_needed,
        "dependencies_confirmed": confirmed,
    }
    if not request.htmx:
        # The page itself answers, with this row's controls open on the error and on what
        # it asks for (evidence, or a confirmation), as the htmx row does.
        plan = milestone.plan
        context = _plan_context(request, plan, _view_state(request.GET)) | reply
        context["manage_pk"] = milestone.pk
        context["add_form"] = MilestoneForm(plan=plan, initial={"target_date": plan.start_date})
        return render(request, PLAN_TEMPLATE, context)
    return _row_response(request, selectors.plan_milestone(milestone=milestone), **reply)


@require_POST
def milestone_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _get_milestone_for_user(request.user, pk, edit=True)
    plan = milestone.plan
    services.milestone_delete(milestone=milestone)
    if not request.htmx:
        messages.success(request, f"Deleted “{milestone.title}”.")
        return redirect("milestones:plan_detail", pk=plan.pk)
    return _render_plan_body(request, plan)


@require_POST
def milestone_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _get_milestone_for_user(request.user, pk, edit=True)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.milestone_move(
            milestone=milestone,
            direction=form.cleaned_data["direction"],
            group_by=form.cleaned_data["group"] or "year",
        )
    if not request.htmx:
        return redirect("milestones:plan_detail", pk=milestone.plan_id)
    state = _view_state(request.POST)
    context = _plan_context(request, milestone.plan, state)
    context["moved"] = (milestone.pk, form.cleaned_data.get("direction") if form.is_valid() else "")
    # The moved row keeps its controls open, so pressing the same button moves it again.
    context["manage_pk"] = milestone.pk
    return render(request, f"{PLAN_TEMPLATE}#plan-body", context)


@require_POST
def comment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _get_milestone_for_user(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_create(
                milestone=milestone, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Comment added.")
            return redirect("milestones:milestone_detail", pk=milestone.pk)
    return render(
        request,
        "milestones/milestone_detail.html",
        {
            "m": milestone,
            "plan": milestone.plan,
            "can_edit": milestone.plan.owner_id == request.user.pk,
            "dependencies": milestone.dependencies.order_by("position"),
            "dependents": milestone.dependents.order_by("position"),
            "comments": selectors.milestone_comments(milestone=milestone),
            "comment_form": form,
        },
        status=400,
    )


# --- Check-ins ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def checkin_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    is_owner = plan.owner_id == request.user.pk
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if is_owner:
            active = Mentorship.objects.filter(
                student=plan.owner, status=Mentorship.Status.ACTIVE
            ).select_related("mentor")
            mentor: User | None = active[0].mentor if len(active) == 1 else None
        else:
            mentor = request.user
        try:
            services.checkin_create(
                plan=plan,
                author=request.user,
                mentor=mentor,
                date=data["date"],
                agenda=data["agenda"],
                notes=data["notes"],
                action_items=data["action_items"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Check-in saved.")
            return redirect("milestones:checkin_list", pk=plan.pk)
    return render(
        request,
        "milestones/checkin_list.html",
        {
            "plan": plan,
            "can_edit": is_owner,
            "checkins": selectors.checkins_for_plan(plan=plan),
            "form": form,
            "item_form": ActionItemForm(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def action_item_convert(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _get_action_item_for_user(request.user, pk)
    form = ActionItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a category and a valid date.")
        return redirect("milestones:checkin_list", pk=item.checkin.plan_id)
    try:
        milestone = services.action_item_to_milestone(
            item=item,
            category=form.cleaned_data["category"],
            target_date=form.cleaned_data["target_date"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("milestones:checkin_list", pk=item.checkin.plan_id)
    messages.success(request, f"“{milestone.title}” is now a milestone of your plan.")
    return redirect("milestones:checkin_list", pk=item.checkin.plan_id)


# --- Calendar feed ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            services.calendar_feed_regenerate(user=request.user)
            messages.success(request, "New calendar address created; the old one no longer works.")
        elif action == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, "Calendar address turned off.")
        return redirect("milestones:calendar_settings")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = (
        request.build_absolute_uri(reverse("milestones:calendar_feed", args=[feed.token]))
        if feed
        else ""
    )
    return render(request, "milestones/calendar_settings.html", {"feed": feed, "feed_url": url})


@login_not_required
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal iCalendar feed. Calendar apps cannot sign in, so the secret token in the
    URL is the only credential; every app adds its dates through ``calendar_sources``."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404("No such calendar.")
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Pacer//Personal calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Pacer")
    for _name, add_events in calendar_sources.items():
        add_events(feed.user, cal)
    services.calendar_feed_touch(feed=feed)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pacer.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
