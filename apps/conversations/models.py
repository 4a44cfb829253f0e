"""Messages between a mentor and a mentee: one thread per mentorship, each person's
read position in it, and the requests closed early because the mentor was slow to
respond."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# Long enough for a considered note, short enough to stay a message (not a document).
MAX_MESSAGE_LENGTH = 4000
# The author may correct a message this long after sending it; then it is final.
EDIT_WINDOW = timedelta(minutes=5)


class Message(models.Model):
    # A thread is its mentorship: it opens when the mentorship becomes active and is
    # read-only once it ends; it goes with the mentorship (and so with either account).
    mentorship = models.ForeignKey(
        "matching.Mentorship", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_written"
    )
    body = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # A thread's pages, its last message and its unread count read by this one.
            models.Index(fields=["mentorship", "id"], name="message_thread_id"),
            # The new-message nudge reads the last days' messages every minute.
            models.Index(fields=["created_at"], name="message_created_at"),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.mentorship_id}"

    def editable_by(self, user, *, now=None) -> bool:
        """The author, within the edit window (the thread's openness is the view's)."""
        now = now or timezone.now()
        return self.author_id == user.pk and now < self.created_at + EDIT_WINDOW


class ReadMark(models.Model):
    """How far a person has read a thread: the id of the last message they have seen
    (ids grow with time, so every message up to it is read)."""

    mentorship = models.ForeignKey(
        "matching.Mentorship", on_delete=models.CASCADE, related_name="read_marks"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "user"], name="one_read_mark_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.mentorship_id} to {self.last_read_id}"


class EarlyExpiry(models.Model):
    """A pending request closed before its date because the mentor was slow to respond;
    the student hears of it (``Kind.REQUEST_EXPIRED_EARLY``). The people are copied
    from the mentorship so the notice reads only this table."""

    mentorship = models.OneToOneField(
        "matching.Mentorship", on_delete=models.CASCADE, related_name="early_expiry"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expired_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expired_at"], name="earlyexpiry_expired_at")]

    def __str__(self) -> str:
        return f"Request {self.mentorship_id} closed early"
