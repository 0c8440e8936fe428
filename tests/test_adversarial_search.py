"""Adversarial: the search page in Chromium, with tags, categories, audiences and titles
written to run script. Pagefind gives filter names and values as HTML (and the search page
shows them, with titles and summaries); whoever writes a tag must not be able to run script
for everyone who follows a crafted ``/search/?q=`` link. Each payload pushes its name onto ``window.ran`` (and any dialog is
recorded): nothing may be pushed, and every filter reads as the text written."""

from __future__ import annotations

import html

import pytest

from clients import CHROMIUM_FLAGS, chromium_path, missing, serve
from conftest import MINIMAL_CONFIG, NOW, article, write_tree
from skillsite.build import BuildOptions, build
from skillsite.pagefind import find_binary
from skillsite.templates import builtin_themes_dir


def payloads(name: str) -> list[str]:
    """Ways to run script from text put into a page as HTML, each reporting ``name``."""
    run = f"window.ran.push('{name}')"
    return [f"<img src=x onerror={run}>",
            f'"><svg onload="{run}">',
            f"<details open ontoggle={run}>x</details>",
            f"<iframe srcdoc='<script>parent.{run}</script>'></iframe>",
            f"<style onload={run}></style>",
            f"<a href=javascript:{run} id=pf-{name}>link</a>",
            f"<math><mi xlink:href=javascript:{run}>m</mi></math>"]


TAGS = payloads("tag")
CATEGORY_TITLE = payloads("category")[0]
AUDIENCE_TITLE = payloads("audience")[1]
ENTITY_TAG = "&lt;b&gt;not bold&lt;/b&gt; &amp; co"
"""Text written as entities: Pagefind decodes filter text twice, so it shows decoded, as
text (``<b>not bold</b> & co``), never as markup."""


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def hostile_search(tmp_path_factory):
    if find_binary() is None or not find_binary().is_file():
        missing("the Pagefind binary is not installed (pip install -e '.[dev]' brings pagefind[extended])")
    config = MINIMAL_CONFIG.replace("{key: jobs, title: Jobs}", "{key: jobs, title: " + _yaml(CATEGORY_TITLE) + "}")
    config = config.replace("{key: jobseekers, title: Jobseekers}",
                            "{key: jobseekers, title: " + _yaml(AUDIENCE_TITLE) + "}")
    tags = "[" + ", ".join(_yaml(tag) for tag in (*TAGS, ENTITY_TAG, "plain")) + "]"
    root = write_tree(tmp_path_factory.mktemp("hostile-search"), {
        "site.yaml": config,
        "content/jobs/a.md": article("Interview " + payloads("title")[0], "An interview " + payloads("body")[0] + " &amp;lt;img src=x "
                                     "onerror=window.ran.push('entity')&amp;gt;\n\n## Interview " + payloads("heading")[1] + "\n",
                                     tags=tags, audience="[jobseekers]", author=_yaml(payloads("author")[0])),
        "content/jobs/b.md": article("Second interview", "Interview text.\n", tags="[plain]"),
    })
    # the site's own article template marks the author as a filter too: whatever a theme marks is safe
    theme = root / "themes/default/templates"
    theme.mkdir(parents=True)
    default = (builtin_themes_dir() / "default/templates/article.html").read_text(encoding="utf-8")
    marked = default.replace("{% block content %}", "{% block content %}\n<p data-pagefind-filter=\"Author\" "
                            "hidden>{% for author in article.authors %}{{ author.title }}{% endfor %}</p>", 1)
    assert marked != default
    (theme / "article.html").write_text(marked, encoding="utf-8")
    build(root, BuildOptions(now=NOW))
    assert (root / "output/pagefind/shards.json").is_file()
    with serve(root / "output") as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def _search(chromium, url: str):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script("window.ran = []")
    page.goto(url)
    page.wait_for_selector(".search-result")
    page.wait_for_selector("select[data-filter]", state="attached")
    page.wait_for_timeout(500)  # handlers of anything that got in, images that failed to load
    return page, dialogs


@pytest.mark.parametrize("query", ["interview", "interview%20%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"])
def test_no_tag_category_audience_title_or_author_runs_script_on_the_search_page(chromium, hostile_search, query):
    page, dialogs = _search(chromium, f"{hostile_search}search/?q={query}")
    assert page.evaluate("window.ran") == [] and dialogs == []
    assert page.locator(".search-result img, .search-result svg, .search-result iframe, .search-form img").count() == 0
    labels = [" ".join(text.split()) for text in page.locator("select[data-filter] option").all_inner_texts()]
    for written in (*TAGS, html.unescape(ENTITY_TAG), CATEGORY_TITLE, AUDIENCE_TITLE, payloads("author")[0]):
        assert any(label.startswith(" ".join(written.split()) + " (") for label in labels), (written, "\n".join(labels))
    # the result's title and category read as written, as text
    cards = page.locator(".search-result").all_inner_texts()
    assert any("Interview " + payloads("title")[0] in card and CATEGORY_TITLE in card for card in cards), cards
    page.context.close()


def test_choosing_a_hostile_filter_still_filters(chromium, hostile_search):
    page, dialogs = _search(chromium, f"{hostile_search}search/?q=interview")
    assert page.locator(".search-result").count() == 2
    tag = page.locator("select[data-filter='Tag']")
    value = tag.locator("option", has_text=TAGS[0]).get_attribute("value")
    tag.select_option(value)
    page.wait_for_function("() => document.querySelectorAll('.search-result').length === 1")
    assert page.evaluate("window.ran") == [] and dialogs == []
    page.context.close()
