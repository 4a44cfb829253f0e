"""Writes for message threads and the early close of requests to slow mentors.

Every function checks first and raises ``ConversationError`` with a message fit for
the person, before changing anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.conversations.models import (
    EDIT_WINDOW,
    MAX_MESSAGE_LENGTH,
    EarlyExpiry,
    Message,
    ReadMark,
)
from apps.conversations.selectors import slow_mentors
from apps.matching.models import Mentorship
from apps.matching.services import mentorships_expire_early

if TYPE_CHECKING:
    from apps.accounts.models import User


class ConversationError(Exception):
    """A write the rules do not allow; the message is shown to the person as is."""


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ConversationError("Write something before sending.")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ConversationError(
            f"A message can be at most {MAX_MESSAGE_LENGTH:,} characters; this one has "
            f"{len(body):,}. Shorten it or split it in two."
        )
    return body


def _check_open(mentorship: Mentorship, user: User) -> None:
    if user.pk not in (mentorship.student_id, mentorship.mentor_id):
        raise ConversationError("Only the mentor and the mentee can write in this thread.")
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ConversationError("This mentorship has ended; its messages are read-only.")


def message_send(
    *, mentorship: Mentorship, author: User, body: str, now: datetime | None = None
) -> Message:
    body = _clean_body(body)
    with transaction.atomic():
        # Locked so that ending the mentorship and a last message cannot interleave.
        locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        _check_open(locked, author)
        message = Message.objects.create(
            mentorship=locked, author=author, body=body, created_at=now or timezone.now()
        )
        # Writing is reading: everything up to one's own message has been seen.
        thread_mark_read(mentorship=locked, user=author, up_to=message.pk, now=now)
    return message


def message_edit(
    *, message: Message, editor: User, body: str, now: datetime | None = None
) -> Message:
    now = now or timezone.now()
    if message.author_id != editor.pk:
        raise ConversationError("Only the author can edit a message.")
    body = _clean_body(body)
    with transaction.atomic():
        locked = Message.objects.select_for_update().select_related("mentorship").get(pk=message.pk)
        _check_open(locked.mentorship, editor)
        if not locked.editable_by(editor, now=now):
            minutes = int(EDIT_WINDOW.total_seconds() // 60)
            raise ConversationError(
                f"A message can be edited for {minutes} minutes after sending; this one is final."
            )
        if locked.body != body:
            locked.body = body
            locked.edited_at = now
            locked.save(update_fields=["body", "edited_at"])
    return locked


def thread_mark_read(
    *, mentorship: Mentorship, user: User, up_to: int, now: datetime | None = None
) -> None:
    """Move the person's read position forward to message ``up_to`` (never back: a
    page of older messages opened later does not unread the newer ones)."""
    now = now or timezone.now()
    moved = ReadMark.objects.filter(
        mentorship=mentorship, user_id=user.pk, last_read_id__lt=up_to
    ).update(last_read_id=up_to, read_at=now)
    if moved:
        return
    try:
        with transaction.atomic():
            ReadMark.objects.get_or_create(
                mentorship=mentorship,
                user_id=user.pk,
                defaults={"last_read_id": up_to, "read_at": now},
            )
    except IntegrityError:
        # Another tab created it at the same moment; move it forward as above.
        ReadMark.objects.filter(
            mentorship=mentorship, user_id=user.pk, last_read_id__lt=up_to
        ).update(last_read_id=up_to, read_at=now)


def requests_expire_for_slow_mentors(*, now: datetime | None = None) -> int:
    """Close the pending requests of every mentor slow to respond, and record each so
    the student is told kindly (``Kind.REQUEST_EXPIRED_EARLY``); returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        closed = mentorships_expire_early(mentors=slow_mentors(now=now), now=now)
        EarlyExpiry.objects.bulk_create(
            [
                EarlyExpiry(
                    mentorship=m, student_id=m.student_id, mentor_id=m.mentor_id, expired_at=now
                )
                for m in closed
            ]
        )
    return len(closed)
