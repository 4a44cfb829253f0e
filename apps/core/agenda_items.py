"""What an app contributes to a meeting's drafted agenda (see ``registry.agenda_sources``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgendaItem:
    """One line of an agenda under its section heading, e.g. section "Overdue",
    text "Submit the workshop paper (due 3 March)". ``text`` is plain text: the agenda
    escapes nothing, since it is edited and shown as Markdown rendered through the
    project's sanitiser."""

    section: str
    text: str
    # Orders the sections across contributions: lower first.
    order: int = 100
