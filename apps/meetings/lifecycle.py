"""What happens to the pair's meetings when their mentorship ends."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from apps.core.registry import mentorship_end_hooks
from apps.meetings.services import meetings_cancel_for_ended_mentorship

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.matching.models import Mentorship


@mentorship_end_hooks.register("meetings")
def cancel_upcoming_meetings(*, mentorship: Mentorship, by: User, now: dt.datetime) -> None:
    meetings_cancel_for_ended_mentorship(mentorship=mentorship, by=by, now=now)
