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
from django.db.models.signals import post_save, pre_delete

from apps.core.person_versions import person_data_changed, retire_when_written
from apps.core.registry import dashboard_figures
from apps.research.models import Contact, Draft, Venue, VenueDeadline
from apps.research.selectors import draft_figures


@dashboard_figures.register("papers", order=20)
def papers_figures(*, people: QuerySet | list[int], now: dt.datetime) -> dict[int, dict[str, Any]]:
    return draft_figures(owners=people, now=now)


def owners_aiming_at(venue_ids: Iterable[int]) -> list[int]:
    """Everyone whose drafts aim at these venues."""
    drafts = Draft.objects.filter(target_venue_id__in=list(venue_ids))
    return list(drafts.values_list("owner_id", flat=True).distinct())


def venues_changed(venue_ids: Iterable[int]) -> None:
    """Retire the kept reads of everyone whose drafts aim at these venues."""
    person_data_changed(owners_aiming_at(venue_ids))


retire_when_written(Draft, lambda draft: [draft.owner_id])
retire_when_written(Contact, lambda contact: [contact.owner_id])
# A venue deleted with its deadlines retires the drafts' owners once, through its own.
retire_when_written(
    VenueDeadline, lambda deadline: owners_aiming_at([deadline.venue_id]), skip_cascades=True
)
# Before a venue goes, while the drafts aiming at it still say so.
retire_when_written(
    Venue, lambda venue: owners_aiming_at([venue.pk]), signals=[post_save, pre_delete]
)
