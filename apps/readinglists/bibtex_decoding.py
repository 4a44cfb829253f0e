"""LaTeX → Unicode for BibTeX values: pylatexenc's parser where it is needed, and a
fast path, giving exactly what the parser gives, for the markup most values hold."""

from __future__ import annotations

import functools
import re

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec
from pylatexenc.latex2text import get_default_latex_context_db as text_context_db
from pylatexenc.latexwalker import LatexWalker, get_default_latex_context_db

# Text without these needs no LaTeX parser: dropping grouping braces is all it takes.
# (A bare "&" needs none either: pylatexenc is given it escaped, as "\&".)
_MARKUP = re.compile(r"[\\$~%`]|--|''")
# A bare "&" is LaTeX's column separator, which pylatexenc turns into spaces.
_BARE_AMPERSAND = re.compile(r"(?<!\\)&")
# The markup of most real values, each piece a complete node whatever surrounds it, so
# it decodes the same on its own as in place: a braced group holding one control
# sequence and at most one argument (``{\"o}``, ``{\c{c}}``, ``{\'\i}``, ``{\o}``); a
# symbol accent or one-letter accent macro with its argument (``\"u``, ``\H{o}``); an
# escaped character; a tie, dash or quote ligature. A macro before one of them that
# could take it as an argument leaves a backslash in the text around it, and then the
# whole value goes through pylatexenc.
_LATEX_TOKEN = re.compile(
    r"""(
        \{\\(?:[A-Za-z]+|[^A-Za-z\s{}%$])\s*
            (?:[A-Za-z]|\\[A-Za-z]+|\{[^{}\\%$]*\}|\{\\[A-Za-z]+\})?\}
      | \\[`'^"~=.](?:[A-Za-z]|\{[A-Za-z]?\}|\{\\[ij]\})
      | \\[cHvukrdb]\{(?:[A-Za-z]?|\\[ij])\}
      | \\[&%$\#_]
      | ~ | --- | -- | `` | '' | !` | \?`
    )""",
    re.VERBOSE,
)


def _text_decoder() -> LatexNodes2Text:
    context = text_context_db()
    context.add_context_category(
        "pacer-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            # pylatexenc gives a modifier-letter circumflex and nothing; the export
            # writes these macros for the plain characters, so read them back as such.
            MacroTextSpec("textasciicircum", simplify_repl="^"),
            MacroTextSpec("textquotedbl", simplify_repl='"'),
        ],
    )
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


# Neither keeps state between calls; building them costs more than most decodings.
TEXT_DECODER = _text_decoder()
_WALKER_CONTEXT = get_default_latex_context_db()


def decode_latex_with_pylatexenc(value: str) -> tuple[str, str]:
    """LaTeX → Unicode through pylatexenc's parser: (text, error). The reference."""
    source = _BARE_AMPERSAND.sub(r"\\&", value)
    try:
        walker = LatexWalker(source, latex_context=_WALKER_CONTEXT)
        return TEXT_DECODER.nodelist_to_text(walker.get_latex_nodes()[0]), ""
    except Exception as exc:  # pylatexenc raises many kinds; keep the raw text
        return value, str(exc)


@functools.lru_cache(maxsize=4096)
def _decode_token(token: str) -> tuple[str, str]:
    return decode_latex_with_pylatexenc(token)


def decode_latex(value: str) -> tuple[str, str]:
    """LaTeX → Unicode: (text, error), always what ``decode_latex_with_pylatexenc`` gives.

    pylatexenc costs about a millisecond per value, most of a large import. So plain
    text only loses its grouping braces; text whose only markup is ``_LATEX_TOKEN``
    pieces has each distinct piece decoded once (cached) and the braces around them
    dropped; anything else (maths, other macros, comments) goes through the parser.
    Short values, which repeat (venues, author lists), are cached whole.
    """
    if len(value) <= MAX_CACHED_VALUE:
        return _decode_short(value)
    return _decode(value)


MAX_CACHED_VALUE = 300  # characters; long values (abstracts) are rarely repeated


@functools.lru_cache(maxsize=20_000)
def _decode_short(value: str) -> tuple[str, str]:
    return _decode(value)


def _decode(value: str) -> tuple[str, str]:
    if not _MARKUP.search(value):
        return value.replace("{", "").replace("}", ""), ""
    pieces = _LATEX_TOKEN.split(value)  # plain text at even indexes, tokens at odd ones
    if any(_MARKUP.search(text) for text in pieces[0::2]):
        return decode_latex_with_pylatexenc(value)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            out.append(piece.replace("{", "").replace("}", ""))
            continue
        text, error = _decode_token(piece)
        if error:
            return decode_latex_with_pylatexenc(value)
        out.append(text)
    return "".join(out), ""


def clear_latex_caches() -> None:
    """Forget cached decodings (for benchmarks that time a cold import)."""
    _decode_short.cache_clear()
    _decode_token.cache_clear()
