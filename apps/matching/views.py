from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.matching import selectors, services
from apps.matching.forms import (
    EndForm,
    MentorProfileForm,
    MentorSearchForm,
    NoteForm,
    RequestForm,
    ResponseForm,
    SharingForm,
    StudentPreferencesForm,
)
from apps.matching.models import (
    MentorNote,
    MentorProfile,
    Mentorship,
    ShareArea,
    StudentPreferences,
)
from apps.matching.services import MatchingError


class Request(AuthenticatedHttpRequest):
    htmx: HtmxDetails


# --- Access helpers: each 404s unless the user may see the object ------------------------


def _get_mentor_profile(pk: int) -> MentorProfile:
    return get_object_or_404(
        MentorProfile.objects.select_related("user"), user_id=pk, user__is_mentor=True
    )


def _get_mentorship_for_user(user: User, pk: int) -> Mentorship:
    mentorship = get_object_or_404(Mentorship.objects.select_related("student", "mentor"), pk=pk)
    if user.pk not in (mentorship.student_id, mentorship.mentor_id):
        raise Http404
    return mentorship


def _get_mentorship_for_mentor(user: User, pk: int) -> Mentorship:
    mentorship = _get_mentorship_for_user(user, pk)
    if mentorship.mentor_id != user.pk:
        raise Http404
    return mentorship


