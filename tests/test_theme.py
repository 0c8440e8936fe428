"""The default theme's reader features (issue 20) and its interface in the site's language
(issue 21, point 5), built from small sites: the front page's lead, pinned articles and
sections; authors as people; older/newer within the category; standalone pages; the
subscribe page and the feeds' stylesheet; tag display names; a Bangla interface."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from skillsite.build import BuildOptions, build
from skillsite.cli import main
from skillsite.model import BuildFailed
from conftest import MINIMAL_CONFIG, NOW, article

AUTHORS = """\
authors:
  sadia_rahman:
    name: Sadia Rahman
    bio: Career counsellor in Dhaka.
  sara: {name: سارة أحمد, bio: كاتبة.}
"""


def page(root: Path, path: str) -> str:
    return (root / "output" / path / "index.html").read_text(encoding="utf-8")


def card_titles(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def failure(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, BuildOptions(now=NOW))
    return [d.format() for d in failed.value.diagnostics if d.severity == "error"]


# --- the front page ---------------------------------------------------------------------------

def test_the_home_page_leads_with_the_newest_then_a_section_per_category_showing_nothing_twice(site):
    root = site({f"content/jobs/j{n}.md": article(f"Job {n}", date=f"2024-0{n}-01") for n in range(1, 6)}
                | {"content/career/c1.md": article("Career 1", category="career", date="2023-01-01")})
    build(root, BuildOptions(now=NOW))
    home = page(root, "")
    lead = re.search(r'<section class="lead".*?</section>', home, re.S).group(0)
    assert card_titles(lead) == ["Job 5"]
    sections = re.findall(r'<section class="section".*?</section>', home, re.S)
    assert [card_titles(s) for s in sections] == [["Career 1"], ["Job 4", "Job 3", "Job 2"]]
    assert '<a href="/category/jobs/">All 5 articles in Jobs</a>' in sections[1]
    assert "entrepreneurship" not in "".join(sections)  # a category without articles has no section


def test_a_pinned_article_leads_the_home_page_and_tops_its_category_until_unpinned(site):
    files = {f"content/jobs/j{n}.md": article(f"Job {n}", date=f"2024-0{n}-01") for n in range(1, 5)}
    root = site({**files, "content/jobs/j1.md": article("Job 1", date="2024-01-01", pinned="true")})
    build(root, BuildOptions(now=NOW))
    lead = re.search(r'<section class="lead".*?</section>', page(root, ""), re.S).group(0)
    assert card_titles(lead) == ["Job 1"] and "Pinned" in lead
    assert card_titles(page(root, "category/jobs")) == ["Job 1", "Job 4", "Job 3", "Job 2"]
    archive = re.findall(r'</time> <a href="[^"]+">([^<]+)</a>', page(root, "archive"))
    assert archive == ["Job 4", "Job 3", "Job 2", "Job 1"]  # the archive keeps to dates
    (root / "content/jobs/j1.md").write_text(article("Job 1", date="2024-01-01"))
    build(root, BuildOptions(now=NOW))
    assert card_titles(page(root, "category/jobs"))[0] == "Job 4"


# --- authors ----------------------------------------------------------------------------------

def test_declared_authors_show_their_names_and_bios_and_an_article_can_have_several(site):
    root = site({"site.yaml": MINIMAL_CONFIG + AUTHORS,
                 "content/jobs/a.md": article("Two", author="[sadia_rahman, sara]", lang="en"),
                 "content/jobs/b.md": article("Free", author="Someone New", date="2024-01-01")})
    build(root, BuildOptions(now=NOW))
    html = page(root, "articles/a")
    assert ('By <a href="/author/sadia_rahman/" rel="author"><bdi>Sadia Rahman</bdi></a> and '
            '<a href="/author/sara/" rel="author"><bdi>سارة أحمد</bdi></a>') in html
    assert "Career counsellor in Dhaka." in html
    author = page(root, "author/sadia_rahman")
    assert '<h1 class="listing-title"><bdi>Sadia Rahman</bdi></h1>' in author
    assert '<p class="listing-description">Career counsellor in Dhaka.</p>' in author
    assert '<bdi>Someone New</bdi>' in page(root, "articles/b")  # undeclared: shown as written
    rss = feedparser.parse((root / "output/feed.xml").read_bytes())
    assert [a.get("name") for a in rss.entries[0].authors] == ["Sadia Rahman", "سارة أحمد"]


def test_check_lists_the_authors_site_yaml_does_not_declare_and_stays_green(site):
    root = site({"site.yaml": MINIMAL_CONFIG + AUTHORS,
                 "content/jobs/a.md": article("A", author="[sadia_rahman, Someone New]")})
    run = CliRunner().invoke(main, ["check", str(root)], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    assert ("  author not in site.yaml's authors: Someone New (content/jobs/a.md:4; shown as written)"
            in run.output.splitlines())


def test_an_author_field_given_as_a_set_of_fields_is_named_with_the_fix(site):
    root = site({"content/jobs/a.md": article("A", author="{name: Ann}")})
    assert failure(root) == [
        "content/jobs/a.md:4: error: author: must be a name or a list of names, not a set of fields\n"
        "  hint: write author: nasrin_akter, or author: [nasrin_akter, rafiq_islam]; an author's display name, "
        "bio and link go in site.yaml's authors:"]


def test_an_unknown_field_of_an_author_in_site_yaml_is_named_at_its_line(site):
    root = site({"site.yaml": MINIMAL_CONFIG + "authors:\n  ann:\n    name: Ann\n    bioo: Writer.\n",
                 "content/jobs/a.md": article("A")})
    [error] = failure(root)
    assert error.startswith("site.yaml:17: error: unknown field 'bioo' (did you mean 'bio'?)")


# --- older and newer --------------------------------------------------------------------------

def test_older_and_newer_stay_within_the_category_and_say_which_way(site):
    root = site({"content/jobs/old.md": article("Old job", date="2024-01-01"),
                 "content/career/mid.md": article("Career", category="career", date="2024-02-01"),
                 "content/jobs/new.md": article("New job", date="2024-03-01")})
    build(root, BuildOptions(now=NOW))
    nav = re.search(r'<nav class="older-newer".*?</nav>', page(root, "articles/new"), re.S).group(0)
    assert 'aria-label="More in Jobs"' in nav
    assert re.search(r'class="older" href="/articles/old/"><span class="older-newer-label">Older in Jobs</span>', nav)
    assert "newer" not in nav.split("</a>")[-1] and "/articles/mid/" not in nav
    assert '<nav class="older-newer"' not in page(root, "articles/mid")  # alone in its category


# --- standalone pages -------------------------------------------------------------------------

def test_a_page_is_published_at_its_slug_in_the_sitemap_and_in_no_feed_listing_or_search(site):
    root = site({"content/pages/about.md": "---\ntitle: About us\n---\nWho we are. See [a](../jobs/a.md).\n",
                 "content/jobs/a.md": article("A", body="Read [about us](../pages/about.md).\n")})
    result = build(root, BuildOptions(now=NOW))
    assert result.articles == 1
    about = page(root, "about")
    assert "<h1>About us</h1>" in about and "Who we are." in about and 'href="/articles/a/"' in about
    assert "data-pagefind-body" not in about  # not in the search index
    assert "<loc>https://example.org/about/</loc>" in (root / "output/sitemap.xml").read_text()
    assert 'href="/about/"' in page(root, "articles/a")
    for feed in ("feed.xml", "atom.xml", "feed.json"):
        assert "About us" not in (root / "output" / feed).read_text()
    assert "About us" not in page(root, "") + page(root, "archive") + page(root, "category/jobs")


def test_a_page_with_an_article_field_is_told_what_a_page_has(site):
    root = site({"content/pages/about.md": "---\ntitle: About\ndate: 2024-01-01\n---\nText.\n"})
    [error] = failure(root)
    assert error.startswith("content/pages/about.md:3: error: unknown field 'date'")
    assert "a page's front matter (a page has a title and a body only)" in error


def test_a_page_cannot_take_the_address_of_the_sites_own_pages(site):
    root = site({"content/pages/tag.md": "---\ntitle: Tags\n---\nText.\n"})
    assert failure(root) == ["content/pages/tag.md:1: error: the page's address /tag/ belongs to the site's own "
                             "pages\n  hint: give the page another slug: field (or rename its file)"]


# --- subscribing ------------------------------------------------------------------------------

def test_one_subscribe_link_leads_to_a_page_offering_the_sites_and_each_categorys_feed(site):
    root = site({"content/jobs/a.md": article("A"), "content/career/b.md": article("B", category="career")})
    build(root, BuildOptions(now=NOW))
    home = page(root, "")
    assert home.count('href="/subscribe/"') == 1 and 'href="/feed.xml"' not in home.split("<footer")[1]
    subscribe = page(root, "subscribe")
    feeds = re.findall(r'<a class="feed-main" href="([^"]+)"', subscribe)
    assert feeds == ["/feed.xml", "/category/career/feed.xml", "/category/jobs/feed.xml",
                     "/category/entrepreneurship/feed.xml"]  # site.yaml's order


def test_rss_and_atom_name_the_stylesheet_and_feed_readers_still_read_every_entry(site):
    root = site({f"content/jobs/a{n}.md": article(f"A{n}", date=f"2024-0{n}-01") for n in range(1, 4)})
    build(root, BuildOptions(now=NOW))
    for feed in ("feed.xml", "atom.xml", "category/jobs/atom.xml"):
        raw = (root / "output" / feed).read_bytes()
        assert raw.split(b"\n")[1] == b'<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>'
        parsed = feedparser.parse(raw)
        assert not parsed.bozo and [e.title for e in parsed.entries] == ["A3", "A2", "A1"]
    xsl = (root / "output/feed.xsl").read_text()
    assert xsl.startswith('<?xml version="1.0"') and "<xsl:stylesheet" in xsl
    assert "feed.xsl" not in (root / "output/sitemap.xml").read_text()


# --- tags -------------------------------------------------------------------------------------

def test_tag_pages_and_cards_use_the_spelling_articles_write(site):
    root = site({"content/jobs/a.md": article("A", tags="[Job search, CV]")})
    build(root, BuildOptions(now=NOW))
    assert '<h1 class="listing-title"><bdi>Job search</bdi></h1>' in page(root, "tag/job-search")
    assert '<a href="/tag/job-search/" rel="tag"><bdi>Job search</bdi></a>' in page(root, "category/jobs")


# --- the interface in the site's language -----------------------------------------------------

def test_language_bn_gives_a_bangla_interface_with_bangla_dates_and_digits(site):
    root = site({"site.yaml": MINIMAL_CONFIG + "language: bn\n",
                 "content/jobs/a.md": article("A", date="2024-03-05 10:30", lang="en")})
    build(root, BuildOptions(now=NOW))
    html = page(root, "articles/a")
    assert html.startswith('<!DOCTYPE html>\n<html lang="bn" dir="ltr">')
    assert "মূল লেখায় যান" in html and ">মেনু<" in html  # skip link, menu
    assert '<time datetime="2024-03-05T10:30:00+06:00" data-pagefind-meta="date">৫ মার্চ, ২০২৪</time>' in html
    assert "পড়তে ১ মিনিট" in html
    assert '<div class="article-body" lang="en" dir="ltr" data-pagefind-meta="lang[lang]">' in html  # the article keeps its own language
    assert "<language>bn</language>" in (root / "output/feed.xml").read_text()
    assert "Skip to the content" not in html and "min read" not in html


def test_a_language_without_a_translation_falls_back_to_english_with_a_warning(site):
    root = site({"site.yaml": MINIMAL_CONFIG + "language: de\n", "content/jobs/a.md": article("A")})
    result = build(root, BuildOptions(now=NOW))
    assert [w.format() for w in result.warnings if "translation" in w.message] == [
        "site.yaml: warning: language: the theme has no translation into 'de': its texts are shown in English\n"
        "  hint: add i18n/de.yaml to the theme (a copy of i18n/en.yaml, translated)"]
    assert "Skip to the content" in page(root, "articles/a")


def test_a_sites_own_translation_file_overrides_texts_and_its_mistakes_are_named_at_their_line(site):
    root = site({"site.yaml": MINIMAL_CONFIG + "language: bn\ntheme: mine\n",
                 "themes/mine/i18n/bn.yaml": "menu: তালিকা\nreading_time:\n  one: '{count} মিনিট'\n"
                                             "  other: '{minutes} মিনিট'\n",
                 "content/jobs/a.md": article("A")})
    assert failure(root) == [
        "themes/mine/i18n/bn.yaml:2: error: reading_time: '{minutes}' is not a placeholder of this text\n"
        "  hint: placeholders it may use: {count}"]
    (root / "themes/mine/i18n/bn.yaml").write_text("menu: তালিকা\n")
    build(root, BuildOptions(now=NOW))
    html = page(root, "articles/a")
    assert ">তালিকা<" in html and "মূল লেখায় যান" in html  # the rest from the theme's bn.yaml
