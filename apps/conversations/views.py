from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.conversations import selectors, services
from apps.conversations.forms import MessageForm
from apps.conversations.models import Message
from apps.conversations.services import ConversationError
from apps.matching.models import Mentorship


class Request(AuthenticatedHttpRequest):
    htmx: HtmxDetails


# --- Access helpers: each 404s unless the user is one of the thread's two people ----------


def _get_thread_for_user(user: User, pk: int) -> Mentorship:
    return get_object_or_404(
        selectors.threads_of(user=user).select_related("student", "mentor"), pk=pk
    )


def _get_message_for_author(user: User, pk: int) -> Message:
    # Only the author ever edits; to anyone else the message's address does not exist.
    message = get_object_or_404(
        Message.objects.select_related("author", "mentorship"), pk=pk, author_id=user.pk
    )
    _get_thread_for_user(user, message.mentorship_id)
    return message


def _other(mentorship: Mentorship, user: User) -> User:
    return mentorship.mentor if mentorship.student_id == user.pk else mentorship.student


def _message_context(mentorship: Mentorship, user: User, page: list[Message]) -> dict:
    now = timezone.now()
    writable = mentorship.status == Mentorship.Status.ACTIVE
    other_read = selectors.read_position(mentorship=mentorship, user=_other(mentorship, user))
    return {
        "writable": writable,
        "editable_ids": {m.pk for m in page if writable and m.editable_by(user, now=now)},
        "seen_id": selectors.seen_message_id(messages=page, viewer=user, other_read=other_read),
    }


# --- Pages ---------------------------------------------------------------------------------


@login_required
@require_GET
def thread_index(request: Request) -> HttpResponse:
    threads = selectors.thread_index(user=request.user)
    return render(request, "conversations/index.html", {"threads": threads})


def _before(request: Request) -> int | None:
    raw = request.GET.get("before", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_GET
def thread_detail(request: Request, pk: int) -> HttpResponse:
    mentorship = _get_thread_for_user(request.user, pk)
    before = _before(request)
    page, has_older = selectors.thread_page(mentorship=mentorship, before=before)
    context = {
        "mentorship": mentorship,
        "other": _other(mentorship, request.user),
        "page": page,
        "has_older": has_older,
        "oldest_id": page[0].pk if page else None,
        **_message_context(mentorship, request.user, page),
    }
    if request.htmx and before is not None:
        return render(request, "conversations/thread.html#older", context)
    if page and before is None:
        # The newest messages are on screen: they count as read.
        services.thread_mark_read(mentorship=mentorship, user=request.user, up_to=page[-1].pk)
    context["form"] = MessageForm()
    return render(request, "conversations/thread.html", context)


@login_required
@require_POST
def message_send(request: Request, pk: int) -> HttpResponse:
    mentorship = _get_thread_for_user(request.user, pk)
    form = MessageForm(request.POST)
    message, error = None, "Not sent."
    if form.is_valid():
        try:
            message = services.message_send(
                mentorship=mentorship, author=request.user, body=form.cleaned_data["body"]
            )
        except ConversationError as exc:
            error = str(exc)
            form.add_error("body", error)
    if not request.htmx:
        if message is None:
            messages.error(request, error)
            return redirect("conversations:thread", pk=mentorship.pk)
        return redirect(
            reverse("conversations:thread", args=[mentorship.pk]) + f"#message-{message.pk}"
        )
    context = {
        "mentorship": mentorship,
        "writable": True,
        "form": MessageForm() if message else form,
        "sent": message,
        "m": message,
        "editable_ids": {message.pk} if message else set(),
    }
    return render(request, "conversations/thread.html#sent", context)


@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request: Request, pk: int) -> HttpResponse:
    message = _get_message_for_author(request.user, pk)
    mentorship = message.mentorship
    writable = mentorship.status == Mentorship.Status.ACTIVE
    if request.method == "GET" and not (writable and message.editable_by(request.user)):
        messages.error(request, "This message can no longer be edited.")
        return redirect("conversations:thread", pk=mentorship.pk)
    form = MessageForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_edit(
                message=message, editor=request.user, body=form.cleaned_data["body"]
            )
        except ConversationError as exc:
            form.add_error("body", str(exc))
        else:
            if not request.htmx:
                messages.success(request, "Message updated.")
                url = reverse("conversations:thread", args=[mentorship.pk])
                return redirect(f"{url}#message-{message.pk}")
            context = {
                "m": message,
                "writable": writable,
                "editable_ids": {message.pk},
                "just_saved": True,
            }
            return render(request, "conversations/thread.html#message-body", context)
    context = {"m": message, "form": form, "mentorship": mentorship}
    if request.htmx:
        return render(request, "conversations/thread.html#edit-form", context)
    status = 400 if form.errors else 200
    return render(request, "conversations/message_edit.html", context, status=status)
