from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from apps.core.registry import nav_badges

# (url name, label, roles that see it; empty = everyone signed in)
NAV_ITEMS: list[tuple[str, str, frozenset[str]]] = [
    ("home", "Home", frozenset()),
    ("milestones:plan_list", "Plans", frozenset({"student"})),
    ("readinglists:list_index", "Reading", frozenset({"student", "mentor"})),
    ("readinglists:review_home", "Maths review", frozenset({"student"})),
    ("research:draft_board", "Papers", frozenset({"student"})),
    ("research:contact_list", "Outreach", frozenset({"student"})),
    ("matching:mentor_search", "Find a mentor", frozenset({"student"})),
    ("dashboards:mentor", "My mentees", frozenset({"mentor"})),
    ("matching:mentorship_list", "Mentorships", frozenset({"student", "mentor"})),
    ("conversations:index", "Messages", frozenset({"student", "mentor"})),
    ("meetings:meeting_list", "Meetings", frozenset({"student", "mentor"})),
    ("matching:programme_list", "Programmes", frozenset({"coordinator"})),
    ("nudges:inbox", "Notifications", frozenset()),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = set(user.roles)
    badges = dict(nav_badges.items())
    items = []
    for url_name, label, wanted in NAV_ITEMS:
        if wanted and not (wanted & roles):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            # The capability behind this entry is not installed yet.
            continue
        item: dict[str, Any] = {"url": url, "label": label, "active": request.path == url}
        if url_name in badges:
            # Counted only if the page shows the navigation (an htmx fragment does not).
            item["badge"] = _lazy_count(badges[url_name], user)
        items.append(item)
    return {"nav_items": items}


def _lazy_count(count: Callable[[Any], int], user: Any) -> SimpleLazyObject:
    return SimpleLazyObject(lambda: count(user))
