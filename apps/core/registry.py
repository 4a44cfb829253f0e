"""Hooks through which each capability contributes to cross-cutting features.

Each app declares its contribution in a module of its own (``exports.py`` for the
personal data download and for what account deletion must erase beyond cascades,
``demo.py`` for demo data, ``calendar.py`` for the personal calendar feed,
``nudges.py`` for nudge rules, ``lifecycle.py`` for what happens when a mentorship
ends, ``agenda.py`` for a meeting's drafted agenda, ``mentors.py`` for facts shown
about mentors, ``navigation.py`` for counts beside navigation entries) by decorating a
function with the matching registry.
The registries import those modules on first use, so no central list needs editing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import autodiscover_modules


class Registry:
    def __init__(self, module_name: str) -> None:
        self.module_name = module_name
        self._entries: dict[str, tuple[int, Callable[..., Any]]] = {}
        self._discovered = False

    def register(self, name: str, *, order: int = 100) -> Callable[[Callable], Callable]:
        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            self._entries[name] = (order, func)
            return func

        return decorator

    def items(self) -> list[tuple[str, Callable[..., Any]]]:
        if not self._discovered:
            autodiscover_modules(self.module_name)
            self._discovered = True
        ordered = sorted(self._entries.items(), key=lambda kv: (kv[1][0], kv[0]))
        return [(name, func) for name, (_order, func) in ordered]


# fn(user) -> JSON-serialisable data about that user
data_exporters = Registry("exports")
# fn(user) -> None; run when an account is deleted, in its transaction, before the
# person's row goes: removes rows that name the person without cascading from them
# (an invitation to their address, another person's reminder about them)
personal_data_erasers = Registry("exports")
# fn(demo: DemoContext) -> None; must be idempotent
demo_seeders = Registry("demo")
# fn(user, calendar) -> None; adds VEVENTs to an icalendar.Calendar
calendar_sources = Registry("calendar")
# fn(user) -> int, registered under a navigation entry's URL name: the count shown
# beside it (unread, waiting); one query at most, run only if the page shows it
nav_badges = Registry("navigation")
# fn(*, mentorship, by, now) -> None; run in the transaction that ends an active
# mentorship, so that what belongs to the pair (its upcoming meetings) ends with it
mentorship_end_hooks = Registry("lifecycle")


# --- Dashboard figures ------------------------------------------------------------------
# Registered under the area the figures belong to ("plan", "papers", "reading"), whose
# sharing decides who may see them: fn(*, people, now) -> {person_id: {key: value}} for
# the people (ids) who have any figures in the area, from a fixed number of grouped
# queries; a person left out has none (zeros). Figures that change with time alone carry
# ``changes_at``, the next moment they do. The dashboards merge the areas in Python and
# keep each person's figures until the app says their data changed
# (``apps/core/person_versions.py``).
dashboard_figures = Registry("dashboards")

# Sections of a programme's page from other apps (how its pairs' meetings go):
# fn(*, programme) -> {"template": name, "context": {...}}, rendered in ``order``; the
# template reads its data as ``section``. A section must show counts and answers meant
# for coordinators only, from a fixed number of queries.
programme_sections = Registry("dashboards")
# Sections of a person's home from other apps (their meetings this week):
# fn(*, user, now) -> {"template": name, "context": {...}} or None when there is nothing
# to show, from one query at most; the template reads its data as ``section``.
home_sections = Registry("home")

# fn(*, now) -> (label, one-sentence explanation, boolean expression on a mentor whose id
# is ``OuterRef("user_id")``):
# a fact about the mentor shown where students choose one (the search and the mentor's
# page), computed for every listed mentor in the listing's own query
mentor_flags = Registry("mentors")

# fn() -> apps.nudges.rules.Rule, registered under the rule's kind; ``order`` sets the
# order in which the sweep runs the rules
nudge_rules = Registry("nudges")


# --- Meeting agendas ---------------------------------------------------------------------
# Registered under the area the items come from: fn(*, student, mentor, since, until) ->
# list[apps.core.agenda_items.AgendaItem] for a meeting of ``student`` and ``mentor``
# starting at ``until``, about what changed since ``since`` (aware datetimes). Each
# returns only what the student shares with that mentor, asked of matching's sharing
# selector (nothing for anyone who is not their active mentor), in a fixed number of
# queries. The meetings app composes the items into the agenda's sections.
agenda_sources = Registry("agenda")
