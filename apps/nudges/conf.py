"""The nudges engine's knobs, as ``conf.BATCH_SIZE`` for the ``NUDGES_BATCH_SIZE``
setting (defined, with its environment variable, in the settings module).

Each is read from ``django.conf.settings`` when it is used, not when this module is
imported, so ``override_settings`` (and pytest-django's ``settings`` fixture) reach it.
"""

from __future__ import annotations

from django.conf import settings

NAMES = frozenset(
    {
        "CLAIM_LEASE_SECONDS",
        "BATCH_SIZE",
        "MAX_PARALLEL_SENDS",
        "SEND_TASK_BUDGET_SECONDS",
        "MAX_ATTEMPTS",
        "RETRY_BASE_SECONDS",
        "RETRY_MAX_SECONDS",
        "EVENT_LOOKBACK_DAYS",
        "RULE_PARTS",
    }
)


def __getattr__(name: str) -> int:
    if name not in NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(settings, f"NUDGES_{name}")
