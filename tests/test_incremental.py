"""Rebuilds: after any edit, an incremental build (the query layer's memos, kept pages,
several processes) writes exactly what a clean one-process build writes, leaves unchanged
files alone, and makes only what the edit touched (read from the layer's log of the
queries it ran, never by patching private functions)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from skillsite import parallel, writer
from skillsite.build import BuildOptions, build
from skillsite.model import BuildFailed
from skillsite.query import MemoMismatch
from skillsite.server import Preview
from skillsite.store import CACHE_DIR
from conftest import NOW, REPO, article, tree_bytes, watched_state, watcher_changes


@pytest.fixture(autouse=True)
def small_work_goes_to_processes_too(monkeypatch):
    # the sample site is small: let even a few pages go to the process pool
    monkeypatch.setattr(parallel, "MIN_TASKS_PER_WORKER", 1)
    monkeypatch.setattr("skillsite.query._PARALLEL_FROM", 2)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CV = "content/jobs/writing-a-cv-that-gets-read.md"
CV_PAGE = "articles/writing-a-cv-that-gets-read/index.html"
EDITS = {
    "body": lambda root: replace_in(root / CV, "\n## ", "\nA new paragraph, added in an edit.\n\n## "),
    "title": lambda root: replace_in(root / CV, 'title: "Writing a CV That Gets Read"', 'title: "Writing a CV People Read"'),
    "date": lambda root: replace_in(root / CV, "date: 2019-07-10T10:30:00+06:00", "date: 2023-01-02T10:30:00+06:00"),
    "category": lambda root: replace_in(root / CV, "category: jobs", "category: career"),
    "tags": lambda root: replace_in(root / CV, "tags: [", "tags: [brand-new-tag, "),
    "delete": lambda root: (root / CV).unlink(),
    "rename": lambda root: (replace_in(root / CV, "category: jobs", "category: jobs\nslug: cv-that-gets-read\n"
                                       "aliases: [writing-a-cv-that-gets-read]"), None)[1],
    "template": lambda root: (root / "themes/default/templates").mkdir(parents=True) or shutil.copy(
        REPO / "themes/default/templates/_card.html", root / "themes/default/templates/_card.html") and replace_in(
        root / "themes/default/templates/_card.html", 'rel="tag"', 'rel="tag" class="card-tag"'),
    "site.yaml": lambda root: replace_in(root / "site.yaml", "tagline: Be Skilled, Get Hired", "tagline: Skills first"),
    "summary": lambda root: replace_in(root / CV, 'summary: "A section-by-section', 'summary: "A short'),
    "image and updated": lambda root: replace_in(root / CV, "updated: 2024-03-05T16:45:00+06:00",
                                                 "updated: 2025-01-02\nimage: https://example.org/cv.png"),
    "link to it": lambda root: replace_in(root / "content/career/learning-new-skills-online.md", "\n## ",
                                          "\nSee [the CV guide](../jobs/writing-a-cv-that-gets-read.md).\n\n## "),
}


def clean_build(site: Path, into: Path) -> dict[str, bytes]:
    """A build with no cache, no previous output, one process."""
    copy = into / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "output"))
    build(copy, BuildOptions(now=NOW, jobs=1))
    return tree_bytes(copy / "output")


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_an_incremental_parallel_rebuild_writes_what_a_clean_build_writes(sample_site, tmp_path, edit):
    build(sample_site, BuildOptions(now=NOW, jobs=2))
    EDITS[edit](sample_site)
    build(sample_site, BuildOptions(now=NOW, jobs=2))
    incremental = tree_bytes(sample_site / "output")
    assert incremental == clean_build(sample_site, tmp_path)


@pytest.mark.parametrize("told", [True, False], ids=["told what changed", "looking at everything"])
@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_serve_after_an_edit_holds_what_a_fresh_serve_holds(sample_site, edit, told):
    options = BuildOptions(now=NOW, drafts=True, base_url="http://127.0.0.1:8000/", jobs=1)
    running = Preview(sample_site, options, log=lambda _: None)
    running.rebuild()
    before = watched_state(sample_site)
    EDITS[edit](sample_site)
    if told:  # as the file watcher does
        running.rebuild_after(watcher_changes(before, watched_state(sample_site)))
    else:
        running.rebuild()
    fresh = Preview(sample_site, options, log=lambda _: None)
    fresh.rebuild()
    assert running.problems == fresh.problems == ()
    assert running.files.keys() == fresh.files.keys()
    assert [path for path in fresh.files if running.files[path] != fresh.files[path]] == []


# --- what an edit makes again (the layer's log) --------------------------------------------------------

def made(result, kind: str) -> set[str]:
    """The arguments of the queries of ``kind`` the build made."""
    return {key.partition(":")[2] for key in result.made if key.partition(":")[0] == kind}


def test_a_rebuild_with_nothing_changed_makes_nothing_but_the_clock_s_reading(sample_site):
    build(sample_site, BuildOptions(now=NOW))
    build(sample_site, BuildOptions(now=NOW))  # the first with an output to compare feeds with
    again = build(sample_site, BuildOptions(now=NOW.replace(hour=13)))  # an hour later: no article comes due
    assert again.made == ("epoch:",)


def test_a_body_edit_renders_that_body_and_the_pages_and_feeds_that_show_it_only(sample_site):
    build(sample_site, BuildOptions(now=NOW))
    EDITS["body"](sample_site)
    result = build(sample_site, BuildOptions(now=NOW))
    assert made(result, "body") == {CV}
    assert made(result, "page") == {f"article.html {CV_PAGE}"}
    assert made(result, "feed") == {"feed.xml", "atom.xml", "feed.json", "category/jobs/feed.xml",
                                    "category/jobs/atom.xml", "category/jobs/feed.json"}
    assert made(result, "article") == {CV}  # made again, found the same: its card and the listings are not
    assert not made(result, "card")
    assert not made(result, "placement") and not made(result, "structure")


def test_a_title_edit_renders_the_pages_that_show_the_title_and_leaves_the_structure_alone(sample_site):
    build(sample_site, BuildOptions(now=NOW))
    EDITS["title"](sample_site)
    result = build(sample_site, BuildOptions(now=NOW))
    assert made(result, "placement") == {CV} and not made(result, "structure")
    pages = {name.split(" ")[1] for name in made(result, "page")}
    assert CV_PAGE in pages and "archive/index.html" in pages and "category/jobs/index.html" in pages
    assert "articles/pitching-to-investors/index.html" not in pages  # shows neither the card nor the title
    assert len(pages) < 30  # of 63


def test_serve_told_of_a_body_edit_reads_that_file_only_and_makes_what_it_touched(sample_site):
    running = Preview(sample_site, BuildOptions(now=NOW, drafts=True, jobs=1), log=lambda _: None)
    running.rebuild()
    before = watched_state(sample_site)
    EDITS["body"](sample_site)
    running.rebuild_after(watcher_changes(before, watched_state(sample_site)))
    kinds = {key.partition(":")[0] for key in running.made}
    assert {key for key in running.made if key.startswith(("body:", "page:"))} == {
        f"body:{CV}", f"page:article.html {CV_PAGE}"}
    assert "tree" not in kinds and "structure" not in kinds


@pytest.mark.parametrize("moment, published", [(NOW.replace(year=2027, month=6, day=2), 16), (NOW, 15)],
                         ids=["the clock passes a scheduled date", "the clock is set back again"])
def test_the_clock_crossing_a_scheduled_date_publishes_and_the_clock_set_back_unpublishes(sample_site, moment,
                                                                                       published):
    build(sample_site, BuildOptions(now=NOW))
    build(sample_site, BuildOptions(now=NOW.replace(year=2027, month=6, day=2)))  # the fair guide is due
    result = build(sample_site, BuildOptions(now=moment))
    assert result.articles == published
    assert (sample_site / "output/articles/career-fair-guide-coming-soon/index.html").is_file() == (published == 16)


def test_the_verify_mode_fails_a_query_that_reads_what_it_does_not_ask_for(sample_site, monkeypatch):
    from skillsite.queries import content
    original = content.CARD.compute
    secret = {"suffix": ""}

    def card_reading_a_secret(ask, name):  # reads ``secret``, which it never asks the layer for
        card = original(ask, name)
        return card and replace(card, title=card.title + secret["suffix"])

    object.__setattr__(content.CARD, "compute", card_reading_a_secret)
    try:
        build(sample_site, BuildOptions(now=NOW))
        build(sample_site, BuildOptions(now=NOW))
        secret["suffix"] = " (changed)"  # the cards differ now, but nothing they asked for did
        assert build(sample_site, BuildOptions(now=NOW)).made == ()  # reused, silently
        monkeypatch.setenv("SKILLSITE_VERIFY", "1")
        with pytest.raises(MemoMismatch, match="card:content/.*the reused memo differs"):
            build(sample_site, BuildOptions(now=NOW))
    finally:
        object.__setattr__(content.CARD, "compute", original)


# --- the output ------------------------------------------------------------------------------------

def test_a_rebuild_rewrites_only_the_files_that_changed(sample_site):
    build(sample_site, BuildOptions(now=NOW))
    output = sample_site / "output"
    before = {p: os.stat(p) for p in output.rglob("*") if p.is_file()}
    build(sample_site, BuildOptions(now=NOW))  # nothing changed: nothing is rewritten
    (sample_site / "site.yaml").write_text((sample_site / "site.yaml").read_text() + "\n")  # nor here: no output change
    build(sample_site, BuildOptions(now=NOW))
    assert {p: (s.st_ino, s.st_mtime_ns) for p, s in before.items()} == {
        p: (os.stat(p).st_ino, os.stat(p).st_mtime_ns) for p in before}
    EDITS["body"](sample_site)
    build(sample_site, BuildOptions(now=NOW))
    changed = {p.relative_to(output).as_posix() for p, s in before.items()
               if not p.exists() or (os.stat(p).st_ino, os.stat(p).st_mtime_ns) != (s.st_ino, s.st_mtime_ns)}
    assert CV_PAGE in changed
    assert "index.html" not in changed and "articles/pitching-to-investors/index.html" not in changed
    assert not {p for p in changed if p.startswith(("tag/", "author/", "category/"))} - {
        "category/jobs/feed.xml", "category/jobs/atom.xml", "category/jobs/feed.json"}  # the feeds carry the body


def test_a_page_edited_or_removed_by_hand_in_the_output_is_made_again(sample_site):
    build(sample_site, BuildOptions(now=NOW))
    page, feed = sample_site / "output/index.html", sample_site / "output/feed.xml"
    good, good_feed = page.read_bytes(), feed.read_bytes()
    page.write_bytes(b"tampered")
    feed.unlink()
    build(sample_site, BuildOptions(now=NOW))
    assert page.read_bytes() == good and feed.read_bytes() == good_feed


def cache_files(site: Path) -> list[Path]:
    return sorted((site / CACHE_DIR).glob("*.sqlite"))


@pytest.mark.parametrize("damage", ["garbage", "empty", "another version", "a forged body", "a forged digest",
                                    "a symlink", "a folder"])
def test_a_damaged_foreign_or_forged_cache_is_set_aside_never_trusted(sample_site, tmp_path, damage):
    build(sample_site, BuildOptions(now=NOW))
    [database] = cache_files(sample_site)
    if damage == "garbage":
        database.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    elif damage == "empty":
        database.write_bytes(b"")
    elif damage == "a symlink":
        database.unlink()
        foreign = tmp_path / "foreign.sqlite"
        with sqlite3.connect(foreign) as connection:
            connection.execute("CREATE TABLE files (name TEXT)")
            connection.execute("INSERT INTO files VALUES ('keep me')")
        database.symlink_to(foreign)
    elif damage == "a folder":
        database.unlink()
        database.mkdir()
    else:
        with sqlite3.connect(database) as connection:
            if damage == "another version":
                connection.execute("UPDATE meta SET value = 'skillsite=0.0.0' WHERE key = 'fingerprint'")
            elif damage == "a forged body":  # without the key, the forger cannot sign it
                connection.execute("UPDATE memos SET value = replace(CAST(value AS TEXT), '<p>', "
                                   "'<p><script>alert(1)</script>') WHERE key LIKE 'body:%'")
            else:  # a digest changed, as if its page were made of something else
                connection.execute("UPDATE memos SET digest = 'f' || substr(digest, 2) WHERE key LIKE 'page:%'")
    EDITS["title"](sample_site)
    build(sample_site, BuildOptions(now=NOW))
    assert tree_bytes(sample_site / "output") == clean_build(sample_site, tmp_path)
    if damage == "a symlink":
        with sqlite3.connect(tmp_path / "foreign.sqlite") as connection:  # never followed, never changed
            assert connection.execute("SELECT name FROM files").fetchall() == [("keep me",)]


@pytest.mark.parametrize("with_output", [False, True], ids=["the cache alone", "the cache and the output"])
def test_a_cache_carried_to_a_new_checkout_is_trusted_where_valid_and_builds_the_same(sample_site, tmp_path,
                                                                                    with_output):
    build(sample_site, BuildOptions(now=NOW))
    checkout = tmp_path / "elsewhere" / "site"  # another folder, and every file with a new time (a CI cache)
    carried = ["output", ".output.*"] if not with_output else [".output.*"]
    shutil.copytree(sample_site, checkout, ignore=shutil.ignore_patterns(*carried))
    later = time.time() + 100
    for path in checkout.rglob("*"):
        os.utime(path, (later, later))
    EDITS["body"](checkout)
    result = build(checkout, BuildOptions(now=NOW))
    assert made(result, "body") == {CV}  # the other bodies' memos were trusted: their files' bytes are the same
    # with the output, only the edited article's page is made (the others' bytes are there);
    # without it, every page is written again: the output is a clean build's (below)
    if with_output:
        assert len(made(result, "page")) == 1
    assert tree_bytes(checkout / "output") == clean_build(checkout, tmp_path / "clean")


# --- the standby tree and failures -----------------------------------------------------------------

def build_three_times(site: Path) -> None:
    """Three builds with an edit before each: the third syncs the standby the second left."""
    for round_ in range(3):
        (site / "content/jobs/round.md").write_text(
            f"---\ntitle: Round {round_}\ndate: 2024-01-01\nauthor: m\ncategory: jobs\n---\nText {round_}.\n")
        build(site, BuildOptions(now=NOW))


def test_the_output_replaced_by_a_build_is_kept_as_a_standby_and_brought_up_to_date(sample_site, tmp_path):
    build_three_times(sample_site)
    standby = sample_site / ".output.standby"
    assert standby.is_dir()
    # damage the standby every way a crash or a person could
    (standby / "index.html").unlink()
    (standby / "404.html").write_text("not the page")  # not in place: a new file under the same name
    shutil.rmtree(standby / "tag")
    (standby / "tag").write_text("a file where a folder was")
    (standby / "stray.html").write_text("left by an interrupted build")
    EDITS["title"](sample_site)
    build(sample_site, BuildOptions(now=NOW))
    assert tree_bytes(sample_site / "output") == clean_build(sample_site, tmp_path)


def assert_a_build_lists_only_the_standby_folder_changed_by_hand(site: Path, tmp_path: Path, monkeypatch,
                                                                 edit: str) -> None:
    """A file left by hand in one standby folder: the next build (after ``edit``) lists that
    folder, not most of the others, and writes what a clean build writes."""
    stray_folder = site / ".output.standby/articles/learning-new-skills-online"
    (stray_folder / "stray.html").write_text("left by hand")  # its folder's time changes
    listed = []
    list_folder = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path: (listed.append(Path(path)), list_folder(path))[1])
    EDITS[edit](site)
    build(site, BuildOptions(now=NOW))
    folders = [path for path in (site / "output").rglob("*") if path.is_dir()]
    assert stray_folder in listed and len(listed) < len(folders) / 2
    assert tree_bytes(site / "output") == clean_build(site, tmp_path)


def test_a_standby_folder_found_as_recorded_is_not_listed_and_one_changed_since_is(sample_site, tmp_path,
                                                                                   monkeypatch):
    build(sample_site, BuildOptions(now=NOW))
    EDITS["body"](sample_site)
    build(sample_site, BuildOptions(now=NOW))  # the first output becomes the standby
    long_ago = time.time_ns() - 60 * 10**9  # folders written in the last two seconds are never trusted
    for tree in (sample_site / "output", sample_site / ".output.standby"):
        for folder in [tree, *(path for path in tree.rglob("*") if path.is_dir())]:
            os.utime(folder, ns=(long_ago, long_ago))
    for edit in ("title", "summary"):  # each tree written once more: its folders are recorded
        EDITS[edit](sample_site)
        build(sample_site, BuildOptions(now=NOW))
    assert_a_build_lists_only_the_standby_folder_changed_by_hand(sample_site, tmp_path, monkeypatch, "tags")


def test_a_new_tree_records_its_folders_so_the_build_writing_into_it_again_lists_only_those_changed_since(
        sample_site, tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "RACY_NS", 0)  # these builds are quicker than the two seconds asked of a folder
    build(sample_site, BuildOptions(now=NOW))  # a new tree: the output
    EDITS["body"](sample_site)
    build(sample_site, BuildOptions(now=NOW))  # a new tree again; the first output becomes the standby
    assert_a_build_lists_only_the_standby_folder_changed_by_hand(sample_site, tmp_path, monkeypatch, "title")


def test_a_failing_build_never_touches_the_live_output_even_through_shared_files(sample_site):
    build_three_times(sample_site)
    output = sample_site / "output"
    before = {p: (p.read_bytes(), os.stat(p).st_ino, os.stat(p).st_mtime_ns) for p in output.rglob("*") if p.is_file()}
    EDITS["body"](sample_site)
    broken = sample_site / "themes/default/templates/listing.html"
    broken.parent.mkdir(parents=True)
    broken.write_text("{% extends 'base.html' %}{% block content %}{{ no_such_value.x }}{% endblock %}")
    with pytest.raises(BuildFailed):
        build(sample_site, BuildOptions(now=NOW))
    assert before == {p: (p.read_bytes(), os.stat(p).st_ino, os.stat(p).st_mtime_ns)
                      for p in output.rglob("*") if p.is_file()}


@pytest.mark.parametrize("static", ["static/404.html", "static/category", "static/category/index.html/a.txt"])
def test_serve_refuses_a_static_file_where_the_site_needs_the_path_as_build_does(sample_site, static):
    running = Preview(sample_site, BuildOptions(now=NOW, drafts=True, jobs=1), log=lambda _: None)
    running.rebuild()
    served = dict(running.files)
    before = watched_state(sample_site)
    (sample_site / static).parent.mkdir(parents=True, exist_ok=True)
    (sample_site / static).write_text("a static file where the site needs the path")
    running.rebuild_after(watcher_changes(before, watched_state(sample_site)))
    with pytest.raises(BuildFailed) as refused:
        build(sample_site, running.options)
    assert running.problems == tuple(refused.value.diagnostics)
    assert running.files == served  # the last good site is still served
    for edit in (EDITS["body"], lambda root: (root / static).unlink()):  # a save with it, then without
        before = watched_state(sample_site)
        edit(sample_site)
        running.rebuild_after(watcher_changes(before, watched_state(sample_site)))
    assert running.problems == ()
    fresh = Preview(sample_site, running.options, log=lambda _: None)
    fresh.rebuild()
    assert running.files == fresh.files


def test_serve_keeps_memory_bounded_over_many_saves_and_still_matches_a_fresh_serve(site):
    root = site({f"content/jobs/a{n:03}.md": article(f"Article {n}", date=f"2024-01-{1 + n // 24:02} {n % 24:02}:00",
                                                     tags=f"[t{n % 50}, u{n // 50}]")
                 for n in range(200)})
    options = BuildOptions(now=NOW, drafts=True, jobs=1)
    running = Preview(root, options, log=lambda _: None)
    running.rebuild()
    memos = running.memo_count()
    for save in range(20):  # new articles, then each deleted again: the memos of the gone are forgotten
        before = watched_state(root)
        (root / f"content/jobs/new{save}.md").write_text(article(f"New {save}", date="2024-02-01 10:00"))
        running.rebuild_after(watcher_changes(before, watched_state(root)))
        before = watched_state(root)
        (root / f"content/jobs/new{save}.md").unlink()
        running.rebuild_after(watcher_changes(before, watched_state(root)))
    assert running.memo_count() <= memos + 50
    fresh = Preview(root, options, log=lambda _: None)
    fresh.rebuild()
    assert running.problems == fresh.problems == ()
    assert [path for path in fresh.files if running.files.get(path) != fresh.files[path]] == []
