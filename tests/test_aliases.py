"""Old addresses that keep working: aliases as old slugs and as full old paths, the
redirect page at each very path, the ``_redirects`` map, and feed ids that stay unique and
never change."""

from __future__ import annotations

import pytest

from skillsite.build import BuildOptions, build
from skillsite.config import load_config
from skillsite.build import load_documents
from skillsite.model import BuildFailed
from clients import serve
from conftest import MINIMAL_CONFIG, NOW, article
from test_feeds import all_guids

OLD_PATHS = '["/2014/04/07/mind-the-gap/", "/posts/x", "/docs/plugins/filters/index.html", "/blog/gap.html"]'


def test_each_old_path_gets_a_redirect_page_at_that_very_path(site):
    root = site({"content/jobs/gap.md": article("Mind the gap", aliases=OLD_PATHS)})
    build(root, BuildOptions(now=NOW))
    for file in ("2014/04/07/mind-the-gap/index.html", "posts/x/index.html", "docs/plugins/filters/index.html",
                 "blog/gap.html"):
        page = (root / "output" / file).read_text()
        assert '<meta http-equiv="refresh" content="0; url=/articles/gap/">' in page, file
        assert '<link rel="canonical" href="https://example.org/articles/gap/">' in page, file
    assert (root / "output/_redirects").read_text() == (
        "/2014/04/07/mind-the-gap/ /articles/gap/ 301\n"
        "/blog/gap.html /articles/gap/ 301\n"
        "/docs/plugins/filters/ /articles/gap/ 301\n"
        "/posts/x/ /articles/gap/ 301\n")
    assert "2014" not in (root / "output/sitemap.xml").read_text()  # redirect pages are not listed


def test_old_paths_answer_a_browser_with_the_new_page(site, browser):
    root = site({"content/jobs/gap.md": article("Mind the gap", aliases=OLD_PATHS)})
    build(root, BuildOptions(now=NOW))
    with serve(root / "output") as url:
        page = browser.new_page()
        for old in ("2014/04/07/mind-the-gap/", "posts/x/", "docs/plugins/filters/", "blog/gap.html"):
            page.goto(url + old)
            page.wait_for_url(url + "articles/gap/")
            assert page.locator("h1").inner_text() == "Mind the gap", old
        page.close()


def test_the_redirect_map_is_under_the_base_path_and_keeps_the_sites_own_rules_first(site):
    config = MINIMAL_CONFIG.replace("base_url: https://example.org/", "base_url: https://example.org/board/")
    root = site({"site.yaml": config, "static/_redirects": "/shop/* https://shop.example.org/:splat 302\n",
                 "content/jobs/gap.md": article(aliases='[old-gap, "/caf%C3%A9/"]')})
    build(root, BuildOptions(now=NOW))
    assert (root / "output/_redirects").read_text() == (
        "/shop/* https://shop.example.org/:splat 302\n"
        "# old addresses of articles (aliases)\n"
        "/board/articles/old-gap/ /board/articles/gap/ 301\n"
        "/board/caf%C3%A9/ /board/articles/gap/ 301\n")
    assert (root / "output/café/index.html").is_file()


def test_no_redirect_map_without_aliases(site):
    root = site({"content/jobs/gap.md": article()})
    build(root, BuildOptions(now=NOW))
    assert not (root / "output/_redirects").exists()


def test_an_id_minted_from_a_slug_stays_and_an_old_path_gives_its_own(site):
    root = site({
        "content/jobs/renamed.md": article("Renamed", aliases="[interview-tips, /old/renamed/]"),
        # Jekyll's redirect_from '…/index.html' cut to its last segment made these two ids one
        "content/jobs/a.md": article("A", aliases='["/2019/a/index.html"]'),
        "content/jobs/b.md": article("B", aliases='["/2019/b/index.html"]'),
        "content/jobs/c.md": article("C", aliases='["/articles/old-c/"]'),
    })
    build(root, BuildOptions(now=NOW))
    assert all_guids(root / "output")["feed.json"] == {
        "Renamed": "tag:example.org,2024:2024-03-05:interview-tips",
        "A": "tag:example.org,2024:2024-03-05:/2019/a/",
        "B": "tag:example.org,2024:2024-03-05:/2019/b/",
        "C": "tag:example.org,2024:2024-03-05:old-c",  # /articles/old-c/ is the old slug old-c's address
    }


