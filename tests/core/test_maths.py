import re

from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.markdown import render_markdown
from apps.core.maths import MAX_FORMULA_LENGTH, MAX_FORMULAS_PER_TEXT, latex_to_mathml


def test_inline_fraction_becomes_mathml_with_the_source_as_text_alternative():
    html = render_markdown(r"The ratio $\frac{a}{b}$ is small.")

    assert html.startswith("<p>The ratio <math ")
    assert 'display="inline"' in html
    assert "<mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac>" in html
    assert r'alttext="\frac{a}{b}"' in html
    assert r'<annotation encoding="application/x-tex">\frac{a}{b}</annotation>' in html
    assert html.endswith("</math> is small.</p>")


def test_display_summation_with_limits():
    html = render_markdown("Sum:\n\n$$\n\\sum_{i=1}^{n} i^2\n$$\n\nDone.")

    assert 'display="block"' in html
    assert (
        "<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow>"
        "<mrow><mi>n</mi></mrow></munderover>"
    ) in html
    assert "<msup><mi>i</mi><mn>2</mn></msup>" in html
    assert "<p>Done.</p>" in html


def test_a_formula_alone_in_a_paragraph_keeps_its_paragraph():
    assert render_markdown("$x$").startswith('<p><math display="inline"')
    assert render_markdown("$$x$$").startswith('<p><math display="block"')


def test_inline_and_display_in_one_paragraph():
    html = render_markdown(r"Let $x_i$ be given; then $$\bar{x} = \frac{1}{n}\sum_i x_i$$ holds.")

    assert html.count("<math ") == 2
    assert html.index('display="inline"') < html.index('display="block"')
    # Underscores inside maths are subscripts, never Markdown emphasis.
    assert "<em>" not in html
    assert "<msub><mi>x</mi><mi>i</mi></msub>" in html


def test_prices_stay_text():
    for text in ["It costs $5 and $10.", "Between $5 and $ 10", "$5, $6, $7", "Pay $x$5 now"]:
        html = render_markdown(text)
        assert "<math" not in html, text
        assert text in html


def test_escaped_dollars_are_literal_dollars():
    html = render_markdown(r"Escaped \$x\$ and \$5")

    assert "<math" not in html
    assert "Escaped $x$ and $5" in html


def test_dollars_in_code_spans_and_code_blocks_stay_code():
    html = render_markdown("Run `echo $HOME $x$` now.\n\n```\n$$\\frac{a}{b}$$\n```\n\n    $y$")

    assert "<math" not in html
    assert "<code>echo $HOME $x$</code>" in html
    assert "$$\\frac{a}{b}$$" in html
    assert "<code>$y$" in html


def test_a_dollar_before_a_code_span_and_one_after_it_are_not_a_formula():
    html = render_markdown("from $a `b` c$")

    assert "<math" not in html
    assert "$a <code>b</code> c$" in html


def test_malformed_latex_shows_its_source_escaped():
    html = render_markdown(r"Broken: $\begin{matrix} <b>$ and fine: $y$")

    assert r"Broken: $\begin{matrix} &lt;b&gt;$" in html
    assert "<b>" not in html
    assert html.count("<math ") == 1  # the good formula still renders
    assert latex_to_mathml(r"\begin{matrix}", display=False) is None
    assert latex_to_mathml("   ", display=True) is None


def test_an_overlong_formula_is_shown_as_source():
    source = "x+" * MAX_FORMULA_LENGTH + "x"

    assert latex_to_mathml(source, display=False) is None
    assert "<math" not in render_markdown(f"${source}$")


def test_formulas_past_the_limit_for_one_text_are_shown_as_source():
    html = render_markdown("$x$ " * MAX_FORMULAS_PER_TEXT + "and $z$")

    assert html.count("<math ") == MAX_FORMULAS_PER_TEXT
    assert html.endswith("</math> and $z$</p>")
    assert render_markdown("$z$").count("<math ") == 1  # the limit is per text


def test_script_inside_a_formula_becomes_maths_text_not_markup():
    html = render_markdown("$<script>alert(1)</script>$")

    assert "<script" not in html
    assert "&lt;script&gt;" in html  # in the alttext and the annotation, escaped


def test_links_and_event_handlers_inside_and_around_maths_are_dropped():
    html = render_markdown(
        r"$\href{javascript:alert(1)}{x}$ "
        '<math onclick="alert(2)" href="javascript:alert(3)"><mi onmouseover="alert(4)">y</mi>'
        '<maction actiontype="statusline"><mi>z</mi></maction>'
        '<mtext><img src=x onerror="alert(5)"><script>alert(6)</script></mtext>'
        '<mi style="color:red">w</mi></math>'
    )

    # The LaTeX source stays readable as the text alternative, as inert text.
    markup = re.sub(r'alttext="[^"]*"|<annotation[^>]*>[^<]*</annotation>', "", html)
    assert r"\href{javascript:alert(1)}{x}</annotation>" in html
    for forbidden in ["javascript:", "onclick", "onmouseover", "onerror", "href", "style=", "<img"]:
        assert forbidden not in markup, forbidden
    assert "<script" not in html
    assert "<maction" not in html
    assert "alert(6)" not in html
    assert "<mi>y</mi>" in html


def test_colours_from_latex_are_not_kept():
    html = render_markdown(r"$\color{red}{x}$")

    assert "mathcolor" not in html
    assert "<mi>x</mi>" in html


_MATHS_ALPHABET = st.sampled_from(list("$\\{}^_`ab1 <>&\"'\n*")) | st.sampled_from(
    [r"\frac", r"\sum", r"\begin{matrix}", r"\end", r"\left(", r"\right", "<script>", "$$"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MATHS_ALPHABET, max_size=40).map("".join))
def test_any_text_renders_without_error_and_without_markup_from_the_user(text):
    html = render_markdown(text)

    assert "<script" not in html
    assert not re.search(r"<[^>]*\son\w+=", html)


def test_the_markdown_template_filter_renders_formulas():
    rendered = Template("{% load pacer %}{{ text|markdown }}").render(
        Context({"text": r"Note: $\sqrt{2}$ is irrational."})
    )

    assert "<msqrt><mrow><mn>2</mn></mrow></msqrt>" in rendered
