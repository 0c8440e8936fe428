"""Article bodies -> safe HTML: Markdown features, headings, summaries, links, sanitising.

The article under test is content/jobs/a.md, whose body starts on line 7 (``article()``
writes six front matter lines, so body line N is file line N + 6).
"""

from __future__ import annotations


import pytest

from conftest import MINIMAL_CONFIG, active_content, article, elements
from skillsite.config import load_config
from skillsite.build import load_documents
from skillsite.markdown import make_markdown, render_markdown
from skillsite.site import link_targets, placement
from skillsite.model import Heading, RenderedMarkdown

A = "content/jobs/a.md"


def render(site, body: str, *, files: dict | None = None, config: str = MINIMAL_CONFIG,
           **fields) -> RenderedMarkdown:
    """Render content/jobs/a.md (``body`` and front matter ``fields``) in a site that also
    holds ``files``; every article of the site is a link target."""
    root = site({"site.yaml": config, A: article(body=body, **fields), **(files or {})})
    site_config = load_config(root)
    documents, problems = load_documents(site_config)
    assert [p for p in problems if p.severity == "error"] == []
    targets = link_targets(site_config.base_path, [placement(d) for d in documents])
    document = next(d for d in documents if d.path == A)
    return render_markdown(make_markdown(), document, targets)


def warnings(rendered: RenderedMarkdown) -> list[str]:
    return [w.format() for w in rendered.warnings]


# --- Markdown -------------------------------------------------------------------------------------

def test_renders_commonmark_paragraphs_emphasis_lists_code_and_quotes(site):
    body = "Some *em*, **strong** and `code`.\n\n- one\n- two\n\n> quoted\n\n```pseudocode\nx = 1 < 2\n```\n"
    assert render(site, body).html == (
        "<p>Some <em>em</em>, <strong>strong</strong> and <code>code</code>.</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        '<pre tabindex="0"><code class="language-pseudocode">x = 1 &lt; 2\n</code></pre>\n'  # one Pygments knows: test_highlight.py
    )


def test_renders_tables_with_column_alignment(site):
    assert render(site, "| Skill | Weeks |\n|:--|--:|\n| Excel | 4 |\n").html == (
        "<table>\n<thead>\n<tr>\n"
        '<th style="text-align:left">Skill</th>\n<th style="text-align:right">Weeks</th>\n'
        "</tr>\n</thead>\n<tbody>\n<tr>\n"
        '<td style="text-align:left">Excel</td>\n<td style="text-align:right">4</td>\n'
        "</tr>\n</tbody>\n</table>\n"
    )


def test_renders_strikethrough(site):
    assert render(site, "Salary ~~negotiable~~ fixed.\n").html == "<p>Salary <s>negotiable</s> fixed.</p>\n"


def test_renders_footnotes_linked_both_ways(site):
    html = render(site, "A claim.[^src]\n\n[^src]: The source.\n").html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html
    assert '<li id="fn1" class="footnote-item"><p>The source. <a href="#fnref1" class="footnote-backref">' in html


# --- headings -------------------------------------------------------------------------------------

def test_gives_each_heading_a_unique_id_from_its_text(site):
    html = render(site, "# Hello, World!\n\n# Hello, World!\n\n# ???\n").html
    assert html == ('<h2 id="hello-world">Hello, World!</h2>\n<h2 id="hello-world-1">Hello, World!</h2>\n'
                    '<h2 id="section">???</h2>\n')


def test_keeps_arabic_and_chinese_letters_in_heading_ids(site):
    rendered = render(site, "# مرحبا بالعالم\n\n# 你好世界\n")
    assert rendered.html == '<h2 id="مرحبا-بالعالم">مرحبا بالعالم</h2>\n<h2 id="你好世界">你好世界</h2>\n'
    assert [h.anchor for h in rendered.toc] == ["مرحبا-بالعالم", "你好世界"]


def test_puts_headings_under_the_page_h1_and_lists_them_for_the_table_of_contents(site):
    rendered = render(site, "# Top\n\n## Middle\n\n### Deep `code`\n\nSetext\n======\n")
    assert [(tag, attrs["id"]) for tag, attrs in elements(rendered.html) if tag != "code"] == [
        ("h2", "top"), ("h3", "middle"), ("h4", "deep-code"), ("h2", "setext")]
    assert rendered.toc == (Heading(2, "top", "Top"), Heading(3, "middle", "Middle"),
                            Heading(4, "deep-code", "Deep code"), Heading(2, "setext", "Setext"))


def test_never_skips_a_heading_level(site):
    rendered = render(site, "### Starts deep\n\n# Top\n\n### Skips a level\n\n###### Far down\n")
    assert [h.level for h in rendered.toc] == [2, 2, 3, 4]
    assert [tag for tag, _ in elements(rendered.html)] == ["h2", "h2", "h3", "h4"]


