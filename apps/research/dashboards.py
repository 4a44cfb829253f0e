"""The papers figures every dashboard shows (deadlines, activity).

The dashboards keep what they read of a person's research (these figures, the home's
drafts and follow-ups) until it changes: every saved or deleted draft, venue, deadline
or contact retires the kept reads of the people it concerns here, for whatever writes it
(services, the admin, demo data); writes that bypass ``save()`` (``bulk_create``,
``update()``) say so themselves through ``person_data_changed``.
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
from apps.research.models import Contact, Draft, Venue, VenueDeadline
from apps.research.selectors import draft_figures


@dashboard_figures.register("papers", order=20)
def papers_figures(*, people: QuerySet | list[int], now: dt.datetime) -> dict[int, dict[str, Any]]:
    return draft_figures(owners=people, now=now)


def venues_changed(venue_ids: Iterable[int]) -> None:
    """Retire the kept reads of everyone whose drafts aim at these venues."""
    person_data_changed(
        Draft.objects.filter(target_venue_id__in=list(venue_ids))
        .values_list("owner_id", flat=True)
        .distinct()
    )


@receiver([post_save, post_delete], sender=Draft, dispatch_uid="research.figures.draft")
def _draft_written(*, instance: Draft, **kwargs: Any) -> None:
    person_data_changed([instance.owner_id])


@receiver([post_save, post_delete], sender=VenueDeadline, dispatch_uid="research.figures.deadline")
def _deadline_written(*, instance: VenueDeadline, **kwargs: Any) -> None:
    venues_changed([instance.venue_id])


# Before a venue goes, while the drafts aiming at it still say so.
@receiver([post_save, pre_delete], sender=Venue, dispatch_uid="research.kept.venue")
def _venue_written(*, instance: Venue, **kwargs: Any) -> None:
    venues_changed([instance.pk])


@receiver([post_save, post_delete], sender=Contact, dispatch_uid="research.kept.contact")
def _contact_written(*, instance: Contact, **kwargs: Any) -> None:
    person_data_changed([instance.owner_id])
