"""Delivery knobs, read from the environment so tests and installs can tune them
without another settings edit."""

from __future__ import annotations

from config.env import env_int

# A claimed row whose worker has not marked it sent within this many seconds falls due
# again (the worker is presumed dead); a batch must send well within it.
CLAIM_LEASE_SECONDS = env_int("NUDGES_CLAIM_LEASE_SECONDS", 300)
BATCH_SIZE = env_int("NUDGES_BATCH_SIZE", 100)
# Sent rows are marked this many at a time (one statement). 1 keeps the promise that a
# worker crash repeats at most one message; a larger value saves a round trip to
# PostgreSQL per message at the price of up to that many repeats after a crash.
MARK_SENT_EVERY = env_int("NUDGES_MARK_SENT_EVERY", 1)
# Sending tasks the sweep fans out at most; each drains batches until none are due.
MAX_PARALLEL_SENDS = env_int("NUDGES_MAX_PARALLEL_SENDS", 4)
# A send task stops draining after this long, leaving the rest to the next sweep.
SEND_TASK_BUDGET_SECONDS = env_int("NUDGES_SEND_TASK_BUDGET_SECONDS", 180)
MAX_ATTEMPTS = env_int("NUDGES_MAX_ATTEMPTS", 8)
RETRY_BASE_SECONDS = env_int("NUDGES_RETRY_BASE_SECONDS", 60)
RETRY_MAX_SECONDS = env_int("NUDGES_RETRY_MAX_SECONDS", 6 * 3600)
# Event-like nudges (a request received) are not sent about events older than this,
# so installing or re-enabling nudges never mails out history.
EVENT_LOOKBACK_DAYS = env_int("NUDGES_EVENT_LOOKBACK_DAYS", 7)
# Connections a sweep may use at once when several heavy rules are due together (the
# first sweep after a pause, or every rule forced): each runs whole rules.
SWEEP_CONNECTIONS = env_int("NUDGES_SWEEP_CONNECTIONS", 2)