def test_raw_html_headings_do_not_add_a_second_h1_to_the_page(site):
    rendered = render(site, "<h1>Pasted title</h1>\n\nText.\n")
    assert "h1" not in [tag for tag, _ in elements(rendered.html)]


def test_raw_html_headings_are_placed_with_the_markdown_ones_never_skipping_a_level(site):
    body = ("## Setup\n\n<div class=\"note\">\n  <h5>ProTip: keep it short</h5>\n  <p>A note.</p>\n</div>\n\n"
            "<h1>Pasted</h1>\n\n#### Under it\n\n<aside markdown=\"1\">\n\n### Inside an aside\n\n</aside>\n")
    rendered = render(site, body)
    assert [tag for tag, _ in elements(rendered.html) if tag.startswith("h")] == ["h2", "h3", "h2", "h3", "h3"]
    assert "<h3>ProTip: keep it short</h3>" in rendered.html and "<h2>Pasted</h2>" in rendered.html
    assert [(h.level, h.anchor) for h in rendered.toc] == [(2, "setup"), (3, "under-it"), (3, "inside-an-aside")]


# --- summary and word count ---------------------------------------------------------------------------

def test_uses_the_summary_field_when_there_is_one(site):
    assert render(site, "First paragraph.\n", summary='"What the moderator wrote."').summary == \
        "What the moderator wrote."


def test_summarises_with_the_first_paragraph_as_plain_text(site):
    body = "# Heading\n\n<div>raw</div>\n\nThe **first** [paragraph](https://example.org/)\nover two lines.[^1]\n\nNext.\n\n[^1]: Note.\n"
    assert render(site, body).summary == "The first paragraph over two lines."


def test_shortens_a_long_first_paragraph_at_a_word_past_300_characters(site):
    words = [f"word{n}" for n in range(80)]
    summary = render(site, " ".join(words) + ".\n").summary
    assert len(" ".join(words)) > 300
    assert summary.endswith("…")
    assert len(summary) <= 301
    kept = summary[:-1].split(" ")
    assert kept == words[:len(kept)] and len(" ".join(words[:len(kept) + 1])) > 300


def test_counts_the_words_of_text_headings_tables_and_code(site):
    body = "# Two words\n\nThree **more** [words](https://example.org/).\n\n| a | b |\n|---|---|\n| c | d |\n\n```\nx = 1\n```\n"
    assert render(site, body).words == 2 + 3 + 4 + 3


# --- links between articles -----------------------------------------------------------------------

def test_turns_links_to_other_articles_files_into_their_urls(site):
    rendered = render(site, "[b](./b.md), [c](../career/c.md#part-two), [d](d%20e.md), [e](<d e.md#x>)\n",
                      files={"content/jobs/b.md": article(), "content/career/c.md": article(slug="see"),
                             "content/jobs/d e.md": article(slug="de")})
    assert [attrs["href"] for tag, attrs in elements(rendered.html) if tag == "a"] == [
        "/articles/b/", "/articles/see/#part-two", "/articles/de/", "/articles/de/#x"]
    assert rendered.warnings == ()


def test_drops_a_link_to_a_missing_article_with_a_warning_naming_file_and_line(site):
    rendered = render(site, "Intro.\n\nSee [the guide](./nope.md) first.\n")
    assert rendered.html == "<p>Intro.</p>\n<p>See the guide first.</p>\n"
    assert warnings(rendered) == [
        f"{A}:9: warning: the link to './nope.md' does not lead to a published article; the link was removed\n"
        "  hint: check the file name and folder (paths are relative to this article's file)"
    ]


def test_names_the_line_of_each_broken_link_even_inside_a_long_paragraph(site):
    body = "A paragraph\nthat goes on\nto a [broken](./gone.md) link.\n\nAnd [again](./gone.md).\n"
    assert [w.line for w in render(site, body).warnings] == [9, 11]


def test_refuses_links_that_climb_out_of_the_content_folder(site):
    rendered = render(site, "[x](../../site.yaml.md) [y](../../../../etc/passwd.md)\n")
    assert [tag for tag, attrs in elements(rendered.html)] == ["p"]  # the links' text stays, as plain text
    assert rendered.html == "<p>x y</p>\n"
    assert [w.message for w in rendered.warnings] == [
        "the link to '../../site.yaml.md' does not lead to a published article; the link was removed",
        "the link to '../../../../etc/passwd.md' does not lead to a published article; the link was removed",
    ]


