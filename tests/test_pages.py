"""What pages tell readers, search engines and sharing previews: related articles, audience
pages, breadcrumbs, OpenGraph and Twitter cards, JSON-LD that no title can break out of,
the search box and the search page."""

from __future__ import annotations

import json
import re
from pathlib import Path

from skillsite.build import BuildOptions, build
from skillsite.views import json_ld
from conftest import NOW, article, elements


def page(root: Path, path: str) -> str:
    return (root / "output" / path / "index.html").read_text(encoding="utf-8")


def structured_data(html: str) -> list[dict]:
    """The JSON-LD of a page, as a search engine reads it."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [node for block in blocks for node in json.loads(block)["@graph"]]


def meta_properties(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag, attributes in elements(html):
        key = attributes.get("property") or attributes.get("name")
        if tag == "meta" and key:
            found.setdefault(key, []).append(attributes["content"])
    return found


def test_related_articles_share_tags_first_then_the_category_and_ties_go_to_the_newer(site):
    root = site({
        "content/jobs/subject.md": article("Subject", tags="[cv, interview]", date="2024-01-10"),
        "content/jobs/two-tags.md": article("Two tags", tags="[interview, cv]", category="career", date="2020-01-01"),
        "content/jobs/one-tag-old.md": article("One tag, old", tags="[cv]", category="career", date="2021-01-01"),
        "content/jobs/one-tag-new.md": article("One tag, new", tags="[cv]", category="career", date="2023-01-01"),
        "content/jobs/same-category.md": article("Same category", date="2024-05-01"),
        "content/jobs/unrelated.md": article("Unrelated", category="entrepreneurship", tags="[money]"),
    })
    build(root, BuildOptions(now=NOW))
    html = page(root, "articles/subject")
    related = re.search(r'<section class="related".*?</section>', html, re.S).group(0)
    titles = re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', related)
    assert titles == ["Two tags", "One tag, new", "One tag, old"]
    unrelated = page(root, "articles/unrelated")
    assert '<section class="related"' not in unrelated


def test_audience_pages_are_headed_for_their_readers_and_listed_with_counts(site):
    root = site({"content/jobs/a.md": article("A", audience="[jobseekers]")})
    build(root, BuildOptions(now=NOW))
    assert '<h1 class="listing-title"><bdi>For jobseekers</bdi></h1>' in page(root, "audience/jobseekers")
    index = page(root, "audience")
    assert ('<a href="/audience/jobseekers/"><bdi>For jobseekers</bdi></a> <span class="count">1'
            '<span class="visually-hidden"> article</span></span>') in index
    assert '<span class="count">0<span class="visually-hidden"> articles</span></span>' in index


def test_an_article_page_carries_opengraph_twitter_and_json_ld_for_search_engines(site):
    root = site({"content/jobs/cv.md": article(
        "Writing a CV", tags="[cv, Job Search]", image="/images/cv.png", summary="How to write a CV.",
        updated="2024-04-01", source="https://original.example.com/cv", author="Nasrin Akter")})
    build(root, BuildOptions(now=NOW))
    html = page(root, "articles/cv")
    meta = meta_properties(html)
    assert meta["og:type"] == ["article"] and meta["og:title"] == ["Writing a CV"]
    assert meta["og:description"] == ["How to write a CV."] == meta["description"]
    assert meta["og:url"] == ["https://example.org/articles/cv/"]
    assert meta["og:image"] == ["https://example.org/images/cv.png"]
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["article:published_time"] == ["2024-03-05T10:30:00+06:00"]
    assert meta["article:tag"] == ["cv", "Job Search"]
    article_node, crumbs = structured_data(html)
    assert article_node == {
        "@type": "Article", "headline": "Writing a CV", "description": "How to write a CV.",
        "url": "https://example.org/articles/cv/", "mainEntityOfPage": "https://example.org/articles/cv/",
        "datePublished": "2024-03-05T10:30:00+06:00", "dateModified": "2024-04-01T00:00:00+06:00",
        "author": {"@type": "Person", "name": "Nasrin Akter", "url": "https://example.org/author/nasrin-akter/"},
        "publisher": {"@type": "Organization", "name": "Test Board", "url": "https://example.org/"},
        "image": "https://example.org/images/cv.png", "inLanguage": "en", "articleSection": "Jobs",
        "keywords": ["cv", "Job Search"], "isBasedOn": "https://original.example.com/cv",
    }
    assert crumbs == {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": "https://example.org/"},
        {"@type": "ListItem", "position": 2, "name": "Jobs", "item": "https://example.org/category/jobs/"},
        {"@type": "ListItem", "position": 3, "name": "Writing a CV", "item": "https://example.org/articles/cv/"}]}
    # the visible breadcrumbs are the same trail
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', nav) == ["/", "/category/jobs/", "/articles/cv/"]


def test_a_hostile_title_cannot_close_the_json_ld_script(site):
    title = "</script><script>alert(1)</script><!-- & -->"
    root = site({"content/jobs/x.md": article(title.replace('"', '\\"'))})
    build(root, BuildOptions(now=NOW))
    html = page(root, "articles/x")
    scripts = [attributes for tag, attributes in elements(html) if tag == "script"]
    assert scripts == [{"type": "application/ld+json"}]
    assert structured_data(html)[0]["headline"] == title
    assert str(json_ld({"a": "</script>&"})) == '{"a":"\\u003c/script\\u003e\\u0026"}'


def test_the_home_page_describes_the_site_and_its_search_to_search_engines(site):
    root = site({"content/jobs/a.md": article("A")})
    build(root, BuildOptions(now=NOW))
    html = page(root, "")
    (website,) = structured_data(html)
    assert website["@type"] == "WebSite" and website["url"] == "https://example.org/"
    assert website["potentialAction"]["target"] == "https://example.org/search/?q={q}"
    assert meta_properties(html)["og:type"] == ["website"]
    assert meta_properties(html)["twitter:card"] == ["summary"]
    assert "og:title" not in meta_properties((root / "output/404.html").read_text(encoding="utf-8"))


def test_every_page_has_a_search_box_that_works_without_javascript(site):
    root = site({"content/jobs/a.md": article("A")})
    build(root, BuildOptions(now=NOW))
    html = page(root, "articles/a")
    form = re.search(r'<form class="site-search".*?</form>', html, re.S).group(0)
    assert [(tag, attributes) for tag, attributes in elements(form) if tag in ("form", "input")] == [
        ("form", {"class": "site-search", "role": "search", "action": "/search/", "method": "get"}),
        ("input", {"id": "site-search-q", "type": "search", "name": "q", "placeholder": "Search articles",
                   "enterkeyhint": "search"})]
    search = page(root, "search")
    assert re.search(r'<script src="/static/search\.js\?v=[0-9a-f]{10}" defer></script>', search)
    assert 'data-bundle="/pagefind/"' in search
    # no other page loads a script that runs
    assert "<script src" not in html and "<script src" not in page(root, "")


def test_article_text_is_marked_for_the_index_with_its_filters_and_what_results_show(site):
    root = site({"content/jobs/a.md": article("A", tags="[cv]", audience="[employers]", summary='"In short."'),
                 "content/jobs/b.md": article("B", lang="zh-Hans")})
    build(root, BuildOptions(now=NOW))
    html = page(root, "articles/a")
    assert html.count("data-pagefind-body") == 1 and '<article class="article" data-pagefind-body>' in html
    assert 'data-pagefind-filter="Category" data-pagefind-meta="category">Jobs</a>' in html
    assert 'data-pagefind-filter="Tag">cv</a>' in html
    assert 'data-pagefind-filter="Audience">Employers</a>' in html
    # the title is metadata (searched, weighted), not text: an excerpt never starts with it
    assert '<h1 data-pagefind-meta="title" data-pagefind-ignore>A</h1>' in html
    assert '<meta name="description" content="In short." data-pagefind-meta="summary[content]">' in html
    assert 'data-pagefind-meta="date">5 March 2024</time>' in html
    # tags and audiences are in the article's <footer>, which Pagefind leaves out of the text: metadata too
    assert '<p class="tags" data-pagefind-meta="tags">' in html and '<p class="audience" data-pagefind-meta="audience">' in html
    assert 'lang="zh-Hans" dir="ltr" data-pagefind-meta="lang[lang]">' in page(root, "articles/b")
    assert "data-pagefind-meta=\"lang" not in html
    assert "data-pagefind-body" not in page(root, "") + page(root, "category/jobs")
