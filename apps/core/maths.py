"""Formulas in user-written Markdown: ``$…$`` inline and ``$$…$$`` on their own line.

LaTeX is converted to MathML on the server, which browsers lay out natively: no script
and no inline styles, so the Content-Security-Policy stays strict. The output goes through
the same nh3 allow-list as the rest of the Markdown (see ``apps.core.markdown``). The LaTeX
source travels with the formula as its text alternative (``alttext`` and a TeX annotation),
so screen readers, copy and paste, and text emails keep it.

Which dollars are maths follows Pandoc's rule, so prices survive: the opening ``$`` is
followed by a non-space, the closing one is preceded by a non-space and not followed by a
digit ("$5 and $10" stays text). ``\\$`` is a literal dollar; code spans and code blocks are
left alone because Markdown takes them before these patterns run.
"""

from __future__ import annotations

import re
from html import escape

from latex2mathml.converter import convert
from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

MATH_TAGS = {
    "math", "semantics", "annotation", "menclose", "merror", "mfrac", "mi", "mn", "mo",
    "mover", "mpadded", "mphantom", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub",
    "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover",
}  # fmt: skip
# Layout attributes only: no style, no colours, no href (MathML allows links on any
# element), nothing an event handler could hide in.
MATH_ATTRIBUTES = {
    "math": {"display", "alttext"},
    "annotation": {"encoding"},
    "menclose": {"notation"},
    "mfrac": {"linethickness"},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mo": {
        "accent", "fence", "form", "largeop", "lspace", "mathvariant", "maxsize", "minsize",
        "movablelimits", "rspace", "separator", "stretchy", "symmetric",
    },
    "mover": {"accent"},
    "munder": {"accentunder"},
    "munderover": {"accent", "accentunder"},
    "mpadded": {"depth", "height", "lspace", "voffset", "width"},
    "mspace": {"depth", "height", "width"},
    "mstyle": {"displaystyle", "scriptlevel"},
    "mtable": {"columnalign", "columnlines", "columnspacing", "rowalign", "rowlines", "rowspacing"},
    "mtr": {"columnalign", "rowalign"},
    "mtd": {"columnalign", "columnspan", "rowalign", "rowspan"},
}  # fmt: skip

# Past these limits formulas are shown as their source: the converter's work grows with
# the length of a formula and with how many there are in one text.
MAX_FORMULA_LENGTH = 2_000
MAX_FORMULAS_PER_TEXT = 500

# Placeholders Markdown leaves for code spans and escapes (STX … ETX) never belong to a
# formula: a dollar before a code span and one after it are two separate dollars.
_DISPLAY = r"(?<![\\$])\$\$(?P<source>(?:\\.|[^\\$\x02\x03])+?)\$\$"
_INLINE = r"(?<![\\$])\$(?=[^\s$])(?P<source>(?:\\.|[^\\$\x02\x03\n])+?)(?<=\S)\$(?![\d$])"


def latex_to_mathml(source: str, *, display: bool) -> str | None:
    """MathML for a LaTeX formula, or None when it cannot be converted."""
    source = source.strip()
    if not source or len(source) > MAX_FORMULA_LENGTH:
        return None
    try:
        mathml = convert(source, display="block" if display else "inline")
    # The converter raises its own exception classes and, on some malformed input,
    # IndexError, KeyError or RecursionError: any failure means "show the source".
    except Exception:
        return None
    if not mathml.endswith("</math>"):
        return None
    alttext = escape(source, quote=True)
    # latex2mathml writes "<math xmlns=… display=…><mrow>…</mrow></math>": wrap the
    # presentation in <semantics> so the TeX annotation is kept but not displayed.
    body = mathml[mathml.index(">") + 1 : -len("</math>")]
    kind = "block" if display else "inline"
    return (
        f'<math display="{kind}" alttext="{alttext}"><semantics>{body}'
        f'<annotation encoding="application/x-tex">{escape(source, quote=False)}</annotation>'
        "</semantics></math>"
    )


class _MathProcessor(InlineProcessor):
    def __init__(self, pattern: str, md: Markdown, *, display: bool, budget: list[int]) -> None:
        super().__init__(pattern, md)
        self.display = display
        self.budget = budget  # formulas still to convert in this text, shared by both patterns
        self.compiled_re = re.compile(pattern, re.DOTALL)

    # Markdown's InlineProcessor itself overrides Pattern.handleMatch with this signature.
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # type: ignore[override]
        html = None
        if self.budget[0] > 0:
            self.budget[0] -= 1
            html = latex_to_mathml(m.group("source"), display=self.display)
        if html is None:
            # Malformed: the reader sees what they typed, escaped, and can fix it.
            html = escape(m.group(0), quote=False)
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class MathExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After code spans (190) so their dollars stay code, before backslash escapes (180)
        # so "\frac" and "\{" reach the converter intact.
        budget = [MAX_FORMULAS_PER_TEXT]
        md.inlinePatterns.register(
            _MathProcessor(_DISPLAY, md, display=True, budget=budget), "math_display", 186
        )
        md.inlinePatterns.register(
            _MathProcessor(_INLINE, md, display=False, budget=budget), "math_inline", 185
        )
        if "$" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("$")
        # Markdown counts <math> as a block and would drop the paragraph around a formula
        # that stands alone; MathML is phrasing content, so it stays inside its <p>.
        if "math" in md.block_level_elements:
            md.block_level_elements.remove("math")