def test_resolves_a_curated_articles_links_and_images_against_its_source(site):
    body = ("[rel](other/page.html) [root](/about/) ![chart](../img/chart.png) [top](#top) [q](?page=2)\n\n"
            '<img src="pic.jpg" alt="p">\n')
    rendered = render(site, body, source="https://old.example.com/blog/2020/post.html")
    assert [(tag, attrs.get("href") or attrs.get("src")) for tag, attrs in elements(rendered.html)] == [
        ("p", None),
        ("a", "https://old.example.com/blog/2020/other/page.html"),
        ("a", "https://old.example.com/about/"),
        ("img", "https://old.example.com/blog/img/chart.png"),
        ("a", "#top"),
        ("a", "https://old.example.com/blog/2020/post.html?page=2"),
        ("img", "https://old.example.com/blog/2020/pic.jpg"),
    ]


def test_a_curated_link_to_another_curated_articles_source_becomes_that_articles_url(site):
    rendered = render(site, "[sibling](sibling.html#part) and [root](/blog/2020/sibling.html)\n",
                      source="https://old.example.com/blog/2020/post.html",
                      files={"content/career/s.md": article(source="https://old.example.com/blog/2020/sibling.html")})
    assert [attrs["href"] for tag, attrs in elements(rendered.html) if tag == "a"] == [
        "/articles/s/#part", "/articles/s/"]


@pytest.mark.parametrize("base_url, prefix", [("https://example.org/", "/"),
                                              ("https://example.org/forum/", "/forum/")])
def test_prefixes_root_relative_links_with_the_base_path(site, base_url, prefix):
    config = MINIMAL_CONFIG.replace("https://example.org/", base_url)
    rendered = render(site, '[about](/about/) ![logo](/images/logo.png) [b](./b.md)\n\n<a href="/jobs/">jobs</a>\n',
                      config=config, files={"content/jobs/b.md": article()})
    assert [attrs.get("href") or attrs.get("src") for tag, attrs in elements(rendered.html) if tag != "p"] == [
        f"{prefix}about/", f"{prefix}images/logo.png", f"{prefix}articles/b/", f"{prefix}jobs/"]


# --- repaired and dropped addresses ---------------------------------------------------------------------

def test_encodes_a_raw_html_address_with_space_stray_percent_and_pipe_with_a_warning(site):
    rendered = render(site, 'Intro.\n\n<a href="https://example.org/a b|c 100%">report</a>\n')
    assert [attrs["href"] for tag, attrs in elements(rendered.html) if tag == "a"] == [
        "https://example.org/a%20b%7Cc%20100%25"]
    assert warnings(rendered) == [
        f"{A}:9: warning: the address 'https://example.org/a b|c 100%' contains characters not allowed in a URL; "
        "it was encoded as 'https://example.org/a%20b%7Cc%20100%25'\n  hint: write spaces as %20 or fix the address"
    ]


def test_warns_about_a_markdown_link_with_a_space_stray_percent_or_pipe_when_encoding_it(site):
    rendered = render(site, "[a](<https://example.org/a b.pdf>)\n\n[b](https://example.org/100%)\n\n"
                            "[c](https://example.org/a|b)\n")
    assert [attrs["href"] for tag, attrs in elements(rendered.html) if tag == "a"] == [
        "https://example.org/a%20b.pdf", "https://example.org/100%25", "https://example.org/a%7Cb"]
    assert [(w.line, w.severity) for w in rendered.warnings] == [(7, "warning"), (9, "warning"), (11, "warning")]


def test_drops_an_html_image_whose_address_is_a_template_leftover_with_a_warning(site):
    rendered = render(site, "Intro.\n\n<img src=\"{require('./logo.png').default}\" alt=\"logo\">\n\nMore.\n")
    assert "img" not in [tag for tag, _ in elements(rendered.html)]
    assert warnings(rendered) == [
        f"{A}:9: warning: the address '{{require('./logo.png').default}}' is a template expression left over "
        "from another site generator; the image was removed\n  hint: replace it with a real address"
    ]


def test_drops_a_markdown_image_whose_address_is_a_template_leftover_with_a_warning(site):
    rendered = render(site, "Intro.\n\n![logo]({require('./logo.png').default})\n")
    assert "img" not in [tag for tag, _ in elements(rendered.html)]
    assert [(w.path, w.line) for w in rendered.warnings] == [(A, 9)]
    assert "template expression" in rendered.warnings[0].message


# --- sanitising -------------------------------------------------------------------------------------