# --- Profiles ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mentor_profile_edit(request: Request) -> HttpResponse:
    instance = MentorProfile.objects.filter(user=request.user).first()
    form = MentorProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_profile_update(user=request.user, **form.cleaned_data)
        except MatchingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Mentor profile saved.")
            return redirect("matching:mentor_profile")
    return render(request, "matching/mentor_profile_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def preferences_edit(request: Request) -> HttpResponse:
    instance = StudentPreferences.objects.filter(user=request.user).first()
    form = StudentPreferencesForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.student_preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Preferences saved; mentor suggestions now use them.")
        return redirect("matching:mentor_search")
    return render(request, "matching/preferences_form.html", {"form": form})


# --- Finding and requesting a mentor -----------------------------------------------------


@login_required
@require_GET
def mentor_search(request: Request) -> HttpResponse:
    form = MentorSearchForm(request.GET or None)
    results: list[selectors.MentorResult] = []
    data = form.cleaned_data if form.is_valid() else {}
    results = selectors.mentor_search(
        viewer=request.user,
        query=data.get("q", ""),
        seniority=data.get("seniority", ""),
        language=data.get("language", ""),
        phd_only=data.get("phd", False),
        accepting_only=not data.get("include_full", False),
    )
    statuses = selectors.open_mentorship_statuses(student=request.user)
    rows = [(r, statuses.get(r.profile.user_id)) for r in results]
    context: dict = {"form": form, "rows": rows}
    template = "matching/mentor_search.html"
    if request.htmx:
        template += "#results"
    else:
        context["has_prefs"] = StudentPreferences.objects.filter(user=request.user).exists()
        context["choice_rounds"] = list(
            selectors.rounds_collecting_choices_for(student=request.user)
        )
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def mentor_detail(request: Request, user_id: int) -> HttpResponse:
    profile = _get_mentor_profile(user_id)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_request(
                student=request.user, mentor=profile.user, message=form.cleaned_data["message"]
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Request sent to {profile.user.name}.")
            return redirect("matching:mentorship_list")
    result = selectors.mentor_fit(viewer=request.user, mentor_id=profile.user_id)
    existing = Mentorship.objects.filter(
        student=request.user,
        mentor=profile.user,
        status__in=[Mentorship.Status.PENDING, Mentorship.Status.ACTIVE],
    ).first()
    context = {"profile": profile, "form": form, "result": result, "existing": existing}
    return render(request, "matching/mentor_detail.html", context)


# --- Mentorships -------------------------------------------------------------------------


@login_required
@require_GET
def mentorship_list(request: Request) -> HttpResponse:
    as_student = list(selectors.mentorships_for_student(student=request.user))
    as_mentor = list(selectors.mentorships_for_mentor(mentor=request.user))
    open_statuses = {Mentorship.Status.PENDING, Mentorship.Status.ACTIVE}
    profile = MentorProfile.objects.filter(user=request.user).first()
    context = {
        "choice_rounds": list(selectors.rounds_collecting_choices_for(student=request.user)),
        "my_mentors": [m for m in as_student if m.status in open_statuses],
        "my_mentees": [m for m in as_mentor if m.status == Mentorship.Status.ACTIVE],
        "incoming": [m for m in as_mentor if m.status == Mentorship.Status.PENDING],
        "history": sorted(
            [m for m in as_student + as_mentor if m.status not in open_statuses],
            key=lambda m: m.created_at,
            reverse=True,
        ),
        "profile": profile,
        "share_areas": ShareArea.choices,
        "response_form": ResponseForm(),
        "end_form": EndForm(),
    }
    return render(request, "matching/mentorship_list.html", context)


def _after_action(request: Request, message: str, *, error: bool = False) -> HttpResponse:
    (messages.error if error else messages.success)(request, message)
    return redirect("matching:mentorship_list")


@login_required
@require_POST
def mentorship_accept(request: Request, pk: int) -> HttpResponse:
    mentorship = _get_mentorship_for_mentor(request.user, pk)
    form = ResponseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.mentorship_accept(mentorship=mentorship, mentor=request.user, note=note)
    except MatchingError as exc:
        return _after_action(request, str(exc), error=True)
    return _after_action(request, f"You now mentor {mentorship.student.name}.")


@login_required
@require_POST
def mentorship_decline(request: Request, pk: int) -> HttpResponse:
    mentorship = _get_mentorship_for_mentor(request.user, pk)
    form = ResponseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.mentorship_decline(mentorship=mentorship, mentor=request.user, note=note)
    except MatchingError as exc:
        return _after_action(request, str(exc), error=True)
    return _after_action(request, f"Request from {mentorship.student.name} declined.")


@login_required
@require_POST
def mentorship_withdraw(request: Request, pk: int) -> HttpResponse:
    mentorship = _get_mentorship_for_user(request.user, pk)
    try:
        services.mentorship_withdraw(mentorship=mentorship, student=request.user)
    except MatchingError as exc:
        return _after_action(request, str(exc), error=True)
    return _after_action(request, "Request withdrawn.")


@login_required
@require_POST
def mentorship_end(request: Request, pk: int) -> HttpResponse:
    mentorship = _get_mentorship_for_user(request.user, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        return _after_action(request, "Please give a reason for ending the mentorship.", error=True)
    try:
        services.mentorship_end(
            mentorship=mentorship, by=request.user, reason=form.cleaned_data["reason"]
        )
    except MatchingError as exc:
        return _after_action(request, str(exc), error=True)
    return _after_action(request, "Mentorship ended.")


@login_required
@require_POST
def mentorship_sharing(request: Request, pk: int) -> HttpResponse:
    mentorship = _get_mentorship_for_user(request.user, pk)
    if mentorship.student_id != request.user.pk:
        raise Http404
    form = SharingForm(request.POST)
    saved = False
    if form.is_valid():
        services.mentorship_update_sharing(
            mentorship=mentorship, student=request.user, areas=form.cleaned_data["areas"]
        )
        saved = True
    context = {"m": mentorship, "share_areas": ShareArea.choices, "saved": saved}
    if request.htmx:
        return render(request, "matching/mentorship_list.html#sharing", context)
    messages.success(request, f"Sharing with {mentorship.mentor.name} updated.")
    return redirect("matching:mentorship_list")


@login_required
@require_http_methods(["GET", "POST"])
def mentee_notes(request: Request, pk: int) -> HttpResponse:
    mentorship = _get_mentorship_for_mentor(request.user, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_note_create(
                mentor=request.user, student=mentorship.student, body=form.cleaned_data["body"]
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Note saved.")
            return redirect("matching:mentee_notes", pk=mentorship.pk)
    notes = MentorNote.objects.filter(mentor=request.user, student=mentorship.student)
    context = {"mentorship": mentorship, "notes": notes, "form": form}
    return render(request, "matching/mentee_notes.html", context)


@login_required
@require_POST
def note_delete(request: Request, pk: int) -> HttpResponse:
    note = get_object_or_404(MentorNote, pk=pk, mentor=request.user)
    mentorship = Mentorship.objects.filter(mentor=request.user, student_id=note.student_id).first()
    services.mentor_note_delete(note=note, mentor=request.user)
    messages.success(request, "Note deleted.")
    if mentorship is None:
        return redirect("matching:mentorship_list")
    return redirect("matching:mentee_notes", pk=mentorship.pk)
