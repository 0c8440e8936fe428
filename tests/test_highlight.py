"""Code highlighted at build time by Pygments: fenced code in a language Pygments knows
carries token spans after the sanitiser, any other stays plain, the code reads as written,
and the theme colours the spans legibly in light and dark (checked by axe in Chromium and
by the Nu checker on the built page)."""

from __future__ import annotations

import html
import re

import pytest

from conftest import MINIMAL_CONFIG, NOW, article, elements, write_tree
from skillsite.build import BuildOptions, build
from skillsite.highlight import (DARK_STYLE, LIGHT_STYLE, MAX_HIGHLIGHTED, TOKEN_CLASSES, contrast, scheme_rules,
                                 stylesheet_section)
from clients import REPO, serve
from test_browser import PHONE, DESKTOP, open_page, serious_violations
from test_markdown import render
from test_validation import vnu_errors

PYTHON = 'def greet(name: str) -> str:\n    """Say hello."""\n    return f"Hello, {name} & <friends>!"  # done\n'
JAVASCRIPT = "const jobs = [1, 2].map((n) => n * 2);\nconsole.log(`${jobs.length} jobs`); // two\n"
UNKNOWN = "frobnicate <all> the things & more\n"
BODY = f"## Code\n\n```python\n{PYTHON}```\n\n```js\n{JAVASCRIPT}```\n\n```frobnicator\n{UNKNOWN}```\n\n```\nno language\n```\n"


def code_text(block: str) -> str:
    """What a reader sees of a code block: its text, tags left out."""
    return html.unescape(re.sub(r"<[^>]+>", "", block))


def blocks(rendered_html: str) -> list[tuple[str, str]]:
    """(the <pre>'s opening tags, the code's HTML) of each code block."""
    return re.findall(r'(<pre[^>]*><code[^>]*>)(.*?)</code></pre>', rendered_html, re.DOTALL)


def test_python_and_javascript_carry_token_spans_and_other_code_stays_plain(site):
    found = blocks(render(site, BODY).html)
    assert [opening for opening, _ in found] == [
        '<pre class="highlight" tabindex="0"><code class="language-python">', '<pre class="highlight" tabindex="0"><code class="language-js">',
        '<pre tabindex="0"><code class="language-frobnicator">', '<pre tabindex="0"><code>']
    python, javascript, unknown, plain = (code for _, code in found)
    assert '<span class="k">def</span>' in python and '<span class="c1"># done</span>' in python
    assert '<span class="kd">const</span>' in javascript and '<span class="c1">// two</span>' in javascript
    assert "<span" not in unknown + plain
    assert [code_text(code) for code in (python, javascript, unknown)] == [PYTHON, JAVASCRIPT, UNKNOWN]


def test_the_sanitiser_keeps_every_class_highlighted_code_is_made_of_and_no_other(site):
    body = (f"```python\n{PYTHON}```\n\n```html\n<p class=\"x\">a</p>\n```\n\n"
            '<p><span class="k evil">kept</span></p>\n\n<div class="highlight">not a code block</div>\n\n'
            '<pre class="highlight other"><code class="language-x evil">x</code></pre>\n')
    rendered = render(site, body).html
    classes = {c for tag, attrs in elements(rendered) for c in (attrs.get("class") or "").split() if tag == "span"}
    assert classes and classes <= TOKEN_CLASSES
    assert '<p><span class="k">kept</span></p>\n<div>not a code block</div>' in rendered
    assert '<pre class="highlight" tabindex="0"><code class="language-x">x</code></pre>' in rendered


def test_languages_are_found_by_any_name_pygments_knows_and_plain_text_is_plain(site):
    body = "```Python3 title=\"a.py\"\nx = 1\n```\n\n```text\nx = 1\n```\n\n```sh\necho hi\n```\n"
    assert [opening for opening, _ in blocks(render(site, body).html)] == [
        '<pre class="highlight" tabindex="0"><code class="language-Python3">', '<pre tabindex="0"><code class="language-text">',
        '<pre class="highlight" tabindex="0"><code class="language-sh">']


def test_code_past_the_articles_highlighting_budget_is_shown_plain(site):
    line = "total = a + b + c + d + e + f + g + h + i\n"
    chunk = line * (MAX_HIGHLIGHTED // 2 // len(line))  # half the budget each
    body = f"```python\n{chunk}```\n\n```python\n{chunk}```\n\n```python\n{chunk}```\n"
    found = blocks(render(site, body).html)
    assert ["highlight" in opening for opening, _ in found] == [True, True, False]
    assert [code_text(code) for _, code in found] == [chunk] * 3


def test_the_themes_stylesheet_holds_the_section_pygments_makes():
    assert stylesheet_section() in (REPO / "themes/default/static/style.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("style", [LIGHT_STYLE, DARK_STYLE])
def test_every_token_colour_reads_at_4_5_to_1_on_its_background(style):
    block, rules = scheme_rules(style)
    background = re.search(r"background: (#\w+)", block)[1]
    for name, declarations in [("", block), *rules]:
        color = re.search(r"(?:^|; )color: (#\w+)", declarations)[1]
        fill = re.search(r"background-color: (#\w+)", declarations)
        assert contrast(color, fill[1] if fill else background) >= 4.5, (style, name, declarations)


def keyword_colour(style: str) -> str:
    """A keyword's colour in ``style``, as the browser computes it ('rgb(r, g, b)')."""
    declarations = dict(scheme_rules(style)[1])["k"]
    value = re.search(r"color: #(\w{6})", declarations)[1]
    return f"rgb({int(value[0:2], 16)}, {int(value[2:4], 16)}, {int(value[4:6], 16)})"


@pytest.fixture(scope="module")
def code_site(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("code"), {
        "site.yaml": MINIMAL_CONFIG, "content/jobs/code.md": article("Code for interviews", BODY)})
    build(root, BuildOptions(now=NOW))
    with serve(root / "output") as url:
        yield root / "output", url


def test_the_highlighted_page_is_valid_html(code_site):
    output, _ = code_site
    assert '<span class="k">def</span>' in (output / "articles/code/index.html").read_text(encoding="utf-8")
    count, errors = vnu_errors(output)
    assert count > 5 and errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_highlighted_code_has_no_serious_accessibility_problem_light_or_dark(browser, code_site, scheme):
    _, url = code_site
    for width in (DESKTOP, PHONE):
        page, errors = open_page(browser, url + "articles/code/", width, scheme)
        colours = page.evaluate("""() => [...document.querySelectorAll('pre.highlight .k')]
            .map(e => getComputedStyle(e).color)""")
        assert set(colours) == {keyword_colour(LIGHT_STYLE if scheme == "light" else DARK_STYLE)}
        assert serious_violations(page) == [] and errors == []
        page.context.close()