HOSTILE = {
    "script-block": "<script>alert(1)</script>\n",
    "script-inline": "Text <script>alert(1)</script> more.\n",
    "iframe": '<iframe src="https://evil.example/"></iframe>\n',
    "form": '<form action="https://evil.example/"><input name="q"><button formaction="javascript:alert(1)">Go</button></form>\n',
    "style-element": "<style>body { display: none }</style>\n",
    "style-attribute": '<div style="background:url(javascript:alert(1))">x</div>\n',
    "svg-script": '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">x</a></svg>\n',
    "svg-onload": "<svg onload=alert(1)></svg>\n",
    "math-mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>\n",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>\n',
    "onclick": '<p onclick="alert(1)">x</p>\n',
    "onerror": '<img src="https://example.org/a.png" onerror="alert(1)" alt="a">\n',
    "ontoggle": "<details open ontoggle=alert(1)>x</details>\n",
    "javascript-href": '<a href="javascript:alert(1)">x</a>\n',
    "javascript-markdown": "[x](javascript:alert(1))\n\n[y][ref]\n\n[ref]: JavaScript:alert(1)\n",
    "javascript-entity": '<a href="&#106;avascript:alert(1)">x</a>\n',
    "javascript-padded-entity": '<a href="&#0000106avascript&colon;alert(1)">x</a>\n',
    "javascript-tab": '<a href="java\tscript:alert(1)">x</a>\n',
    "javascript-newline-entity": '<a href="java&#10;script:alert(1)">x</a>\n',
    "javascript-leading-control": '<a href="&#1; JaVaScRiPt:alert(1)">x</a>\n',
    "vbscript": '<a href="vbscript:msgbox(1)">x</a> <img src="vbscript:msgbox(1)" alt="v">\n',
    "data-href": '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>\n',
    "data-image": '![x](data:image/png;base64,iVBORw0KGgo=) <img src="data:image/svg+xml,<svg onload=alert(1)>">\n',
    "blockquote-cite": '<blockquote cite="javascript:alert(1)">q</blockquote>\n',
    "object-embed": '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">\n',
    "base": '<base href="https://evil.example/">\n',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">\n',
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">\n',
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_nothing_that_can_run_script_survives(site, body):
    assert active_content(render(site, body).html, fragment=True) == []


@pytest.mark.parametrize("html, problem", [
    ("<script>x</script>", "<script>"),
    ('<p onclick="x">y</p>', "p[onclick]"),
    ('<a href="&#106;avascript:x">y</a>', "a[href='javascript:x']"),
    ('<a href=" java\tscript:x">y</a>', "a[href=' java\\tscript:x']"),
    ('<img src="DATA:image/png,x">', "img[src='DATA:image/png,x']"),
    ('<meta http-equiv="refresh">', "<meta>"),
])
def test_the_safety_check_itself_catches_what_it_looks_for(html, problem):
    assert active_content(html, fragment=True) == [problem]


def test_keeps_the_text_around_removed_elements(site):
    assert render(site, "Before <script>alert(1)</script> after.\n").html == "<p>Before  after.</p>\n"


def test_keeps_the_html_curated_articles_need(site):
    body = ('<aside class="note">Remember this.</aside>\n\n'
            '<figure><img src="https://example.org/chart.png" alt="A chart" width="640" height="480">'
            "<figcaption>Hiring in 2024</figcaption></figure>\n\n"
            '<table><tr><th>Role</th></tr><tr><td>Analyst</td></tr></table>\n\n'
            '<div dir="rtl" lang="ar">مرحبا</div>\n')
    assert render(site, body).html == (
        '<aside class="note">Remember this.</aside>\n'
        '<figure><img src="https://example.org/chart.png" alt="A chart" width="640" height="480" loading="lazy">'
        "<figcaption>Hiring in 2024</figcaption></figure>\n"
        "<table><tbody><tr><th>Role</th></tr><tr><td>Analyst</td></tr></tbody></table>\n"
        '<div dir="rtl" lang="ar">مرحبا</div>\n'
    )


def test_renders_markdown_inside_html_marked_markdown_1_as_kramdown_does(site):
    body = ('<aside markdown="1" class="note">\n'
            '  <img src="https://example.org/a.png" alt="avatar">\n'
            "  You'll learn <em>a lot</em> from *one* project.\n"
            '  <p markdown="1">— @gaearon [on joining projects](https://example.org/joining)</p>\n'
            "</aside>\n")
    assert render(site, body).html == (
        '<aside class="note">\n'
        '  <img src="https://example.org/a.png" alt="avatar" loading="lazy">\n'
        "<p>You'll learn <em>a lot</em> from <em>one</em> project.</p>\n"
        '<p>— @gaearon <a href="https://example.org/joining">on joining projects</a></p>\n'
        "</aside>\n"
    )


def test_explicit_heading_ids_are_kept_so_old_links_still_land(site):
    rendered = render(site, "## Pick a language {#pick-language}\n\nSee [above](#pick-language).\n")
    assert rendered.html.startswith('<h2 id="pick-language">Pick a language</h2>')
    assert rendered.toc == (Heading(2, "pick-language", "Pick a language"),)


def test_keeps_only_the_themes_classes_and_well_formed_attributes(site):
    body = '<div class="note evil-overlay" dir="sideways" lang="not a tag">x</div>\n\n<img src="https://example.org/a.png" alt="a" width="100%">\n'
    assert render(site, body).html == (
        '<div class="note">x</div>\n<img src="https://example.org/a.png" alt="a" loading="lazy">\n')
