"""The meetings section of a person's home: their meetings in the coming week."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from apps.core.registry import home_sections
from apps.meetings import selectors

if TYPE_CHECKING:
    from apps.accounts.models import User

WEEK = dt.timedelta(days=7)
SHOWN = 5


@home_sections.register("meetings")
def meetings_this_week(*, user: User, now: dt.datetime) -> dict[str, Any] | None:
    soon = list(
        selectors.upcoming_meetings(user=user, now=now).filter(during__startswith__lt=now + WEEK)[
            : SHOWN + 1
        ]
    )
    if not soon:
        return None
    return {
        "template": "meetings/_home_section.html",
        "context": {
            "meetings": soon[:SHOWN],
            "more": len(soon) > SHOWN,
            "zone": selectors.zone_of(user),
        },
    }
