"""The reading figures every dashboard shows (items read, reviews due, activity).

The dashboards keep these figures per person until their reading changes: every saved
or deleted item, assignment, progress row, review card or review setting retires the
kept figures of the people it counts for here, for whatever writes it (services, the
admin, demo data); writes that bypass ``save()`` (``bulk_create``, ``update()``) say so
themselves through ``person_data_changed`` or ``lists_changed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import pre_delete

from apps.core.person_versions import person_data_changed, retire_when_written
from apps.core.registry import dashboard_figures
from apps.readinglists.models import (
    Assignment,
    Item,
    Progress,
    ReadingList,
    ReviewCard,
    ReviewSettings,
)
from apps.readinglists.selectors import reading_figures


@dashboard_figures.register("reading", order=30)
def reading_area_figures(
    *, people: QuerySet | list[int], now: dt.datetime
) -> dict[int, dict[str, Any]]:
    return reading_figures(readers=people, now=now)


def readers_of_lists(list_ids: Iterable[int]) -> list[int]:
    """Everyone these lists count for: owners and assignees."""
    ids = list(list_ids)
    return [
        *ReadingList.objects.filter(pk__in=ids).values_list("owner_id", flat=True),
        *Assignment.objects.filter(reading_list_id__in=ids).values_list("mentee_id", flat=True),
    ]


def lists_changed(list_ids: Iterable[int]) -> None:
    """Retire the kept reads of everyone these lists count for."""
    person_data_changed(readers_of_lists(list_ids))


# Rows deleted along with their list (or their item, or their person) leave retiring to
# the list's receiver, which retires every reader once: a list may hold 25,000 items.
retire_when_written(Item, lambda item: readers_of_lists([item.reading_list_id]), skip_cascades=True)
# Before a list goes, while its assignments still say whom it counted for.
retire_when_written(ReadingList, lambda rl: readers_of_lists([rl.pk]), signals=[pre_delete])
retire_when_written(Assignment, lambda a: [a.mentee_id])
retire_when_written(Progress, lambda p: [p.user_id], skip_cascades=True)
retire_when_written(ReviewCard, lambda card: [card.owner_id], skip_cascades=True)
retire_when_written(ReviewSettings, lambda row: [row.user_id])
