"""What readers get, checked in headless Chromium (Debian's chromium driven by Playwright):
axe-core finds no serious or critical accessibility problem, nothing scrolls sideways on a
phone, search finds articles through the site's own Pagefind bundle, reading needs no
JavaScript. Screenshots (desktop 1280 px and phone 375 px) go to tests/artifacts/ for a
person to look at."""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from skillsite.build import BuildOptions, build
from clients import ARTIFACTS, REPO, axe_script, serve
from conftest import NOW

PHONE, DESKTOP = 375, 1280
AXE_PAGES = {"home": "", "article": "articles/writing-a-cv-that-gets-read/", "category": "category/jobs/",
             "tag": "tag/interview/", "404": "404.html", "search": "search/?q=interview"}
SERIOUS = ("serious", "critical")
BLANK = "<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>"


@dataclass(frozen=True, slots=True)
class Served:
    """A built site served on 127.0.0.1."""

    url: str
    """The base URL, ending in '/'."""
    output: Path
    """The folder served."""

    def pages(self, under: str = "") -> list[str]:
        """Site paths of its HTML pages (those under ``under``)."""
        names = (p.relative_to(self.output).as_posix() for p in self.output.rglob("*.html"))
        return sorted(name.removesuffix("index.html") for name in names if name.startswith(under))


@contextmanager
def built_and_served(root: Path):
    build(root, BuildOptions(now=NOW))
    with serve(root / "output") as url:
        yield Served(url, root / "output")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    with built_and_served(root) as served:
        yield served


@pytest.fixture(scope="module")
def corpus(corpus_site):
    with built_and_served(corpus_site) as served:
        yield served


def open_page(browser, url: str, width: int, scheme: str = "light", javascript: bool = True):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                  java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    # no network here: a curated article's remote picture gets a blank one, so that the page
    # is judged on itself (a phone-first layout brings lazy pictures near the first screen)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),
                  lambda route: route.fulfill(status=200, content_type="image/svg+xml", body=BLANK))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    if "search/?q=" in url:
        wait_for_search_results(page)
    return page, errors


def wait_for_search_results(page) -> None:
    """Until the search page has shown its results (search.js adds each once its fragment
    has loaded)."""
    page.wait_for_selector(".search-result")


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(axe_script()))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]}))
        .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))""")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in violations if v["impact"] in SERIOUS]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_no_serious_or_critical_violations(browser, sample, name, scheme):
    for width in (DESKTOP, PHONE):
        page, errors = open_page(browser, sample.url + AXE_PAGES[name], width, scheme)
        assert serious_violations(page) == [], f"{name} at {width} px, {scheme}"
        assert errors == []
        if scheme == "light" or name == "article":
            page.screenshot(path=ARTIFACTS / f"{name}-{width}-{scheme}.png", full_page=True)
        page.context.close()


def test_a_right_to_left_article_has_no_serious_violations_either(browser, corpus):
    page, errors = open_page(browser, corpus.url + "articles/legal-ar/", PHONE)
    assert page.locator("div.article-body").get_attribute("dir") == "rtl"
    assert serious_violations(page) == []
    assert errors == []
    page.screenshot(path=ARTIFACTS / f"article-rtl-{PHONE}-light.png", full_page=True)
    page.context.close()


def sideways(browser, base: str, paths: list[str], width: int = PHONE) -> list[str]:
    """The pages that scroll sideways at ``width`` (a phone's), with their widths."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    wide = []
    for path in paths:
        page.goto(base + path)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            wide.append(f"{path}: {scroll} px wide")
    context.close()
    return wide


def test_nothing_scrolls_sideways_on_a_phone_on_any_page_of_the_sample_site(browser, sample):
    paths = sample.pages()
    assert len(paths) > 60
    assert sideways(browser, sample.url, paths) == []


def test_no_real_world_article_scrolls_sideways_on_a_phone(browser, corpus):
    paths = corpus.pages("articles/")
    assert len(paths) > 70
    assert sideways(browser, corpus.url, paths) == []


def test_a_search_for_a_word_from_an_article_returns_that_article(browser, sample):
    page, errors = open_page(browser, sample.url + "search/?q=bookkeeping", DESKTOP)
    titles = page.locator(".search-result .card-title").all_inner_texts()
    assert "Bookkeeping Basics for Freelancers and Small Traders" in titles
    assert all(not re.search(r"Latest articles|Archive|Tags", title) for title in titles)  # articles only
    assert errors == []
    page.context.close()


def test_the_header_search_box_leads_to_results(browser, sample):
    page, errors = open_page(browser, sample.url + "category/career/", PHONE)
    page.click(".site-nav-toggle")  # on a phone the search box is behind the menu
    page.fill("#site-search-q", "networking")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=networking$"))
    wait_for_search_results(page)
    assert "Building Your Network Through Professional Associations" in page.locator(
        ".search-result .card-title").all_inner_texts()
    assert page.input_value("#site-search-q") == "networking"
    page.screenshot(path=ARTIFACTS / f"search-header-{PHONE}-light.png", full_page=True)
    assert errors == []
    page.context.close()


def test_search_filters_by_category_audience_and_tag(browser, sample):
    page, errors = open_page(browser, sample.url + "search/", DESKTOP)
    page.wait_for_selector("select[data-filter]", state="attached")
    filters = page.evaluate("""async () => {
        const options = [...document.querySelectorAll("select[data-filter] option")];
        const filters = {};
        for (const option of options.filter(o => o.value)) {
            const [, value, count] = option.textContent.match(/^(.*) \\((\\d+)\\)$/);
            (filters[option.parentElement.dataset.filter] ??= {})[value] = Number(count);
        }
        return filters; }""")
    assert sorted(filters) == ["Audience", "Category", "Tag"]
    assert filters["Category"] == {"Career": 4, "Entrepreneurship": 5, "Jobs": 6}
    assert filters["Audience"]["Jobseekers"] == 7 and filters["Tag"]["Interview"] == 2  # as the articles spell it
    page.select_option("select[data-filter='Category']", "Career")  # no words: every article in it
    page.wait_for_function("() => document.querySelectorAll('.search-result').length === 4")
    assert page.locator("#site\\.search-count").inner_text() == "4 articles found."
    assert errors == []
    page.context.close()


def test_reading_needs_no_javascript_and_the_search_page_says_what_it_needs(browser, sample):
    page, _ = open_page(browser, sample.url + "articles/writing-a-cv-that-gets-read/", PHONE, javascript=False)
    assert page.locator("h1").inner_text() == "Writing a CV That Gets Read"
    assert page.locator(".article-body h2").count() >= 5
    page.goto(sample.url + "search/?q=cv")
    assert page.locator("#site\\.search-needs-script").is_visible()
    assert page.locator(".search-browse a").count() >= 3
    page.screenshot(path=ARTIFACTS / f"search-without-javascript-{PHONE}-light.png", full_page=True)
    page.context.close()
