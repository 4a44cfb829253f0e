"""The unread count beside "Messages" in the navigation."""

from __future__ import annotations

from apps.conversations.selectors import unread_count
from apps.core.registry import nav_badges


@nav_badges.register("conversations:index")
def unread_messages_badge(user) -> int:
    return unread_count(user=user)
