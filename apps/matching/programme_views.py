from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.matching import coordinators, programmes, rounds, selectors
from apps.matching.forms import (
    CohortForm,
    CoordinatorInviteForm,
    InviteForm,
    ProgrammeForm,
    RoundCreateForm,
    RoundSettingsForm,
)
from apps.matching.models import (
    Cohort,
    CohortInvitation,
    CohortMembership,
    CoordinatorInvitation,
    MatchingRound,
    MemberRole,
    Programme,
    ProposedPair,
    RoundChoice,
)
from apps.matching.services import MatchingError


class Request(AuthenticatedHttpRequest):
    htmx: HtmxDetails


# --- Access helpers: each 404s unless the user may see the object ------------------------


def _get_programme_for_user(user: User, pk: int) -> Programme:
    return get_object_or_404(
        Programme, pk=pk, pk__in=selectors.coordinated_programme_ids(user=user)
    )


def _get_cohort_for_user(user: User, pk: int) -> Cohort:
    return get_object_or_404(
        Cohort.objects.select_related("programme"),
        pk=pk,
        programme_id__in=selectors.coordinated_programme_ids(user=user),
    )


def _get_round_for_user(user: User, pk: int) -> MatchingRound:
    return get_object_or_404(
        MatchingRound.objects.select_related("cohort__programme"),
        pk=pk,
        cohort__programme_id__in=selectors.coordinated_programme_ids(user=user),
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


# --- Programmes, cohorts, invitations ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programme_list(request: Request) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = programmes.programme_create(coordinator=request.user, **form.cleaned_data)
        except MatchingError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("matching:programme_detail", pk=programme.pk)
    coordinated = selectors.programmes_for_coordinator(user=request.user)
    coordinator_invitations = selectors.coordinator_invitations_to(user=request.user)
    invitations = CohortInvitation.objects.filter(
        email__iexact=request.user.email, accepted_at__isnull=True
    ).select_related("cohort__programme")
    memberships = (
        CohortMembership.objects.filter(user=request.user)
        .select_related("cohort__programme")
        .prefetch_related(_open_rounds())
    )
    context = {
        "programmes": coordinated,
        "form": form,
        "invitations": invitations,
        "coordinator_invitations": coordinator_invitations,
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
    inviting = "invite_coordinator" in request.POST
    form = CohortForm(request.POST if request.method == "POST" and not inviting else None)
    coordinator_form = CoordinatorInviteForm(request.POST if inviting else None)
    if form.is_bound and form.is_valid():
        cohort = programmes.cohort_create(programme=programme, name=form.cleaned_data["name"])
        return redirect("matching:cohort_detail", pk=cohort.pk)
    if coordinator_form.is_bound and coordinator_form.is_valid():
        try:
            created = coordinators.coordinator_invite(
                programme=programme,
                inviter=request.user,
                emails=coordinator_form.cleaned_data["emails"],
            )
        except MatchingError as exc:
            coordinator_form.add_error(None, str(exc))
        else:
            messages.success(request, f"{len(created)} co-coordinator invitation(s) sent.")
            return redirect("matching:programme_detail", pk=programme.pk)
    context = {
        "programme": programme,
        "summary": selectors.programme_summary(programme=programme),
        "cohorts": programme.cohorts.all(),
        "form": form,
        "coordinator_links": selectors.programme_coordinators(programme=programme),
        "coordinator_invitations": selectors.coordinator_invitations_pending(programme=programme),
        "coordinator_form": coordinator_form,
    }
    return render(request, "matching/programme_detail.html", context)


@login_required
@require_POST
def coordinator_remove(request: Request, pk: int, user_id: int) -> HttpResponse:
    programme = _get_programme_for_user(request.user, pk)
    try:
        coordinators.coordinator_remove(programme=programme, by=request.user, user_id=user_id)
    except MatchingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Co-coordinator removed.")
    if not selectors.is_programme_coordinator(user=request.user, programme=programme):
        return redirect("matching:programme_list")
    return redirect("matching:programme_detail", pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def coordinator_invitation_accept(request: Request, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        CoordinatorInvitation.objects.select_related("programme"), token=token
    )
    if not selectors.coordinator_invitation_is_for(invitation=invitation, user=request.user):
        # The invitation hands over a programme: only its addressee sees or accepts it.
        response = render(request, "matching/coordinator_invitation.html", {"wrong_user": True})
        response.status_code = 403
        return response
    error = None
    if request.method == "POST":
        try:
            coordinators.coordinator_invitation_accept(invitation=invitation, user=request.user)
        except MatchingError as exc:
            error = str(exc)
        else:
            messages.success(request, f"You now co-coordinate {invitation.programme}.")
            return redirect("matching:programme_detail", pk=invitation.programme_id)
    context = {"invitation": invitation, "error": error}
    return render(request, "matching/coordinator_invitation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_detail(request: Request, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_user(request.user, pk)
    invite_form = InviteForm(request.POST if "invite" in request.POST else None)
    round_form = RoundCreateForm(request.POST if "create_round" in request.POST else None)
    if request.method == "POST":
        if invite_form.is_bound and invite_form.is_valid():
            try:
                created = programmes.cohort_invite(
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
            matching_round = rounds.round_create(cohort=cohort, **round_form.cleaned_data)
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
            programmes.invitation_accept(invitation=invitation, user=request.user)
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
            rounds.round_update_settings(
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
            rounds.round_open(matching_round=matching_round)
            messages.success(request, "Round opened; students can now rank mentors.")
        elif action == "run":
            rounds.round_start(matching_round=matching_round)
        elif action == "publish":
            created = rounds.round_publish(matching_round=matching_round)
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
        rounds.pair_toggle_lock(pair=pair)
    except MatchingError as exc:
        messages.error(request, str(exc))
    return redirect("matching:round_detail", pk=pk)


@login_required
@require_POST
def pair_swap(request: Request, pk: int, pair_pk: int) -> HttpResponse:
    pair = _get_pair_for_user(request.user, pk, pair_pk)
    try:
        other = int(request.POST.get("other", ""))
        rounds.pair_swap(matching_round=pair.round, first_id=pair.pk, second_id=other)
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
    collecting = matching_round.collects_choices
    if request.method == "POST" and not collecting:
        messages.error(request, "This round is not collecting choices; nothing was changed.")
        return redirect("matching:round_choices", pk=matching_round.pk)
    mentors = list(_cohort_mentors(matching_round))
    error = None
    if request.method == "POST":
        ranked = [request.POST.get(f"rank_{i}", "") for i in range(1, len(mentors) + 1)]
        try:
            rounds.round_choices_set(
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
    names = {m.pk: m.name for m in mentors}
    context = {
        "round": matching_round,
        "collecting": collecting,
        "mentors": mentors,
        "slots": slots,
        "ranked_names": [names[m] for m in current if m in names],
        "error": error,
    }
    return render(request, "matching/round_choices.html", context)
