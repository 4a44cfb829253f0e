from django.template import Context, Template

from apps.core.markdown import render_markdown


def test_markdown_renders_emphasis_lists_and_links():
    html = render_markdown("**Read** [the paper](https://arxiv.org/abs/1707.06347)\n\n- one\n- two")

    assert "<strong>Read</strong>" in html
    assert '<a href="https://arxiv.org/abs/1707.06347" rel="noopener noreferrer nofollow">' in html
    assert "<li>one</li>" in html


def test_markdown_drops_scripts_event_handlers_and_javascript_links():
    html = render_markdown(
        "<script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))\n\n"
        '<a href="javascript:alert(4)" onclick="alert(5)">x</a>'
    )

    assert "<script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<img" not in html


def test_markdown_filter_in_templates_and_empty_input():
    rendered = Template("{% load pacer %}{{ text|markdown }}").render(
        Context({"text": "*hi* <b onmouseover=x>there</b>"})
    )

    assert "<em>hi</em>" in rendered
    assert "onmouseover" not in rendered
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_markdown_keeps_the_line_breaks_a_person_typed():
    html = render_markdown("Agenda:\nlabs to write to\nthe reading group")

    assert html.count("<br") == 2
    assert html.startswith("<p>")
    assert html.count("<p>") == 1
