"""Meeting pages: the list, booking, one meeting (agenda, move, cancel, invitation,
check-in note). Only the two people of a meeting's mentorship ever see it: anyone else
gets a 404, as if it did not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.core.forms import add_service_errors
from apps.matching.selectors import mentor_can_view
from apps.meetings import invitations, selectors, services
from apps.meetings.feedback import awaiting_feedback_ids, feedback_due
from apps.meetings.forms import (
    AgendaForm,
    BookingForm,
    CancelForm,
    MeetingCheckInForm,
    RescheduleForm,
)
from apps.meetings.models import Meeting
from apps.milestones.models import Plan
from apps.milestones.selectors import plans_for_owner

# --- Access helpers: one per object kind; anything not allowed is a 404 ----------------


def _get_meeting_for_user(user: User, pk: int) -> Meeting:
    meeting = selectors.meeting_for_user(user=user, pk=pk)
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def _get_mentorship_for_booking(user: User, mentor_id: int):
    mentor = get_object_or_404(User, pk=mentor_id, is_active=True)
    mentorship = selectors.bookable_mentorship(student=user, mentor=mentor)
    if mentorship is None:
        raise Http404("No such mentor.")
    return mentorship


# --- List ---------------------------------------------------------------------------------


@require_GET
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": list(selectors.upcoming_meetings(user=user, now=now)),
            "past": list(selectors.past_meetings(user=user, now=now)[:50]),
            "awaiting_feedback": awaiting_feedback_ids(user=user, now=now),
            "bookable": list(selectors.bookable_mentors(student=user)) if user.is_student else [],
            "zone": selectors.zone_of(user),
            "now": now,
        },
    )


# --- Booking ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_book(request: AuthenticatedHttpRequest, mentor_id: int) -> HttpResponse:
    mentorship = _get_mentorship_for_booking(request.user, mentor_id)
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_book(
                mentorship=mentorship,
                start=form.cleaned_data["start"],
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Meeting booked. You both have an invitation by email.")
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    now = timezone.now()
    context = selectors.booking_context(mentorship=mentorship, now=now)
    days = (
        selectors.free_slot_days(context=context, viewer=request.user, now=now) if context else []
    )
    return render(
        request,
        "meetings/meeting_book.html",
        {
            "mentorship": mentorship,
            "mentor": mentorship.mentor,
            "published": context is not None,
            "settings": context.settings if context else None,
            "days": days,
            "form": form,
            "zone": selectors.zone_of(request.user),
            "chosen": request.POST.get("start", ""),
        },
        status=400 if form.errors else 200,
    )


# --- One meeting --------------------------------------------------------------------------


def _detail_context(request: AuthenticatedHttpRequest, meeting: Meeting, **extra) -> dict:
    now = timezone.now()
    is_upcoming = meeting.is_active and meeting.start > now
    return {
        "meeting": meeting,
        "other": meeting.mentor if request.user.pk == meeting.student_id else meeting.student,
        "zone": selectors.zone_of(request.user),
        "can_change": is_upcoming,
        "has_started": meeting.is_active and meeting.start <= now,
        "feedback_due": feedback_due(meeting=meeting, user=request.user, now=now),
        "agenda_form": extra.pop("agenda_form", None)
        or AgendaForm(initial={"agenda": meeting.agenda}),
        "cancel_form": extra.pop("cancel_form", None) or CancelForm(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting_for_user(request.user, pk)
    if request.method == "POST":
        return _agenda_post(request, meeting)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


def _agenda_post(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    form = AgendaForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            meeting = services.meeting_agenda_update(
                meeting=meeting, by=request.user, agenda=form.cleaned_data["agenda"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            saved = True
            meeting = _get_meeting_for_user(request.user, meeting.pk)
            form = AgendaForm(initial={"agenda": meeting.agenda})
    status = 200 if saved else 400
    context = _detail_context(request, meeting, agenda_form=form, agenda_saved=saved)
    if request.htmx:
        return render(request, "meetings/meeting_detail.html#agenda", context, status=status)
    if saved:
        messages.success(request, "Agenda saved.")
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/meeting_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting_for_user(request.user, pk)
    form = RescheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_reschedule(
                meeting=meeting,
                by=request.user,
                start=form.cleaned_data["start"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Meeting moved. You both have the updated invitation.")
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    now = timezone.now()
    can_change = meeting.is_active and meeting.start > now
    context = (
        selectors.booking_context(mentorship=meeting.mentorship, now=now, exclude=meeting)
        if can_change
        else None
    )
    days = (
        selectors.free_slot_days(context=context, viewer=request.user, now=now) if context else []
    )
    return render(
        request,
        "meetings/meeting_reschedule.html",
        {
            "meeting": meeting,
            "can_change": can_change,
            "days": days,
            "form": form,
            "zone": selectors.zone_of(request.user),
            "chosen": request.POST.get("start", ""),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["POST"])
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting_for_user(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Meeting cancelled. You both have the cancellation.")
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_detail.html",
        _detail_context(request, meeting, cancel_form=form),
        status=400,
    )


@require_GET
def meeting_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting_for_user(request.user, pk)
    method = invitations.method_for(meeting)
    response = HttpResponse(
        invitations.build_invitation(meeting, method=method),
        content_type=f"text/calendar; charset=utf-8; method={method}",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@require_http_methods(["GET", "POST"])
def meeting_checkin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write the check-in note from this meeting: the check-in form, filled from the
    agenda, filed on one of the mentee's plans (that the writer can see)."""
    meeting = _get_meeting_for_user(request.user, pk)
    if meeting.checkin is not None:
        return redirect("milestones:checkin_list", pk=meeting.checkin.plan_id)
    can_see_plans = mentor_can_view(viewer=request.user, owner=meeting.student_id, area="plan")
    plans = plans_for_owner(owner=meeting.student) if can_see_plans else None
    local_day = meeting.start.astimezone(selectors.zone_of(request.user)).date()
    form = MeetingCheckInForm(
        request.POST or None,
        plans=plans if plans is not None else Plan.objects.none(),
        initial={"date": local_day, "agenda": meeting.agenda},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checkin = services.meeting_checkin_create(
                meeting=meeting,
                by=request.user,
                plan=data["plan"],
                date=data["date"],
                agenda=data["agenda"],
                notes=data["notes"],
                action_items=data["action_items"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Check-in saved. Its action items can become milestones.")
            return redirect("milestones:checkin_list", pk=checkin.plan_id)
    return render(
        request,
        "meetings/meeting_checkin.html",
        {
            "meeting": meeting,
            "form": form,
            "can_see_plans": can_see_plans,
            "has_started": meeting.is_active and meeting.start <= timezone.now(),
        },
        status=400 if form.errors else 200,
    )
