from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.core.csv_export import csv_safe
from apps.core.registry import home_sections, programme_sections
from apps.dashboards import coordinator as coordinator_selectors
from apps.dashboards import home as home_selectors
from apps.dashboards import role_homes, selectors, services
from apps.dashboards.forms import DoneForm, MenteeCommentForm, SnoozeForm, TableForm
from apps.matching.models import Mentorship, Programme
from apps.matching.selectors import (
    active_mentorship,
    coordinated_programme_ids,
    mentee_ids_sharing,
)
from apps.milestones import services as milestone_services
from apps.milestones.models import Milestone
from apps.milestones.models import Status as MilestoneStatus
from apps.nudges.snoozes import SNOOZE_CHOICES
from apps.research.models import Contact, Draft

# --- Access helpers: each 404s when the viewer may not see the object -----------------------


def _get_mentorship_for_user(user, student_id: int) -> Mentorship:
    """The viewer's *active* mentorship with this student; an ended one is gone at once."""
    mentorship = active_mentorship(mentor=user, student=student_id)
    if mentorship is None:
        raise Http404("No such mentee.")
    return Mentorship.objects.select_related("student", "mentor").get(pk=mentorship.pk)


def _get_programme_for_user(user, pk: int) -> Programme:
    return get_object_or_404(Programme, pk=pk, pk__in=coordinated_programme_ids(user=user))


def _get_action_object_for_user(user, kind: str, object_id: int) -> int:
    """The id of the user's own object behind a next action, or 404."""
    owned = {
        "milestone": Milestone.objects.filter(pk=object_id, plan__owner=user),
        "draft": Draft.objects.filter(pk=object_id, owner=user),
        "followup": Contact.objects.filter(pk=object_id, owner=user),
    }
    if kind == "cards":
        if object_id != 0:
            raise Http404("No such action.")
        return 0
    if kind not in owned or not owned[kind].exists():
        raise Http404("No such action.")
    return object_id


# --- Student home (and the panels of the other roles) ---------------------------------------


def _home_context(user) -> dict:
    roles = set(user.roles)
    show_student = "student" in roles or not roles
    context: dict = {"show_student": show_student}
    if show_student:
        context["home"] = home_selectors.student_home(user=user)
    if "mentor" in roles:
        context["mentor_home"] = role_homes.mentor_home(mentor=user)
    if "coordinator" in roles:
        context["programmes"] = role_homes.coordinator_home(user=user)
    now = timezone.now()
    sections = (section(user=user, now=now) for _name, section in home_sections.items())
    context["sections"] = [s for s in sections if s]
    return context


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.onboarded_at is None:
        return redirect("accounts:onboarding")
    return render(request, "dashboards/home.html", _home_context(request.user))


