"""LaTeX decoding of field values: the fast path gives exactly what pylatexenc gives."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.readinglists import bibtex_decoding
from apps.readinglists.bibtex_decoding import decode_latex, decode_latex_with_pylatexenc

TRICKY = [
    # Plain text, braces and spacing.
    "Attention is all you need",
    "{{BERT}}: Pre-training of Deep Bidirectional Transformers",
    "{A}{B} {}",
    "{ spaced }  twice  ",
    "line\n  break",
    "Müller already in Unicode",
    # Accents, every way people write them.
    r"Sch{\"o}lkopf",
    r"Sch\"olkopf",
    r"Sch\"{o}lkopf",
    r"M\"{u}ller-Lyer",
    r"\"Uber",
    r"Garc{\'\i}a",
    r"Garc\'{\i}a",
    r"Garc\'\i a",
    r"D{\'\i}az and G{\"{\i}}rard",
    r"Fran{\c{c}}ois",
    r"Fran\c{c}ois",
    r"Fran\c cois",
    r"{\c c}a",
    r"Erd{\H{o}}s",
    r"Erd\H{o}s",
    r"Dvo{\v{r}}{\'a}k",
    r"Dvo\v{r}\'ak",
    r"L{\o}kke",
    r"L\o kke",
    r"{\o} kke",
    r"{\o\o}",
    r"Stra{\ss}e",
    r"{\aa}ngstr{\"o}m \AA{}",
    r"{\L}ukasz",
    r"\'{}e",
    r"\^{o} \~n \=a \.z \u{g} \k{a} \r{u} \t{oo} \d{s} \b{k}",
    r"{\"o}{\"u} {\"o} {\"u} \"o\"u",
    r"{M{\"u}ller}",
    r"\o\"u",
    r"\'{\"o}",
    r"\textbf{\"o}",
    r"{\emph{Deep Learning}} and \emph{more}",
    r"{\foo} \foo{bar} {\foo bar}",
    # Maths.
    r"$O(n^2)$ regret",
    r"$\alpha$-divergences",
    r"$\mathcal{O}(\sqrt{T})$ bounds for {\"o}",
    r"\(x_i\) and $x_{i}$",
    r"a $x",
    r"$\"o$",
    # Ties, dashes, quotes and specials.
    r"J.~Smith",
    r"Fig.~{\"o}",
    r"pages 1--10 and 1---10",
    r"``quoted'' and 'single' and \"double\"",
    r"Hello!` and why?`",
    'a "straight" quote',
    # Escaped and bare characters.
    r"Q\&A and R&D",
    r"5\% more and 50% off",
    r"\$5 \#1 snake\_case \{braces\}",
    r"back\textbackslash slash and line\\break",
    r"\textasciicircum and \textquotedbl",
    r"\url{http://example.org/a_b}",
    r"\relax done",
    r"\\\"u",
]


@pytest.mark.parametrize("value", TRICKY)
def test_fast_decoding_matches_pylatexenc(value):
    assert decode_latex(value) == decode_latex_with_pylatexenc(value)


def test_fast_decoding_gives_the_expected_letters():
    assert decode_latex(r"Sch{\"o}lkopf")[0] == "Schölkopf"
    assert decode_latex(r"Garc{\'\i}a and Erd\H{o}s")[0] == "García and Erdős"
    assert decode_latex(r"{{BERT}}: {\o} kke")[0] == "BERT: ø kke"
    assert decode_latex(r"$x^2$ and J.~Smith")[0] == "$x^2$ and J.\xa0Smith"
    assert decode_latex(r"Q\&A and R&D, pages 1--10")[0] == "Q&A and R&D, pages 1\u201310"


FRAGMENTS = st.sampled_from(
    [
        "a", "Z", " ", "  ", "-", "--", "---", "'", "''", "`", "``", '"', "!", "?", "!`", "&",
        "%", "~", "$", "\n", r"\#", r"\_", r"\$",
        "{x}", "{}", "{ab cd}", "{{B}}",
        r"\"", r"\'", r"\c", r"\H", r"\o", r"\i", r"\ss", r"\&", r"\%", r"\\", r"\emph",
        r"{\"o}", r"\"o", r"\"{o}", r"{\'\i}", r"\'{\i}", r"{\c{c}}", r"\c{c}", r"{\c c}",
        r"{\H{o}}", r"\v{r}", r"{\o}", r"{\ss}", r"\AA{}", r"\'{}", r"{\emph{x y}}",
        r"$x^2$", r"$\alpha$", r"\(y\)", r"\url{a_b}",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(FRAGMENTS, max_size=8).map("".join))
def test_fast_decoding_matches_pylatexenc_on_any_mix(value):
    assert decode_latex(value) == decode_latex_with_pylatexenc(value)


def test_accent_tokens_are_parsed_once_not_per_value(monkeypatch):
    """The point of the fast path: a large file of accented names parses each distinct
    accent once, not each value."""
    walkers = []

    class CountingWalker(bibtex_decoding.LatexWalker):
        def __init__(self, *args, **kwargs):
            walkers.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(bibtex_decoding, "LatexWalker", CountingWalker)
    bibtex_decoding.clear_latex_caches()
    last = [r"M{\"u}ller", r"Erd{\H{o}}s", r"Garc{\'\i}a", r"L{\o}kke", r"Dvo{\v{r}}{\'a}k"]
    first = [r"Ren{\'e}", r"Fran{\c{c}}ois", r"J{\"o}rg", "Emma"]
    values = [
        f"{last[i % 5]}, {first[i % 4]} and {last[(i + 2) % 5]}, Author {i}" for i in range(500)
    ]
    decoded = [decode_latex(v)[0] for v in values]
    assert decoded[1] == "Erdős, François and Løkke, Author 1"
    assert len(walkers) <= 10  # one per distinct accent token