@pytest.mark.parametrize("spelling", ['"/2019/a"', '"/2019/a/"', '"/2019/a/index.html"'])
def test_every_spelling_of_one_old_address_gives_one_feed_id(site, spelling):
    root = site({"content/jobs/a.md": article("A", aliases=f"[{spelling}]")})
    build(root, BuildOptions(now=NOW))
    assert all_guids(root / "output")["feed.json"] == {"A": "tag:example.org,2024:2024-03-05:/2019/a/"}
    assert (root / "output/2019/a/index.html").is_file()


def problems(root) -> list[str]:
    return [d.format() for d in load_documents(load_config(root))[1]]


def test_two_spellings_of_one_old_address_in_two_articles_are_one_claim(site):
    root = site({"content/jobs/a.md": article(aliases='["/2019/x/"]'),
                 "content/jobs/b.md": article(aliases='["/2019/x/index.html"]')})
    assert problems(root) == [
        "content/jobs/b.md:6: error: alias '/2019/x/index.html' is already used by content/jobs/a.md\n"
        "  hint: an alias keeps an old URL working; remove it if that URL now belongs to the other article "
        "(both want /2019/x/)"]


def test_an_old_path_that_is_another_articles_page_is_refused(site):
    root = site({"content/jobs/a.md": article(), "content/jobs/b.md": article(aliases='["/articles/a/"]')})
    assert problems(root) == [
        "content/jobs/b.md:6: error: alias '/articles/a/' is already used by content/jobs/a.md\n"
        "  hint: an alias keeps an old URL working; remove it if that URL now belongs to the other article "
        "(both want /articles/a/)"]


def test_an_old_path_that_is_the_articles_own_page_is_refused(site):
    root = site({"content/jobs/a.md": article(aliases='["/articles/a/index.html"]')})
    assert problems(root) == [
        "content/jobs/a.md:6: error: aliases: '/articles/a/index.html' is the article's own address\n"
        "  hint: aliases lists only old slugs and addresses; remove this one"]


@pytest.mark.parametrize("alias, message, hint", [
    ('"Old Post"', "aliases: 'Old Post' is neither an old slug nor an old address",
     "list an old slug (lowercase letters, digits and hyphens, e.g. old-post) or an old address on this site, "
     "starting with '/' (e.g. /2014/04/07/old-post/)"),
    ('"https://old.example.org/x/"', "aliases: 'https://old.example.org/x/' is a full web address",
     "keep only its path on this site, e.g. /2014/04/07/old-post/"),
    ('"/x/?page=2"', "aliases: '/x/?page=2' has a query or a fragment ('?' or '#')",
     "a redirect answers for a path only: leave out what follows '?' or '#'"),
    ('"/"', "aliases: '/' is the home page",
     "an alias is an old address of this article; the home page is not one"),
    ('"/old post/"', "aliases: '/old post/' contains a space",
     "write the old address with letters, digits and - . _ ~ only, as the old site served it"),
    ('"/.well-known/x"', "aliases: '/.well-known/x' names a hidden file or folder ('.well-known')",
     "such files are never published; remove it"),
    ('"/tag/interview/"', "aliases: '/tag/interview/' is an address of this site's own pages or files",
     "list only addresses the old site used; this one belongs to skillsite"),
    ('"/feed.xml"', "aliases: '/feed.xml' is an address of this site's own pages or files",
     "list only addresses the old site used; this one belongs to skillsite"),
])
def test_an_alias_that_cannot_be_an_old_address_is_named_at_its_line_with_the_fix(site, alias, message, hint):
    root = site({"content/jobs/a.md": article(aliases=f"[{alias}]")})
    assert problems(root) == [f"content/jobs/a.md:6: error: {message}\n  hint: {hint}"]
    with pytest.raises(BuildFailed):
        build(root, BuildOptions(now=NOW))
    assert not (root / "output").exists()


def test_one_article_may_list_two_spellings_of_one_old_address(site):
    root = site({"content/jobs/a.md": article(aliases='["/2019/a/", "/2019/a/index.html"]')})
    build(root, BuildOptions(now=NOW))
    assert (root / "output/_redirects").read_text() == "/2019/a/ /articles/a/ 301\n"


def test_a_sites_own_redirect_map_is_published_byte_for_byte_when_no_article_has_an_alias(site):
    own = b"/shop/*  https://shop.example.org/:splat  302\r\n\r\n"
    root = site({"static/_redirects": own, "content/jobs/gap.md": article()})
    build(root, BuildOptions(now=NOW))
    assert (root / "output/_redirects").read_bytes() == own
