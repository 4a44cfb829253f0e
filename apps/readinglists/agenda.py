"""What a meeting's agenda says about maths review: the topics whose cards the student
forgot most often since the last meeting, when reading and review are shared."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, F

from apps.core.agenda_items import AgendaItem
from apps.core.registry import agenda_sources
from apps.matching.models import ShareArea
from apps.matching.selectors import mentee_ids_sharing
from apps.readinglists.models import ReviewCard, ReviewLog, Topic

if TYPE_CHECKING:
    from apps.accounts.models import User

TOPICS = 3
SECTION = "Maths topics to go over"


@agenda_sources.register(ShareArea.READING.value, order=40)
def maths_agenda(
    *, student: User, mentor: User, since: dt.datetime, until: dt.datetime
) -> list[AgendaItem]:
    # A lapse, as in the retention figures: a card in review that was rated "Again".
    rows = (
        ReviewLog.objects.filter(
            user=student,
            user_id__in=mentee_ids_sharing(mentor=mentor, area=ShareArea.READING),
            reviewed_at__gte=since,
            reviewed_at__lt=until,
            state_before=ReviewCard.State.REVIEW,
            rating=1,
        )
        .order_by()
        .values(topic=F("card__topic"))
        .annotate(lapses=Count("pk"))
        .order_by("-lapses", "topic")[:TOPICS]
    )
    labels = dict(Topic.choices)
    return [
        AgendaItem(
            SECTION,
            f"{labels.get(row['topic'], row['topic'])}: "
            f"{row['lapses']} {'lapse' if row['lapses'] == 1 else 'lapses'} in review",
            order=60,
        )
        for row in rows
    ]
