"""Markdown for user-written text (descriptions, notes, summaries, review cards), made safe
to show, with ``$…$`` and ``$$…$$`` formulas rendered as MathML (see ``apps.core.maths``).

Markdown is rendered first and the HTML is then cleaned by nh3 against an allow-list,
so raw HTML, script elements, event attributes and ``javascript:`` links cannot survive.
"""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

from apps.core.maths import MATH_ATTRIBUTES, MATH_TAGS, MathExtension

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul", *MATH_TAGS,
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    **MATH_ATTRIBUTES,
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
MAX_SOURCE_LENGTH = 50_000


def render_markdown(text: str | None) -> SafeString:
    if not text:
        return mark_safe("")
    html = md.markdown(
        text[:MAX_SOURCE_LENGTH], extensions=["extra", "sane_lists", "nl2br", MathExtension()]
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308  (sanitised by nh3 just above)
