"""What the dashboards read about a person, kept in the cache between requests.

A kept read is stored under the person's current version (``apps/core/person_versions``)
and the viewer's local day, with the moment it was read and the next moment at which
time alone changes it (``changes_at``: a deadline passing, a card falling due, a snooze
ending; day-bound facts such as "overdue" change with the day in the key). It is served
until the person's data is written, the day ends or ``changes_at`` comes, whichever is
first, and for at most ``VALUE_SECONDS``. Without a cache, everything is read afresh.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from apps.core.person_versions import VALUE_SECONDS, person_versions

logger = logging.getLogger(__name__)


# Raised whenever what is kept changes shape, so that a release never reads what an
# older one kept.
KEPT_FORMAT = 2


def kept_key(name: str, person_id: int, version: str, now: dt.datetime) -> str:
    day = timezone.localdate(now).isoformat()
    return f"dashboards:{KEPT_FORMAT}:{name}:{person_id}:{version}:{day}"


def kept_entry(value: Any, *, now: dt.datetime, changes_at: dt.datetime | None) -> dict:
    return {"value": value, "read_at": now, "changes_at": changes_at}


def still_true(entry: dict, now: dt.datetime) -> bool:
    """Whether a kept entry still says what a read at ``now`` would, and is younger
    than ``VALUE_SECONDS`` (an entry written again for another area keeps its age)."""
    read_at, changes_at = entry["read_at"], entry["changes_at"]
    fresh = read_at <= now < read_at + dt.timedelta(seconds=VALUE_SECONDS)
    return fresh and (changes_at is None or now < changes_at)


def kept_read(
    name: str,
    *,
    person_id: int,
    now: dt.datetime,
    read: Callable[[], tuple[Any, dt.datetime | None]],
) -> Any:
    """``read()``'s value (returning the value and its ``changes_at``), kept for the
    person under ``name``."""
    try:
        version = person_versions([person_id])[person_id]
        key = kept_key(name, person_id, version, now)
        entry = cache.get(key)
    except Exception:
        logger.warning("%s read without the cache", name, exc_info=True)
        return read()[0]
    if entry is not None and still_true(entry, now):
        return entry["value"]
    value, changes_at = read()
    try:
        cache.set(key, kept_entry(value, now=now, changes_at=changes_at), timeout=VALUE_SECONDS)
    except Exception:
        logger.warning("Could not keep %s", name, exc_info=True)
    return value
