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
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from apps.core.person_versions import person_data_changed
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


def lists_changed(list_ids: Iterable[int]) -> None:
    """Retire the figures of everyone these lists count for: owners and assignees."""
    ids = list(list_ids)
    person_data_changed(
        [
            *ReadingList.objects.filter(pk__in=ids).values_list("owner_id", flat=True),
            *Assignment.objects.filter(reading_list_id__in=ids).values_list("mentee_id", flat=True),
        ]
    )


@receiver([post_save, post_delete], sender=Item, dispatch_uid="readinglists.figures.item")
def _item_written(*, instance: Item, **kwargs: Any) -> None:
    lists_changed([instance.reading_list_id])


# Before the list goes, while its assignments still say whom it counted for.
@receiver(pre_delete, sender=ReadingList, dispatch_uid="readinglists.figures.list")
def _list_deleted(*, instance: ReadingList, **kwargs: Any) -> None:
    lists_changed([instance.pk])


@receiver([post_save, post_delete], sender=Assignment, dispatch_uid="readinglists.figures.assign")
def _assignment_written(*, instance: Assignment, **kwargs: Any) -> None:
    person_data_changed([instance.mentee_id])


@receiver([post_save, post_delete], sender=Progress, dispatch_uid="readinglists.figures.progress")
def _progress_written(*, instance: Progress, **kwargs: Any) -> None:
    person_data_changed([instance.user_id])


@receiver([post_save, post_delete], sender=ReviewCard, dispatch_uid="readinglists.figures.card")
def _card_written(*, instance: ReviewCard, **kwargs: Any) -> None:
    person_data_changed([instance.owner_id])


@receiver(
    [post_save, post_delete], sender=ReviewSettings, dispatch_uid="readinglists.figures.settings"
)
def _review_settings_written(*, instance: ReviewSettings, **kwargs: Any) -> None:
    person_data_changed([instance.user_id])
