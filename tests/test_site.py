"""Whole-site integrity of the sample site and of the real-world corpus: every article has
its page, every sitemap URL its file, every internal link and image its target, every
feed parses."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

import feedparser

from skillsite.build import BuildOptions, build
from skillsite.build import load_documents
from skillsite.config import load_config
from conftest import NOW, active_content

BASE = "https://forum.skill.jobs/"


class PageParser(HTMLParser):
    """Collects a page's ids, <h1> texts, and the URLs it links to or loads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "h1":
            self._in_h1 += 1
            self.h1.append("")
        for name in ("href", "src"):
            if attributes.get(name) is not None and not (tag == "link" and attributes.get("rel") == "canonical"):
                self.urls.append(attributes[name])
        if tag == "meta" and attributes.get("http-equiv") == "refresh":
            self.urls.append(attributes["content"].split("url=", 1)[1])

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 -= 1

    def handle_data(self, data):
        if self._in_h1:
            self.h1[-1] += data


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def file_for(output: Path, site_path: str) -> Path:
    path = output / unquote(site_path)
    return path / "index.html" if site_path.endswith("/") or site_path == "" else path


_SEARCH_FORM = re.compile(r'<form class="site-search" role="search" action="/search/" method="get">\s*'
                          r'<label [^<>]*>[^<>]*</label>\s*<input [^<>]*name="q"[^<>]*>\s*'
                          r'<button type="submit">Search</button>\s*</form>')
_SEARCH_PAGE_FORM = re.compile(r'<form class="search-form" role="search" action="/search/" method="get">.*?</form>'
                               r'|<button class="search-more" type="button" id="site\.search-more" hidden>[^<>]*</button>', re.S)
_JSON_LD = re.compile(r'<script type="application/ld\+json">[^<]*</script>')
_SEARCH_SCRIPT = re.compile(r'<script src="/static/search\.js\?v=[0-9a-f]{10}" defer></script>')


def without_theme_scripts(path: Path, output: Path) -> str:
    """A page without what the theme itself puts there on purpose: the header's search box
    (a plain GET form to /search/), JSON-LD data blocks (which never run, and hold no '<':
    see views.json_ld), and on the search page only, the theme's own search.js, its search form and its "More
    results" button."""
    html = path.read_text(encoding="utf-8")
    html = _JSON_LD.sub("", _SEARCH_FORM.sub("", html, count=1))
    if path == output / "search" / "index.html":
        html = _SEARCH_PAGE_FORM.sub("", _SEARCH_SCRIPT.sub("", html, count=1), count=2)
    return html


def check_site(site_dir: Path) -> None:
    """Every promise of the build about its own output."""
    config = load_config(site_dir)
    output = config.output_dir
    documents, _ = load_documents(config)
    pages = {p: parse_page(p) for p in sorted(output.rglob("*.html"))}

    # every published article has a page whose <h1> is its title
    published = [d for d in documents if not d.meta.draft and d.meta.date <= NOW]
    for document in published:
        page = pages[output / "articles" / document.meta.slug / "index.html"]
        assert [" ".join(h.split()) for h in page.h1] == [document.meta.title], document.path

    # every URL in the sitemap has its file
    sitemap = ElementTree.parse(output / "sitemap.xml").getroot()
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locations) == len(set(locations)) > len(published)
    for location in locations:
        assert location.startswith(BASE)
        assert file_for(output, location[len(BASE):]).is_file(), location

    # every internal link and image resolves (and links within a page find their id);
    # nothing active in any page
    for path, page in pages.items():
        page_url = BASE + path.relative_to(output).as_posix().removesuffix("index.html")
        for url in page.urls:
            absolute = urljoin(page_url, url)
            if not absolute.startswith(BASE):
                continue
            parts = urlsplit(absolute)
            target = file_for(output, parts.path[len(urlsplit(BASE).path):])
            assert target.is_file(), f"{path}: {url} -> {target}"
            if parts.fragment and target == path:
                assert unquote(parts.fragment) in pages[target].ids, f"{path}: {url}"
        assert active_content(without_theme_scripts(path, output)) == [], path

    # every feed parses without errors and links only to absolute URLs
    for feed in sorted(output.rglob("*.xml")):
        if feed.name == "sitemap.xml":
            continue
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, f"{feed}: {parsed.get('bozo_exception')}"
        assert all(entry.link.startswith(BASE) for entry in parsed.entries)


def test_sample_site_keeps_every_promise(sample_site):
    build(sample_site, BuildOptions(now=NOW))
    check_site(sample_site)


def test_every_real_world_article_publishes_and_keeps_every_promise(corpus_site):
    result = build(corpus_site, BuildOptions(now=NOW))
    pages = corpus_site / "content" / "pages"  # the sample site's standalone pages, not articles
    assert result.articles == len([p for p in (corpus_site / "content").rglob("*.md") if p.parent != pages])
    assert [w for w in result.warnings if w.severity == "error"] == []
    check_site(corpus_site)


def test_right_to_left_articles_carry_their_language_and_direction(corpus_site):
    build(corpus_site, BuildOptions(now=NOW))
    page = (corpus_site / "output/articles/legal-ar/index.html").read_text(encoding="utf-8")
    assert '<h1 lang="ar" dir="rtl" ' in page and '<div class="article-body" lang="ar" dir="rtl" ' in page
