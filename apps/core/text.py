"""One-line text: names, titles and tags that people type.

A title, a name or a tag is one line. A line break in it would end up in places that
take one line only (an email subject, a calendar summary, a CSV cell read by a
spreadsheet, a log line), so it is refused where people type it.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# C0 and C1 control characters (line feed, carriage return, tab, escape, NUL...) and
# the Unicode line and paragraph separators, which mail and calendar readers also
# treat as line breaks.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

SINGLE_LINE_MESSAGE = (
    "Keep this to one line: line breaks, tabs and other control characters are not allowed."
)


def validate_single_line(value: str) -> None:
    if CONTROL_CHARACTERS.search(value or ""):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="control_characters")


def single_line(value: str) -> str:
    """The text with every run of control characters and spaces made one space: for
    text stored before the check, or from outside (imports), on its way into a
    single-line place."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", value or "").split())
