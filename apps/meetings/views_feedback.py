"""Feedback after a meeting, and the coordinator ending a pairing that does not fit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.matching.models import Mentorship, Programme
from apps.matching.selectors import coordinated_programme_ids, programme_mentorships
from apps.matching.services import MatchingError, mentorship_end
from apps.meetings import feedback as feedback_services
from apps.meetings.feedback import FeedbackError
from apps.meetings.feedback_forms import FeedbackForm, PairingEndForm
from apps.meetings.models import Meeting


class Request(AuthenticatedHttpRequest):
    htmx: HtmxDetails


# --- Access helpers: each 404s unless the user may see the object ------------------------


def _get_meeting_for_user(user: User, pk: int) -> Meeting:
    """One of the two people's meetings; anyone else (a coordinator too) gets a 404."""
    return get_object_or_404(
        Meeting.objects.involving(user.pk).select_related("mentor", "student"), pk=pk
    )


def _get_pairing_for_coordinator(user: User, programme_pk: int, pk: int) -> Mentorship:
    programme = get_object_or_404(
        Programme, pk=programme_pk, pk__in=coordinated_programme_ids(user=user)
    )
    return get_object_or_404(
        programme_mentorships(programme=programme).select_related("student", "mentor"),
        pk=pk,
        status=Mentorship.Status.ACTIVE,
    )


# --- Feedback ------------------------------------------------------------------------------


def _feedback_context(request: Request, meeting: Meeting, form: FeedbackForm | None) -> dict:
    now = timezone.now()
    answer = feedback_services.feedback_of(meeting=meeting, author=request.user)
    can_edit = answer is None or feedback_services.can_edit_feedback(feedback=answer, now=now)
    if form is None and answer is not None:
        form = FeedbackForm(
            initial={
                "useful": answer.useful,
                "fit": answer.fit,
                "note_to_coordinator": answer.note_to_coordinator,
            }
        )
    return {
        "meeting": meeting,
        "other": meeting.student if request.user.pk == meeting.mentor_id else meeting.mentor,
        "answer": answer,
        "form": form or FeedbackForm(),
        "is_open": feedback_services.can_give_feedback(meeting=meeting, user=request.user, now=now),
        "can_edit": can_edit,
    }


def _render_feedback(request: Request, context: dict, status: int = 200) -> HttpResponse:
    template = "meetings/feedback.html"
    if request.htmx:
        template += "#feedback-form"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_feedback(request: Request, pk: int) -> HttpResponse:
    meeting = _get_meeting_for_user(request.user, pk)
    if request.method == "GET":
        return _render_feedback(request, _feedback_context(request, meeting, None))
    form = FeedbackForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            feedback_services.meeting_feedback_give(
                meeting=meeting, author=request.user, **form.cleaned_data
            )
        except FeedbackError as exc:
            error = str(exc)
        else:
            if request.htmx:
                context = _feedback_context(request, meeting, None)
                context["saved"] = True
                return _render_feedback(request, context)
            messages.success(request, "Thank you: your feedback is saved.")
            return redirect("meetings:feedback", pk=meeting.pk)
    context = _feedback_context(request, meeting, form)
    context["error"] = error
    return _render_feedback(request, context, status=400)


# --- Coordinator: ending a pairing ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pairing_end(request: Request, pk: int, mentorship_pk: int) -> HttpResponse:
    mentorship = _get_pairing_for_coordinator(request.user, pk, mentorship_pk)
    form = PairingEndForm(request.POST or None)
    context = {"programme_pk": pk, "m": mentorship, "form": form}
    if request.method == "GET":
        return render(request, "meetings/pairing_end.html", context)
    if not form.is_valid():
        return render(request, "meetings/pairing_end.html", context, status=400)
    try:
        mentorship_end(mentorship=mentorship, by=request.user, reason=form.cleaned_data["reason"])
    except MatchingError as exc:
        context["error"] = str(exc)
        return render(request, "meetings/pairing_end.html", context, status=400)
    messages.success(
        request,
        f"The pairing of {mentorship.student.name} with {mentorship.mentor.name} has ended. "
        f"{mentorship.student.name} stays in the programme: the next matching round pairs "
        "them again, and they can ask another mentor now.",
    )
    return redirect(reverse("matching:programme_detail", args=[pk]))
