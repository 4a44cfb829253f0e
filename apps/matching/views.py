from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from apps.accounts.models import User
from apps.core.http import AuthenticatedHttpRequest
from apps.matching import selectors, services
from apps.matching.forms import (
    CohortForm,
    EndForm,
    InviteForm,
    MentorProfileForm,
    MentorSearchForm,
    NoteForm,
    ProgrammeForm,
    RequestForm,
    ResponseForm,
    RoundCreateForm,
    RoundSettingsForm,
    SharingForm,
    StudentPreferencesForm,
)
from apps.matching.models import (
    Cohort,
    CohortInvitation,
    CohortMembership,
    MatchingRound,
    MemberRole,
    MentorNote,
    MentorProfile,
    Mentorship,
    Programme,
    ProposedPair,
    RoundChoice,
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


def _require_coordinator(user: User) -> None:
    # Someone whose coordinator role staff withdrew keeps no hold on their programmes.
    if not user.is_coordinator:
        raise Http404


def _get_programme_for_user(user: User, pk: int) -> Programme:
    _require_coordinator(user)
    return get_object_or_404(Programme, pk=pk, coordinator=user)


def _get_cohort_for_user(user: User, pk: int) -> Cohort:
    _require_coordinator(user)
    return get_object_or_404(
        Cohort.objects.select_related("programme"), pk=pk, programme__coordinator=user
    )


def _get_round_for_user(user: User, pk: int) -> MatchingRound:
    _require_coordinator(user)
    return get_object_or_404(
        MatchingRound.objects.select_related("cohort__programme"),
        pk=pk,
        cohort__programme__coordinator=user,
    )


def _get_round_for_student(user: User, pk: int) -> MatchingRound:
    return get_object_or_404(
        MatchingRound.objects.select_related("cohort__programme"),
        pk=pk,
        cohort__memberships__user=user,
        cohort__memberships__role=MemberRole.STUDENT,
    )


def _get_pair_for_user(user: User, round_pk: int, pk: int) -> ProposedPair:
    matching_round = _get_round_for_user(user, round_pk)
    pair = get_object_or_404(ProposedPair.objects.select_related("round"), pk=pk)
    if pair.round_id != matching_round.pk:
        raise Http404
    return pair


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
    has_prefs = StudentPreferences.objects.filter(user=request.user).exists()
    context = {"form": form, "results": results, "has_prefs": has_prefs}
    template = "matching/mentor_search.html"
    if request.htmx:
        template += "#results"
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
    result = next(
        (
            r
            for r in selectors.mentor_search(viewer=request.user, accepting_only=False)
            if r.profile.pk == profile.pk
        ),
        None,
    )
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


# --- Programmes, cohorts, invitations ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programme_list(request: Request) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(coordinator=request.user, **form.cleaned_data)
        except MatchingError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("matching:programme_detail", pk=programme.pk)
    programmes = selectors.programmes_for_coordinator(user=request.user)
    invitations = CohortInvitation.objects.filter(
        email__iexact=request.user.email, accepted_at__isnull=True
    ).select_related("cohort__programme")
    memberships = (
        CohortMembership.objects.filter(user=request.user)
        .select_related("cohort__programme")
        .prefetch_related(_open_rounds())
    )
    context = {
        "programmes": programmes,
        "form": form,
        "invitations": invitations,
        "memberships": memberships,
    }
    return render(request, "matching/programme_list.html", context)


def _open_rounds() -> Prefetch:
    return Prefetch(
        "cohort__rounds",
        queryset=MatchingRound.objects.filter(status=MatchingRound.Status.OPEN),
        to_attr="open_rounds",
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_detail(request: Request, pk: int) -> HttpResponse:
    programme = _get_programme_for_user(request.user, pk)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = services.cohort_create(programme=programme, name=form.cleaned_data["name"])
        return redirect("matching:cohort_detail", pk=cohort.pk)
    context = {
        "programme": programme,
        "summary": selectors.programme_summary(programme=programme),
        "cohorts": programme.cohorts.all(),
        "form": form,
    }
    return render(request, "matching/programme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_detail(request: Request, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_user(request.user, pk)
    invite_form = InviteForm(request.POST if "invite" in request.POST else None)
    round_form = RoundCreateForm(request.POST if "create_round" in request.POST else None)
    if request.method == "POST":
        if invite_form.is_bound and invite_form.is_valid():
            try:
                created = services.cohort_invite(
                    cohort=cohort,
                    inviter=request.user,
                    emails=invite_form.cleaned_data["emails"],
                    role=invite_form.cleaned_data["role"],
                )
            except MatchingError as exc:
                invite_form.add_error(None, str(exc))
            else:
                messages.success(request, f"{len(created)} invitation(s) sent.")
                return redirect("matching:cohort_detail", pk=cohort.pk)
        if round_form.is_bound and round_form.is_valid():
            matching_round = services.round_create(cohort=cohort, **round_form.cleaned_data)
            return redirect("matching:round_detail", pk=matching_round.pk)
    members = cohort.memberships.select_related("user").order_by("role", "user__display_name")
    context = {
        "cohort": cohort,
        "students": [m for m in members if m.role == MemberRole.STUDENT],
        "mentors": [m for m in members if m.role == MemberRole.MENTOR],
        "invitations": cohort.invitations.filter(accepted_at__isnull=True),
        "rounds": cohort.rounds.all(),
        "invite_form": invite_form,
        "round_form": round_form,
    }
    return render(request, "matching/cohort_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: Request, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        CohortInvitation.objects.select_related("cohort__programme"), token=token
    )
    error = None
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except MatchingError as exc:
            error = str(exc)
        else:
            messages.success(request, f"You joined {invitation.cohort}.")
            return redirect("matching:programme_list")
    return render(request, "matching/invitation.html", {"invitation": invitation, "error": error})


# --- Matching rounds ---------------------------------------------------------------------


def _round_context(matching_round: MatchingRound) -> dict:
    context: dict = {"round": matching_round}
    if matching_round.status in (MatchingRound.Status.DONE, MatchingRound.Status.PUBLISHED):
        context["results"] = selectors.round_results(matching_round=matching_round)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def round_detail(request: Request, pk: int) -> HttpResponse:
    matching_round = _get_round_for_user(request.user, pk)
    form = RoundSettingsForm(request.POST or None, instance=matching_round)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update_settings(
                matching_round=MatchingRound.objects.get(pk=matching_round.pk),
                **form.cleaned_data,
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Round settings saved.")
            return redirect("matching:round_detail", pk=matching_round.pk)
    matching_round.refresh_from_db()
    context = _round_context(matching_round)
    context["form"] = form
    context["choice_count"] = (
        RoundChoice.objects.filter(round=matching_round).values("student").distinct().count()
    )
    return render(request, "matching/round_detail.html", context)


@login_required
@require_GET
def round_progress(request: Request, pk: int) -> HttpResponse:
    matching_round = _get_round_for_user(request.user, pk)
    response = render(request, "matching/round_detail.html#progress", {"round": matching_round})
    if not matching_round.is_busy and request.htmx:
        # The run finished: reload the whole page so the results appear.
        response["HX-Refresh"] = "true"
    return response


def _round_action(request: Request, pk: int, action: str) -> HttpResponse:
    matching_round = _get_round_for_user(request.user, pk)
    try:
        if action == "open":
            services.round_open(matching_round=matching_round)
            messages.success(request, "Round opened; students can now rank mentors.")
        elif action == "run":
            services.round_start(matching_round=matching_round)
        elif action == "publish":
            created = services.round_publish(matching_round=matching_round)
            messages.success(request, f"Published: {len(created)} mentorships created.")
    except MatchingError as exc:
        messages.error(request, str(exc))
    return redirect("matching:round_detail", pk=matching_round.pk)


@login_required
@require_POST
def round_open(request: Request, pk: int) -> HttpResponse:
    return _round_action(request, pk, "open")


@login_required
@require_POST
def round_run(request: Request, pk: int) -> HttpResponse:
    return _round_action(request, pk, "run")


@login_required
@require_POST
def round_publish(request: Request, pk: int) -> HttpResponse:
    return _round_action(request, pk, "publish")


@login_required
@require_POST
def pair_lock(request: Request, pk: int, pair_pk: int) -> HttpResponse:
    pair = _get_pair_for_user(request.user, pk, pair_pk)
    try:
        services.pair_toggle_lock(pair=pair)
    except MatchingError as exc:
        messages.error(request, str(exc))
    return redirect("matching:round_detail", pk=pk)


@login_required
@require_POST
def pair_swap(request: Request, pk: int, pair_pk: int) -> HttpResponse:
    pair = _get_pair_for_user(request.user, pk, pair_pk)
    try:
        other = int(request.POST.get("other", ""))
        services.pair_swap(matching_round=pair.round, first_id=pair.pk, second_id=other)
    except ValueError:
        messages.error(request, "Choose a pair to swap with.")
    except MatchingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Mentors swapped; both pairs are locked for re-runs.")
    return redirect("matching:round_detail", pk=pk)


def _cohort_mentors(matching_round: MatchingRound) -> QuerySet[User]:
    return User.objects.filter(
        cohort_memberships__cohort_id=matching_round.cohort_id,
        cohort_memberships__role=MemberRole.MENTOR,
    ).order_by("display_name", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def round_choices(request: Request, pk: int) -> HttpResponse:
    matching_round = _get_round_for_student(request.user, pk)
    mentors = list(_cohort_mentors(matching_round))
    error = None
    if request.method == "POST":
        ranked = [request.POST.get(f"rank_{i}", "") for i in range(1, len(mentors) + 1)]
        try:
            services.round_choices_set(
                matching_round=matching_round,
                student=request.user,
                mentor_ids=[int(v) for v in ranked if v.isdigit()],
            )
        except MatchingError as exc:
            error = str(exc)
        else:
            messages.success(request, "Your choices are saved.")
            return redirect("matching:round_choices", pk=matching_round.pk)
    current = list(
        RoundChoice.objects.filter(round=matching_round, student=request.user).values_list(
            "mentor_id", flat=True
        )
    )
    slots = [(i, current[i - 1] if i <= len(current) else None) for i in range(1, len(mentors) + 1)]
    context = {"round": matching_round, "mentors": mentors, "slots": slots, "error": error}
    return render(request, "matching/round_choices.html", context)
