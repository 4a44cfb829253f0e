"""What this app tells students choosing a mentor (``apps.core.registry.mentor_flags``)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Expression

from apps.conversations.selectors import slow_to_respond
from apps.core.registry import mentor_flags


@mentor_flags.register("slow_to_respond")
def slow_to_respond_flag(*, now: datetime) -> tuple[str, str, Expression]:
    days = settings.PACER_SLOW_RESPONSE_DAYS
    return (
        "Slow to respond",
        f"Has left a mentorship request or a mentee's message unanswered for {days} days "
        "or more; a request to them closes early if they stay silent.",
        slow_to_respond(now=now, mentor="user_id"),
    )
