"""The current version of each person's data, as the dashboards keep it.

The dashboards keep what they read about a person (their figures, their home's lists)
in the cache under the person's current version (``apps/dashboards/kept.py``). The apps
that own that data call :func:`person_data_changed` whenever they write it; the next
reader then reads it afresh. A version is a random token, so a version lost from the
cache (evicted, or the cache emptied) can never bring back what was kept under an older
one.

Cache errors are survived: :func:`person_data_changed` logs them (what was kept then
stays for at most ``VALUE_SECONDS``), and a reader reads without the cache.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import ModelSignal, post_delete, post_save

logger = logging.getLogger(__name__)

# How long a kept read may be served at most, even if a write forgot to say so.
VALUE_SECONDS = 60 * 60
VERSION_SECONDS = 2 * VALUE_SECONDS


def _key(person_id: int) -> str:
    return f"person-version:{person_id}"


def person_data_changed(person_ids: Iterable[int | None]) -> None:
    """Retire the current version of these people's data now and again once the write
    commits: a reader that read it in between, before the commit, kept what it read
    under a version retired here."""
    keys = sorted({_key(pk) for pk in person_ids if pk is not None})
    if not keys:
        return
    _forget(keys)
    transaction.on_commit(lambda: _forget(keys))


def retire_when_written(
    model: type[models.Model],
    people: Callable[[Any], Iterable[int | None]],
    *,
    signals: Iterable[ModelSignal] = (post_save, post_delete),
    skip_cascades: bool = False,
) -> None:
    """Retire the data of ``people(row)`` whenever a row of ``model`` is saved or
    deleted, by whatever writes it (services, the admin, demo data). Writes that bypass
    ``save()`` (``bulk_create``, ``update()``) call :func:`person_data_changed` themselves.

    With ``skip_cascades``, a row deleted along with a row of another model (the items
    of a deleted list, the milestones of a deleted plan, everything of a deleted
    account) retires nothing itself: the row the deletion started from retires the same
    people once, rather than once for each of thousands of rows."""

    def retire(*, instance: Any, origin: Any = None, **kwargs: Any) -> None:
        if skip_cascades and origin is not None and _model_of(origin) is not model:
            return
        person_data_changed(people(instance))

    for signal in signals:
        signal.connect(retire, sender=model, weak=False, dispatch_uid=f"kept:{model._meta.label}")


def _model_of(origin: Any) -> type[models.Model]:
    # A deletion starts from a row or from a queryset.
    return origin.model if isinstance(origin, models.QuerySet) else type(origin)


def _forget(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("Could not retire %d people's kept reads", len(keys), exc_info=True)


def person_versions(person_ids: Iterable[int]) -> dict[int, str]:
    """Each person's current version, a new one for whoever has none. Set before their
    data is read from the database, so a write committed after this call retires it.
    Raises the cache's errors."""
    keys = {pk: _key(pk) for pk in person_ids}
    found = cache.get_many(list(keys.values()))
    new = {key: uuid.uuid4().hex for key in keys.values() if key not in found}
    if new:
        cache.set_many(new, timeout=VERSION_SECONDS)
    return {pk: found.get(key) or new[key] for pk, key in keys.items()}
