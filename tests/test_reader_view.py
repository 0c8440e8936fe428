"""What a reader sees first (issue 20), checked in headless Chromium (Debian's, driven by
Playwright): on a 375 x 812 phone an article's title and first paragraph are on the first
screen and listings start high; the menu opens without JavaScript; nothing scrolls sideways
at 320 px; the new pages (author, standalone page, subscribe) have no serious axe problem;
a feed opened in the browser is a styled page. Screenshots of home, article, category,
author, page and subscribe at 375 and 1280 px, light and dark, go to tests/artifacts/."""

from __future__ import annotations

import shutil

import feedparser
import pytest

from clients import ARTIFACTS, REPO, serve
from conftest import NOW
from skillsite.build import BuildOptions, build
from test_browser import serious_violations, sideways, wait_for_search_results

PHONE, PHONE_HEIGHT, NARROW, DESKTOP = 375, 812, 320, 1280
SHOTS = {"home": "", "article": "articles/writing-a-cv-that-gets-read/", "category": "category/jobs/",
         "author": "author/sadia_rahman/", "page": "about/", "subscribe": "subscribe/"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    build(root, BuildOptions(now=NOW))
    with serve(root / "output") as url:
        yield url, root / "output"


def _page(browser, url: str, width: int = PHONE, scheme: str = "light", javascript: bool = True):
    context = browser.new_context(viewport={"width": width, "height": PHONE_HEIGHT}, color_scheme=scheme,
                                  java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(url)
    return page


def _top(page, selector: str) -> float:
    """Where the first element matching ``selector`` starts, in px from the top of the page."""
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().top + window.scrollY")


def test_an_article_shows_its_title_and_first_paragraph_on_the_first_phone_screen(browser, sample):
    url, _ = sample
    page = _page(browser, url + SHOTS["article"])
    heading, paragraph = _top(page, "article h1"), _top(page, ".article-body > p")
    page.context.close()
    assert heading < 300, heading
    assert paragraph + 20 < PHONE_HEIGHT, paragraph  # at least its first line shows


@pytest.mark.parametrize("path, first", [("", ".lead"), ("category/jobs/", ".card"), ("tag/interview/", ".card")])
def test_listings_start_within_the_first_600_px_on_a_phone(browser, sample, path, first):
    url, _ = sample
    page = _page(browser, url + path)
    top = _top(page, f"main {first}")
    page.context.close()
    assert top < 600, f"{path or 'home'}: {top}"


def test_search_results_start_within_the_first_600_px_on_a_phone(browser, sample):
    url, _ = sample
    page = _page(browser, url + "search/?q=interview")
    wait_for_search_results(page)
    top = _top(page, ".search-result")
    page.context.close()
    assert top < 600, top


def test_the_menu_opens_without_javascript(browser, sample):
    url, _ = sample
    page = _page(browser, url + SHOTS["article"], javascript=False)
    menu = page.locator(".site-menu a", has_text="Archive")
    assert not menu.is_visible()  # collapsed behind one control on a phone
    page.locator(".site-nav-toggle").click()
    assert menu.is_visible()
    page.context.close()


def test_the_announcement_is_on_the_home_page_only(browser, sample):
    url, _ = sample
    page = _page(browser, url)
    assert page.locator(".announcement").count() == 1
    page.goto(url + SHOTS["article"])
    assert page.locator(".announcement").count() == 0
    page.context.close()


def test_nothing_scrolls_sideways_at_320_px(browser, sample):
    url, output = sample
    paths = sorted(p.relative_to(output).as_posix().removesuffix("index.html") for p in output.rglob("*.html"))
    assert len(paths) > 60
    assert sideways(browser, url, paths, NARROW) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(SHOTS))
def test_each_kind_of_page_has_no_serious_violations_and_is_photographed(browser, sample, name, scheme):
    url, _ = sample
    for width in (PHONE, DESKTOP):
        page = _page(browser, url + SHOTS[name], width, scheme)
        assert serious_violations(page) == [], f"{name} at {width} px, {scheme}"
        page.screenshot(path=ARTIFACTS / f"reader-{name}-{width}-{scheme}.png", full_page=width == DESKTOP)
        page.context.close()


@pytest.mark.parametrize("feed", ["feed.xml", "atom.xml", "category/jobs/feed.xml"])
def test_a_feed_opened_in_the_browser_is_a_styled_page_and_feed_readers_read_every_entry(browser, sample, feed):
    url, output = sample
    page = _page(browser, url + feed)
    assert page.locator("h1").count() == 1
    assert page.locator("article, li.feed-entry").count() >= 3
    assert "does not appear to have any style information" not in page.content()
    background = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert background  # the site's stylesheet applies
    page.screenshot(path=ARTIFACTS / f"reader-feed-{feed.replace('/', '-')}-{PHONE}-light.png")
    page.context.close()
    parsed = feedparser.parse((output / feed).read_bytes())
    assert not parsed.bozo
    assert len(parsed.entries) >= 3 and all(entry.title and entry.link for entry in parsed.entries)


def test_language_bn_shows_the_sample_site_in_bangla(browser, tmp_path):
    root = tmp_path / "bn"
    root.mkdir()
    (root / "site.yaml").write_text((REPO / "site.yaml").read_text().replace("language: en\n", "language: bn\n"))
    shutil.copytree(REPO / "content", root / "content")
    build(root, BuildOptions(now=NOW))
    with serve(root / "output") as url:
        page = _page(browser, url + SHOTS["article"])
        assert page.locator("html").get_attribute("lang") == "bn"
        assert page.locator(".site-nav-toggle").inner_text().strip() == "মেনু"
        assert page.locator("article time").first.inner_text() == "১০ জুলাই, ২০১৯"
        assert serious_violations(page) == []
        page.screenshot(path=ARTIFACTS / f"reader-article-bn-{PHONE}-light.png")
        page.goto(url)
        assert page.locator(".section-more a").first.inner_text() == "Career বিভাগের সব লেখা (৪টি)"
        page.screenshot(path=ARTIFACTS / f"reader-home-bn-{PHONE}-light.png")
        page.context.close()
