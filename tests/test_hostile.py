"""Hostile input: nothing active from an article reaches a reader, in pages or feeds.

Every vector is checked twice: it is live (a renderer without the sanitiser lets the
oracle find it) and it is dead once skillsite renders it. Hypothesis then builds thousands
of documents from hostile fragments, cut and recombined, and the oracle reads every page
and every feed item. Front-matter text comes back exactly as written, escaped; address
fields take http(s) only, and say so.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL_CONFIG, NOW, active_content, article, elements, write_tree
from skillsite.build import BuildOptions, build
from skillsite.config import load_config
from skillsite.build import load_documents
from skillsite.markdown import LinkTargets, make_markdown, render_markdown
from skillsite.model import BuildFailed, FrontMatter, SourceDocument
from test_feeds import FEED_NAMES, feed_items, parse, read_json_feed
from test_markdown import HOSTILE

MD = make_markdown()
TARGETS = LinkTargets("/", MappingProxyType({}), MappingProxyType({}))
META = FrontMatter(title="t", date=datetime(2024, 3, 5, tzinfo=timezone.utc), authors=("a",), category="jobs", slug="a")

# Vectors beyond test_markdown's HOSTILE table, by what they try.
VECTORS = {
    **HOSTILE,
    "svg-animate": '<svg><animate onbegin="alert(1)" attributeName="x"></animate></svg>\n',
    "svg-use-data": '<svg><use href="data:image/svg+xml;base64,PHN2Zz4="></use></svg>\n',
    "svg-foreign": "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>\n",
    "iframe-srcdoc": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>\n',
    "frameset": '<frameset><frame src="javascript:alert(1)"></frameset>\n',
    "form-in-markdown": 'Text <form action="https://evil.example/"><input type="submit"></form> text.\n',
    "isindex": '<isindex action="javascript:alert(1)" type="image">\n',
    "base-inline": 'Text <base href="https://evil.example/"> text.\n',
    "meta-csp": '<meta http-equiv="Content-Security-Policy" content="default-src *">\n',
    "meta-inline": 'Text <meta http-equiv="refresh" content="0;url=javascript:alert(1)"> text.\n',
    "style-td": "| a |\n|---|\n| x |\n\n<table><tr><td style=\"background:url(javascript:alert(1))\">x</td></tr></table>\n",
    "style-expression": '<div style="width: expression(alert(1))">x</div>\n',
    "style-import": "<style>@import 'javascript:alert(1)';</style>\n",
    "on-unknown-element": '<x-widget onclick="alert(1)">x</x-widget>\n',
    "on-uppercase": '<P ONMOUSEOVER="alert(1)">x</P>\n',
    "on-slash": '<div><img/src="https://example.org/a.png"/onerror=alert(1) alt="a"></div>\n',
    "img-srcset": '<img src="https://example.org/a.png" srcset="javascript:alert(1) 1x" alt="a">\n',
    "video-poster": '<video poster="javascript:alert(1)"><source src="javascript:alert(1)"></video>\n',
    "applet-portal": '<applet code="x"></applet><portal src="https://evil.example/"></portal>\n',
    "link-import": '<link rel="import" href="https://evil.example/x.html">\n',
    "javascript-hex-entity": '<a href="&#x6A;avascript:alert(1)">x</a>\n',
    "javascript-named-tab": '<a href="java&Tab;script:alert(1)">x</a>\n',
    "javascript-colon-entity": '<a href="javascript&#58;alert(1)">x</a>\n',
    "javascript-spaces": '<a href="   javascript:alert(1)">x</a>\n',
    "javascript-markdown-entity": "[x](&#106;avascript:alert(1)) and [y](java&#x09;script:alert(1))\n",
    "javascript-markdown-angle": "[x](<javascript:alert(1)>) ![i](javascript:alert(1))\n",
    "javascript-autolink": "<javascript:alert(1)> and <vbscript:msgbox(1)>\n",
    "javascript-reference-title": '[x]\n\n[x]: javascript:alert(1) "title"\n',
    "javascript-footnote": "A[^1]\n\n[^1]: [x](javascript:alert(1))\n",
    "vbscript-uppercase": '<a href="VBScript:msgbox(1)">x</a>\n',
    "data-text-html": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n",
    "data-entity": '<a href="&#100;ata:text/html,<script>alert(1)</script>">x</a>\n',
    "livescript": '<a href="livescript:alert(1)">x</a>\n',
    "split-tag": "<scr<script>ipt>alert(1)</scr</script>ipt>\n",
    "markdown-in-html": '<aside markdown="1">[x](javascript:alert(1)) <script>alert(1)</script></aside>\n',
    "markdown-in-html-onclick": '<div markdown="1" onclick="alert(1)">*x*</div>\n',
    "code-span-not-code": "`<script>` is fine as code, <script>alert(1)</script> is not\n",
    "noembed-xmp": "<noembed><script>alert(1)</script></noembed><xmp><script>alert(1)</script></xmp>\n",
    "template": "<template><script>alert(1)</script></template>\n",
    "object-param": '<object><param name="src" value="javascript:alert(1)"><embed src="x.swf"></object>\n',
}


# Live in a browser, though html.parser (the oracle) reads them otherwise: HTML5 closes
# '<!-->' at once and ends '<![CDATA[' outside SVG at the first '>'. The sanitiser's output
# holds no '<!' at all, so the two tokenizers agree on it.
TOKENIZER_QUIRKS = {
    "comment-breakout": "<!--><script>alert(1)</script>-->\n",
    "comment-bang-close": "<!-- x --!><script>alert(1)</script>-->\n",
    "cdata-breakout": "<div><![CDATA[><script>alert(1)</script>]]></div>\n",
}
# Dead before the sanitiser already (markdown-it escapes or replaces them); kept so they stay dead.
INERT_ALREADY = {
    "javascript-nul": '<a href="java\x00script:alert(1)">x</a>\n',
    "heading-id": '## Title {#x"onmouseover="alert(1)}\n',
    "img-slash-inline": 'Text <img/src="https://example.org/a.png"/onerror=alert(1)> text\n',
}


def careless_render(body: str) -> str:
    """What a renderer without skillsite's sanitiser would publish: markdown-it with raw
    HTML on and every link accepted."""
    md = make_markdown()
    md.validateLink = lambda url: True
    return md.render(body)


def rendered(body: str) -> str:
    document = SourceDocument("content/jobs/a.md", "jobs/a.md", META, body, 7, {})
    return render_markdown(MD, document, TARGETS).html


# --- the vectors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body", VECTORS.values(), ids=VECTORS.keys())
def test_every_vector_is_live_without_the_sanitiser_and_dead_with_it(body):
    assert active_content(careless_render(body), fragment=True) != [], "the vector or the oracle is broken"
    assert active_content(rendered(body), fragment=True) == []


@pytest.mark.parametrize("body", TOKENIZER_QUIRKS.values(), ids=TOKENIZER_QUIRKS.keys())
def test_comment_and_cdata_tricks_are_live_without_the_sanitiser_and_leave_nothing_with_it(body):
    assert "<script>" in careless_render(body)
    assert "<script" not in rendered(body) and "<!" not in rendered(body)


@pytest.mark.parametrize("body", INERT_ALREADY.values(), ids=INERT_ALREADY.keys())
def test_vectors_markdown_already_escapes_stay_dead(body):
    assert active_content(rendered(body), fragment=True) == []


def test_harmless_html_survives_next_to_hostile_html():
    body = ('<aside class="note" onclick="alert(1)">Keep <em>this</em>.</aside>\n\n'
            '<figure><img src="https://example.org/a.png" alt="A" onerror="alert(1)"><figcaption>Cap</figcaption></figure>\n\n'
            '<table><tr><th scope="col">Role</th></tr><tr><td style="text-align:right">Analyst</td></tr></table>\n\n'
            '<div dir="rtl" lang="ar"><script>alert(1)</script>مرحبا</div>\n')
    assert rendered(body) == (
        '<aside class="note">Keep <em>this</em>.</aside>\n'
        '<figure><img src="https://example.org/a.png" alt="A" loading="lazy"><figcaption>Cap</figcaption></figure>\n'
        '<table><tbody><tr><th scope="col">Role</th></tr><tr><td style="text-align:right">Analyst</td></tr></tbody>'
        '</table>\n<div dir="rtl" lang="ar">مرحبا</div>\n')


# --- the property test ---------------------------------------------------------------------------

# Pieces of attacks, cut where a filter might cut them, and the Markdown around them.
PIECES = (
    "<", ">", "</", "/>", "<script>", "</script>", "script", "<svg", "<svg onload=alert(1)>", "<math>", "<iframe",
    "<img src=x", " onerror=alert(1)", " onclick=", "<a href=", "<a href=\"", "\">", "'", "\"", "`", "=",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "jav&#x09;ascript:", "&#106;avascript:", "&#x6A;", "&#0000106",
    "&colon;", "&Tab;", "&#10;", "vbscript:", "data:text/html,", "data:image/svg+xml,", "alert(1)", "<style>",
    "style=\"background:url(javascript:alert(1))\"", "<base href=//evil.example>", "<meta http-equiv=refresh ",
    "content=0;url=javascript:alert(1)>", "<form action=", "<input ", "<button formaction=", "<object data=",
    "<embed src=", "<!--", "-->", "<![CDATA[", "]]>", "<noscript>", "<template>", "<xmp>", "<details open ontoggle=",
    "[", "]", "](", ")", "![", "<", "<http://x.example/>", "[ref]: ", "\n[ref]: javascript:alert(1)\n", "[ref]",
    "*", "**", "_", "~~", "`", "```\n", "    ", "> ", "- ", "1. ", "| a |\n|---|\n| ", "## ", "{#", "}", "[^1]",
    "\n[^1]: ", '<aside markdown="1">', "</aside>", '<div dir="rtl">', "</div>", "<p>", "<table><tr><td ",
    "&amp;", "&lt;", "&quot;", "\\", "\u202e", "é", "مرحبا", " ", "\n", "\n\n",
)
hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), min_size=1, max_size=16).map("".join)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
def test_no_document_made_of_hostile_fragments_renders_anything_active(body):
    html = rendered(body)
    assert active_content(html, fragment=True) == []
    assert not re.search(r"<[!?]", html)  # no comment or declaration a browser could read otherwise


def test_the_oracle_finds_what_an_unsanitised_renderer_lets_through():
    """The same documents, rendered without the sanitiser: the oracle must flag most of
    those that carry a live piece, or the property test above proves nothing."""
    flagged = []

    @settings(max_examples=500, deadline=None, database=None, derandomize=True)  # same documents every run
    @given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=16).map("".join))
    def count(body):
        try:
            flagged.append(bool(active_content(careless_render(body), fragment=True)))
        except AssertionError:  # html.parser gives up on a '<![' it cannot read; so does no browser
            flagged.append(True)
        assert active_content(rendered(body), fragment=True) == []

    count()
    assert sum(flagged) > len(flagged) // 4, f"only {sum(flagged)} of {len(flagged)} unsanitised renders flagged"


# --- whole pages and feeds -----------------------------------------------------------------------

_CHROME = (  # the theme's own active elements, each allowed once a page
    ("<script>", lambda a: a.get("type") == "application/ld+json"),
    ("<script>", lambda a: re.fullmatch(r"/(\S*/)?static/search\.js\?v=[0-9a-f]{10}", a.get("src") or "") is not None),
    ("<form>", lambda a: a.get("class") == "site-search" and (a.get("action") or "").endswith("/search/")),
    ("<input>", lambda a: a.get("id") == "site-search-q"),
    ("<button>", lambda a: a == {"type": "submit"}),
    # the search page's own form (a GET form to /search/) and its "More results" button
    ("<form>", lambda a: a.get("class") == "search-form" and (a.get("action") or "").endswith("/search/")),
    ("<input>", lambda a: a.get("id") == "site.search-box"),
    ("<button>", lambda a: a.get("id") == "site.search-more" and a.get("type") == "button"),
)


def page_active_content(html: str) -> list[str]:
    """The oracle on a whole page, less the theme's own search form, JSON-LD and search
    script (each at most once)."""
    found = Counter(active_content(html))
    for tag, attributes in elements(html):
        for index, (name, is_chrome) in enumerate(_CHROME):
            if f"<{tag}>" == name and is_chrome(attributes):
                found[name] -= 1
                break
    return sorted((found - Counter()).elements())  # the chrome counted off; anything else is left


def check_output(output: Path) -> None:
    """The oracle on every page and every feed item of a built site."""
    for page in sorted(output.rglob("*.html")):
        assert page_active_content(page.read_text(encoding="utf-8")) == [], page
        # the header's search form, and on the search page its own form
        allowed = 2 if page == output / "search" / "index.html" else 1
        assert len(lxml.html.fromstring(page.read_bytes()).xpath("//form")) <= allowed, page
    for name in FEED_NAMES:
        for feed in sorted(output.rglob(name)):
            for item in feed_items(feed):
                assert active_content(item["content"], fragment=True) == [], (feed, item["id"])


def text_of(page: Path, xpath: str) -> list[str]:
    tree = lxml.html.fromstring(page.read_bytes())
    return [node if isinstance(node, str) else node.text_content() for node in tree.xpath(xpath)]


def yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


HOSTILE_TEXT = "<script>alert(\"x\")</script> Tom & Jerry's \"CV\" ]]> </title><img src=x onerror=alert(1)> {{ 7*7 }}"


def test_front_matter_text_reads_back_exactly_in_the_page_and_every_feed(site):
    title, author, summary = HOSTILE_TEXT, "<b>Mod</b> \"&amp;\" 'x'", "Sum </p><script>alert(1)</script> & more"
    tags = ["<i>C#</i> & \"F#\"", "javascript:alert(1)"]
    root = site({"content/jobs/a.md": article(
        title.replace('"', '\\"'), "Body.\n", author=yaml_text(author), summary=yaml_text(summary),
        tags=yaml_text(tags))})
    build(root, BuildOptions(now=NOW))
    page = root / "output/articles/a/index.html"
    assert text_of(page, "//h1") == [title]
    assert text_of(page, "//title") == [f"{title} · Test Board"]
    assert text_of(page, "//meta[@name='description']/@content") == [summary]
    assert text_of(page, "//meta[@property='og:title']/@content") == [title]
    assert text_of(page, "//p[@class='meta']//a[@rel='author']") == [author]
    assert text_of(page, "//p[@class='tags']//a") == tags
    [ld] = text_of(page, "//script[@type='application/ld+json']")
    assert json.loads(ld)["@graph"][0]["headline"] == title
    for name in ("feed.xml", "atom.xml"):
        [entry] = parse(root / "output" / name).entries
        assert (entry.title, entry.author) == (title, author)
        assert [t.term for t in entry.tags] == ["jobs", *tags]
    assert parse(root / "output/atom.xml").entries[0].summary == summary
    [item] = read_json_feed(root / "output/feed.json")["items"]
    assert (item["title"], item["authors"][0]["name"], item["summary"], item["tags"]) == (
        title, author, summary, ["jobs", *tags])
    check_output(root / "output")


def test_a_summary_with_markup_reads_back_as_text_in_rss_too(site):
    summary = "Sum </p><script>alert(1)</script> & more"
    root = site({"content/jobs/a.md": article(summary=yaml_text(summary))})
    build(root, BuildOptions(now=NOW))
    [entry] = parse(root / "output/feed.xml").entries
    assert entry.summary_detail.type == "text/html"  # RSS <description> is HTML: what a reader shows is its text
    assert lxml.html.fragment_fromstring(entry.summary, create_parent="div").text_content() == summary


@pytest.mark.parametrize("field", ["source", "image"])
@pytest.mark.parametrize("value", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,iVBORw0KGgo=", "//evil.example/x.png", "ftp://example.org/a", "https:alert(1)",
    'https://example.org/a"onmouseover="alert(1)', "https://example.org/<script>", "java\tscript:alert(1)",
    'https://example.org/a.png" onerror="alert(1)', "https://[evil.example/", "/\\evil.example/a.png",
])
def test_address_fields_take_only_http_addresses_and_say_so(site, field, value):
    root = site({"content/jobs/a.md": article(**{field: yaml_text(value)})})
    problems = load_documents(load_config(root))[1]
    shown = " ".join(value.split())  # as every one-line field, its spaces folded
    also = " or a path on this site starting with '/'" if field == "image" else ""
    assert [p.format() for p in problems] == [
        f"content/jobs/a.md:6: error: {field}: '{shown}' is not a web address\n"
        f"  hint: use a full http:// or https:// address{also}"]


def test_image_takes_a_path_on_the_site_but_not_one_that_could_break_out(site):
    root = site({"content/jobs/a.md": article(image=yaml_text('/a.png" onerror="alert(1)')),
                 "content/jobs/b.md": article(image="/images/a.png")})
    documents, problems = load_documents(load_config(root))
    assert [d.meta.image for d in documents] == ["/images/a.png"]
    assert [p.message for p in problems] == ["image: '/a.png\" onerror=\"alert(1)' is not a web address"]


def test_a_build_with_a_hostile_address_in_front_matter_writes_nothing(site):
    root = site({"content/jobs/a.md": article(source='"javascript:alert(1)"')})
    with pytest.raises(BuildFailed):
        build(root, BuildOptions(now=NOW))
    assert not (root / "output").exists()


# --- the property test on whole builds -----------------------------------------------------------

words = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn", "Co", "Zl", "Zp")), max_size=12)
field_text = st.tuples(st.lists(st.one_of(st.sampled_from(PIECES), words), max_size=6).map("".join),
                       st.sampled_from(["x", "Tom", "ابدأ"])).map(lambda t: " ".join(f"{t[0]} {t[1]}".split()))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(st.lists(st.tuples(field_text, field_text, hostile_text, field_text), min_size=1, max_size=4))
def test_no_whole_build_of_hostile_articles_publishes_anything_active(articles):
    with tempfile.TemporaryDirectory() as folder:
        files = {"site.yaml": MINIMAL_CONFIG}
        for number, (title, summary, body, tag) in enumerate(articles):
            files[f"content/jobs/a{number}.md"] = article(
                title.replace("\\", "\\\\").replace('"', '\\"'), body, summary=yaml_text(summary),
                tags=yaml_text([tag]), date=f"2024-03-0{number + 1} 10:30")
        root = write_tree(Path(folder), files)
        build(root, BuildOptions(now=NOW, jobs=1))
        check_output(root / "output")
        titles = {text_of(root / f"output/articles/a{n}/index.html", "//h1")[0] for n in range(len(articles))}
        assert titles == {title for title, *_ in articles}
        # Atom and JSON Feed say their titles are text: they read back exactly. RSS does not say,
        # and feedparser (like many readers) takes a title that looks like markup for HTML and
        # cleans it (a tag, or a character reference written out: '&#x6A;' comes back as
        # '&#x6a;'); there, what it shows of a title with no '<' and no '&' must be exact.
        for name in ("atom.xml", "feed.json"):
            assert {item["title"] for item in feed_items(root / "output" / name)} == titles
        plain = {title for title in titles if "<" not in title and "&" not in title}
        assert plain <= {item["title"] for item in feed_items(root / "output/feed.xml")}
