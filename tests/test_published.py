"""The feed contract where sites are published: ``check`` and ``build`` compare with the site
as published (a live site on a local HTTP server here, never the internet, or a folder),
over every published URL of its sitemap, not only the newest feed items."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from clients import serve
from conftest import MINIMAL_CONFIG, NOW, article, tree_bytes, write_tree
from skillsite import published
from skillsite.build import BuildOptions, build
from skillsite.cli import main

SHORT_FEEDS = MINIMAL_CONFIG + "  length: 2\n"
"""Feeds of the two newest articles: the older ones are in the sitemap alone."""

ARTICLES = {f"content/jobs/{name}.md": article(f"Title {name}", date=f"2024-0{month}-01 10:00")
            for month, name in enumerate("abcd", 1)}

RENAMED_A = ("content/jobs/a.md:6: warning: its URL changed from /articles/a/ to /articles/a-new/ without an alias: "
             "the links readers saved and the search engines' results would break\n"
             "  hint: list the old slug under aliases (oldest first): aliases: [a]; the old URL then redirects to the "
             "new one")


def run_cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def live(tmp_path):
    """A site published once and served on 127.0.0.1, and a fresh checkout of it (no output,
    no cache: what CI starts from). Yields (checkout, URL of the live site)."""
    published_site = write_tree(tmp_path / "published", {"site.yaml": SHORT_FEEDS, **ARTICLES})
    build(published_site, BuildOptions(now=NOW))
    checkout = tmp_path / "checkout"
    shutil.copytree(published_site, checkout, ignore=shutil.ignore_patterns("output", ".skillsite-cache", ".output.*"))
    with serve(published_site / "output") as url:
        yield checkout, url


def rename_old_article(root: Path) -> None:
    """a.md, older than every feed item, gets a new slug and no alias."""
    (root / "content/jobs/a.md").write_text(article("Title a", date="2024-01-01 10:00", slug="a-new"), encoding="utf-8")


def test_check_against_the_live_site_finds_an_old_article_renamed_without_an_alias(live):
    checkout, url = live
    rename_old_article(checkout)
    result = run_cli("check", str(checkout), "--against", url)
    assert result.exit_code == 0  # a warning...
    assert result.output.startswith(RENAMED_A + "\nChecked 4 articles: 0 errors, 1 warning.\n")
    assert run_cli("check", str(checkout), "--against", url, "--strict").exit_code == 1  # ...unless --strict
    assert run_cli("check", str(checkout)).output.startswith("Checked 4 articles: 0 errors, 0 warnings.")  # nothing to compare


def test_build_against_the_live_site_warns_and_strict_publishes_nothing(live, tmp_path):
    checkout, url = live
    rename_old_article(checkout)
    strict = run_cli("build", str(checkout), "--output", str(tmp_path / "_site"), "--against", url, "--strict")
    assert strict.exit_code == 1
    assert RENAMED_A.replace("warning:", "error:") in strict.output
    assert not (tmp_path / "_site").exists()
    result = run_cli("build", str(checkout), "--output", str(tmp_path / "_site"), "--against", url)
    assert result.exit_code == 0 and result.output.startswith(RENAMED_A + "\nBuilt 4 articles")


def test_an_alias_keeps_the_promise(live):
    checkout, url = live
    (checkout / "content/jobs/a.md").write_text(article("Title a", date="2024-01-01 10:00", slug="a-new",
                                                        aliases="[a]"), encoding="utf-8")
    assert run_cli("check", str(checkout), "--against", url).output.startswith("Checked 4 articles: 0 errors, 0 warnings.")


def test_an_old_article_whose_file_was_renamed_is_found_by_its_published_title(live):
    checkout, url = live
    (checkout / "content/jobs/b.md").rename(checkout / "content/jobs/b-renamed.md")
    result = run_cli("check", str(checkout), "--against", url)
    assert result.output.startswith(
        "content/jobs/b-renamed.md:1: warning: its URL changed from /articles/b/ to /articles/b-renamed/ without an "
        "alias: the links readers saved and the search engines' results would break\n"
        "  hint: list the old slug under aliases (oldest first): aliases: [b]; the old URL then redirects to the new one "
        "(if it is a different article that shares a title with an old one, ignore this)\n"
        "Checked 4 articles: 0 errors, 1 warning.")


def test_articles_taken_down_or_held_back_on_purpose_are_no_break(live):
    checkout, url = live
    (checkout / "content/jobs/a.md").unlink()
    (checkout / "content/jobs/b.md").write_text(article("Title b", date="2024-02-01 10:00", draft="true"))
    (checkout / "content/jobs/e.md").write_text(article("Something new", date="2024-05-01 10:00"))
    result = run_cli("build", str(checkout), "--against", url, "--strict")
    assert result.exit_code == 0, result.output


def test_a_folder_holding_the_published_site_works_as_the_live_one(live, tmp_path):
    checkout, url = live
    copy = tmp_path / "copy-of-the-live-site"
    shutil.copytree(checkout.parent / "published" / "output", copy)
    rename_old_article(checkout)
    assert run_cli("check", str(checkout), "--against", str(copy)).output.startswith(RENAMED_A + "\n")


def test_site_yaml_names_the_published_site_once_for_every_build_and_check(live, tmp_path):
    checkout, url = live
    (checkout / "site.yaml").write_text(SHORT_FEEDS + f"against: {url}\n", encoding="utf-8")
    rename_old_article(checkout)
    assert run_cli("check", str(checkout)).output.startswith(RENAMED_A + "\n")
    built = run_cli("build", str(checkout), "--output", str(tmp_path / "_site"))
    assert built.output.startswith(RENAMED_A + "\n")


def test_without_against_the_output_folder_is_compared_sitemap_and_all(site):
    root = site({"site.yaml": SHORT_FEEDS, **ARTICLES})
    build(root, BuildOptions(now=NOW))
    rename_old_article(root)
    result = run_cli("build", str(root))
    assert result.output.startswith(RENAMED_A + "\n")  # a.md is in no feed: the sitemap found it


def test_a_site_that_cannot_be_reached_is_one_warning_and_the_build_goes_on(site):
    root = site({"site.yaml": SHORT_FEEDS, **ARTICLES})
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    result = run_cli("build", str(root), "--against", url)
    assert result.exit_code == 0
    assert result.output.startswith(
        f"{url}: warning: the published site could not be read ({url}sitemap.xml: Connection refused), so this site "
        "was not compared with it: the feed ids and URLs readers already have were not checked\n"
        "  hint: check the network and the address given with --against (or against: in site.yaml)\n"
        "Built 4 articles")
    assert run_cli("build", str(root), "--against", url, "--strict").exit_code == 1


def test_a_site_that_never_answers_is_given_up_after_the_timeout(site, monkeypatch):
    root = site({"site.yaml": SHORT_FEEDS, **ARTICLES})
    monkeypatch.setattr(published, "TIMEOUT", 1.0)
    with socket.socket() as silent:  # accepts connections (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        result = run_cli("check", str(root), "--against", url)
    assert f"{url}: warning: the published site could not be read ({url}sitemap.xml did not answer within 1 s)" \
        in result.output
    assert result.exit_code == 0


def test_a_site_not_yet_published_has_nothing_to_compare(tmp_path, site):
    root = site({"site.yaml": SHORT_FEEDS, **ARTICLES})
    (tmp_path / "empty").mkdir()
    with serve(tmp_path / "empty") as url:  # every address answers 404
        result = run_cli("check", str(root), "--against", url)
    assert result.output.startswith("Checked 4 articles: 0 errors, 0 warnings.")


def test_hostile_published_files_are_read_as_nothing(tmp_path, site):
    root = site({"site.yaml": SHORT_FEEDS, **ARTICLES})
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>' \
             b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&b;</loc></url></urlset>'
    hostile = write_tree(tmp_path / "hostile", {"sitemap.xml": laughs, "feed.xml": b"\x00\xff<rss",
                                                 "feed.json": b'{"items": [{"id": 1}]}', "atom.xml": b""})
    result = run_cli("check", str(root), "--against", str(hostile))
    assert result.exit_code == 0 and result.output.startswith("Checked 4 articles: 0 errors, 0 warnings.")


def test_against_must_be_a_web_address_or_a_folder(site):
    root = site({"site.yaml": SHORT_FEEDS, **ARTICLES})
    result = run_cli("check", str(root), "--against", "ftp://example.org/")
    assert result.exit_code == 2
    assert result.output.startswith("--against: error: 'ftp://example.org/' is not a web address\n")
    missing = run_cli("check", str(root), "--against", "no-such-folder")
    assert "no-such-folder: warning: the published site could not be read (there is no such folder)" in missing.output
    wrong = write_tree(root, {"site.yaml": SHORT_FEEDS + "against: gopher://x\n"})
    configured = run_cli("check", str(wrong))
    assert configured.exit_code == 2
    assert "site.yaml:15: error: against: 'gopher://x' is not a web address" in configured.output


def test_the_published_site_is_only_read(live):
    checkout, url = live
    before = tree_bytes(checkout.parent / "published" / "output")
    rename_old_article(checkout)
    run_cli("build", str(checkout), "--against", url)
    assert tree_bytes(checkout.parent / "published" / "output") == before