def _actions_response(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.htmx:
        context = {"home": home_selectors.student_home(user=request.user), "show_student": True}
        return render(request, "dashboards/home.html#next-actions", context)
    return redirect("home")


@require_POST
def action_done(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a milestone to mark done.")
        return _actions_response(request)
    milestone = get_object_or_404(
        Milestone.objects.select_related("plan"),
        pk=form.cleaned_data["milestone"],
        plan__owner=request.user,
    )
    try:
        milestone_services.milestone_set_status(milestone=milestone, status=MilestoneStatus.DONE)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if not request.htmx:
            return redirect("milestones:milestone_detail", pk=milestone.pk)
    else:
        messages.success(request, f"“{milestone.title}” is done.")
    return _actions_response(request)


@require_POST
def action_snooze(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how long to snooze: 1 day, 3 days or 1 week.")
        return _actions_response(request)
    kind = form.cleaned_data["kind"]
    object_id = _get_action_object_for_user(request.user, kind, form.cleaned_data["object_id"])
    services.next_action_snooze(
        user=request.user, kind=kind, object_id=object_id, days=form.cleaned_data["days"]
    )
    messages.success(request, f"Snoozed for {SNOOZE_CHOICES[form.cleaned_data['days']]}.")
    return _actions_response(request)


# --- Mentor dashboard ----------------------------------------------------------------------


@require_GET
def mentor(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TableForm(request.GET)
    state = form.state()
    data = selectors.mentor_dashboard(mentor=request.user)
    all_rows = data["rows"]
    rows = selectors.mentee_rows_sorted(
        all_rows,
        sort=state["sort"],
        descending=state["dir"] == "desc",
        filter_by=state["show"],
        query=state["q"],
    )
    context = {
        **data,
        "form": form,
        "state": state,
        "rows": rows,
        "total": len(all_rows),
        "columns": _columns(state),
    }
    template = "dashboards/mentor.html#mentee-table" if request.htmx else "dashboards/mentor.html"
    return render(request, template, context)


def _columns(state: dict[str, str]) -> list[dict[str, str]]:
    """Sortable headers: a click sorts by the column, a second click reverses it."""
    base = reverse("dashboards:mentor")
    out = []
    for key, label in [
        ("name", "Mentee"),
        ("progress", "Plan progress"),
        ("overdue", "Overdue"),
        ("deadline", "Next deadline"),
        ("reading", "Reading"),
        ("reviews", "Reviews due"),
        ("activity", "Last activity"),
        ("worry", "Flags"),
    ]:
        current = state["sort"] == key
        direction = "desc" if current and state["dir"] == "asc" else "asc"
        aria = ""
        if current:
            aria = "descending" if state["dir"] == "desc" else "ascending"
        query = urlencode({"sort": key, "dir": direction, "show": state["show"], "q": state["q"]})
        out.append({"key": key, "label": label, "url": f"{base}?{query}", "aria_sort": aria})
    return out


@require_GET
def mentee(request: AuthenticatedHttpRequest, student_id: int) -> HttpResponse:
    mentorship = _get_mentorship_for_user(request.user, student_id)
    detail = selectors.mentee_detail(mentorship=mentorship)
    form = MenteeCommentForm(milestones=_commentable(mentorship))
    return render(
        request,
        "dashboards/mentee.html",
        {"mentorship": mentorship, "student": mentorship.student, "d": detail, "form": form},
    )


def _commentable(mentorship: Mentorship) -> list[Milestone]:
    if not mentorship.share_plan:
        return []
    return list(
        Milestone.objects.filter(
            plan__owner_id=mentorship.student_id,
            plan__owner_id__in=mentee_ids_sharing(mentor=mentorship.mentor, area="plan"),
        )
        .select_related("plan")
        .order_by("target_date", "pk")
    )


@require_POST
def mentee_comment(request: AuthenticatedHttpRequest, student_id: int) -> HttpResponse:
    mentorship = _get_mentorship_for_user(request.user, student_id)
    milestones = _commentable(mentorship)
    form = MenteeCommentForm(request.POST, milestones=milestones)
    if form.is_valid():
        milestone = next(m for m in milestones if m.pk == form.cleaned_data["milestone"])
        try:
            milestone_services.comment_create(
                milestone=milestone, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error("body", exc.messages)
        else:
            messages.success(request, f"Comment added to “{milestone.title}”.")
            return redirect(reverse("dashboards:mentee", args=[student_id]) + "#comments")
    detail = selectors.mentee_detail(mentorship=mentorship)
    return render(
        request,
        "dashboards/mentee.html",
        {"mentorship": mentorship, "student": mentorship.student, "d": detail, "form": form},
        status=400,
    )


# --- Coordinator -------------------------------------------------------------------------


@require_GET
def coordinator(request: AuthenticatedHttpRequest) -> HttpResponse:
    programmes = coordinator_selectors.coordinator_overview(user=request.user)
    return render(request, "dashboards/coordinator.html", {"programmes": programmes})


@require_GET
def programme(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    prog = _get_programme_for_user(request.user, pk)
    members = coordinator_selectors.programme_members(programme=prog)
    sections = [section(programme=prog) for _name, section in programme_sections.items()]
    return render(
        request,
        "dashboards/programme.html",
        {"programme": prog, "sections": sections, **members},
    )


@require_GET
def programme_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    prog = _get_programme_for_user(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(prog.name) or "programme"
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    writer = csv.writer(response)
    for row in coordinator_selectors.programme_csv_rows(programme=prog):
        writer.writerow([csv_safe(v) for v in row])
    return response
