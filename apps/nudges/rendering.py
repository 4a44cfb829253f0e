"""A notification's words, rendered from its kind's text template.

Rules store facts (``Notification.context``), never sentences: the app that owns a
kind owns its wording, in ``<app>/templates/<app>/nudges/<kind>.txt``. The template's
first line is the title, the rest the body. It is plain text, rendered without
escaping; every HTML page and email that shows it escapes it there.
"""

from __future__ import annotations

import functools
from typing import Any

from django.template import Context, Engine, Template

from apps.core.text import single_line
from apps.nudges.kinds import Kind, NudgeText
from apps.nudges.rules import get_rule

TITLE_MAX = 300


@functools.cache
def _template(name: str) -> Template:
    # Compiled once per process: an email batch renders the same few templates.
    return Engine.get_default().get_template(name)


def _kind_label(kind: str) -> str:
    try:
        return str(Kind(kind).label)
    except ValueError:
        return kind


def notification_text(*, kind: str, context: dict[str, Any]) -> NudgeText:
    stored = context.get("stored")
    if isinstance(stored, dict):
        # Written before templates: its words were stored as they were shown.
        title, body = str(stored.get("title", "")), str(stored.get("body", ""))
    else:
        rule = get_rule(kind)
        if rule is None:
            # Its app is gone: the kind's name still says what it was about.
            return NudgeText(_kind_label(kind), "")
        text = _template(rule.template).render(Context(context, autoescape=False))
        title, _, body = text.strip().partition("\n")
    return NudgeText(single_line(title)[:TITLE_MAX], body.strip())
