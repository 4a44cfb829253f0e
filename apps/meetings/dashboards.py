"""The meetings section of a programme's page: how often each pair meets and how the
pairing feels to them (counts and fit answers, never agendas or messages)."""

from __future__ import annotations

from typing import Any

from apps.core.registry import programme_sections
from apps.matching.models import Programme
from apps.meetings.health import programme_health


@programme_sections.register("meetings")
def meetings_section(*, programme: Programme) -> dict[str, Any]:
    return {
        "template": "meetings/programme_health.html",
        "context": programme_health(programme=programme),
    }
