"""Rebuilds: after any edit, an incremental build (cache, kept pages, several processes)
writes exactly what a clean one-process build writes, and leaves unchanged files alone."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from skillsite import parallel, writer
from skillsite.build import BuildOptions, build
from skillsite.cache import CACHE_DIR, BuildCache
from skillsite.model import BuildFailed
from skillsite.server import Preview
from skillsite import loader, site as site_module
from skillsite.outputs import feeds, sitemap
from skillsite.outputs.pages import PageRenderer
from skillsite.views import Views
from conftest import NOW, REPO, article, tree_bytes, watched_state, watcher_changes


@pytest.fixture(autouse=True)
def small_work_goes_to_processes_too(monkeypatch):
    # the sample site is small: let even a few pages go to the process pool
    monkeypatch.setattr(parallel, "MIN_TASKS_PER_WORKER", 1)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CV = "content/jobs/writing-a-cv-that-gets-read.md"
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
        root / "themes/default/templates/_card.html", "min read", "minutes to read"),
    "site.yaml": lambda root: replace_in(root / "site.yaml", "tagline: Be Skilled, Get Hired", "tagline: Skills first"),
    # edits that leave the article in its place: the previous site is patched, not rebuilt
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
    article = "articles/writing-a-cv-that-gets-read/index.html"
    assert article in changed
    assert "index.html" not in changed and "articles/pitching-to-investors/index.html" not in changed
    assert not {p for p in changed if p.startswith(("tag/", "author/", "category/"))} - {
        "category/jobs/feed.xml", "category/jobs/atom.xml", "category/jobs/feed.json"}  # the feeds carry the body


def test_a_page_edited_by_hand_in_the_output_is_made_again(sample_site):
    build(sample_site, BuildOptions(now=NOW))
    page = sample_site / "output/index.html"
    good = page.read_bytes()
    page.write_bytes(b"tampered")
    build(sample_site, BuildOptions(now=NOW))
    assert page.read_bytes() == good


@pytest.mark.parametrize("damage", ["garbage", "empty", "foreign"])
def test_a_corrupt_or_foreign_cache_is_ignored_never_trusted(sample_site, tmp_path, damage):
    build(sample_site, BuildOptions(now=NOW))
    database = sample_site / CACHE_DIR / "cache.sqlite"
    if damage == "garbage":
        database.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    elif damage == "empty":
        database.write_bytes(b"")
    else:  # written by another version: every entry claims a body that is not this one's
        with sqlite3.connect(database) as connection:
            connection.execute("UPDATE meta SET value = '\"another version\"' WHERE key = 'fingerprint'")
            connection.execute("UPDATE bodies SET value = replace(value, 'Business', 'Forged')")
    EDITS["title"](sample_site)
    build(sample_site, BuildOptions(now=NOW))
    assert tree_bytes(sample_site / "output") == clean_build(sample_site, tmp_path)


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


def test_feeds_and_the_sitemap_the_output_holds_already_are_not_made_again(sample_site, tmp_path, monkeypatch):
    build(sample_site, BuildOptions(now=NOW))
    made = []
    feedgen, sitemap_line = feeds._feedgen, sitemap.served_path
    monkeypatch.setattr(feeds, "_feedgen", lambda site, channel, *args: (made.append(channel.folder),
                                                                         feedgen(site, channel, *args))[1])
    monkeypatch.setattr(sitemap, "served_path", lambda path: (made.append("sitemap"), sitemap_line(path))[1])
    EDITS["template"](sample_site)  # every page changes, no feed and not the sitemap
    build(sample_site, BuildOptions(now=NOW))
    assert made == []
    (sample_site / "output/feed.xml").write_bytes(b"<rss>tampered</rss>")
    build(sample_site, BuildOptions(now=NOW))  # only the file no longer as written is made again
    assert set(made) == {""}
    assert tree_bytes(sample_site / "output") == clean_build(sample_site, tmp_path)


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


def test_a_rebuild_with_nothing_changed_does_nothing_until_a_scheduled_article_is_due(sample_site):
    build(sample_site, BuildOptions(now=NOW))
    output = sample_site / "output"
    before = {p: os.stat(p).st_mtime_ns for p in output.rglob("*")}
    again = build(sample_site, BuildOptions(now=NOW))
    assert (again.articles, again.pages) == (15, 63) and {p: os.stat(p).st_mtime_ns for p in output.rglob("*")} == before
    assert [h.path for h in again.held_back][0] == "content/career/career-fair-guide-coming-soon.md"
    later = build(sample_site, BuildOptions(now=NOW.replace(year=2027, month=6, day=2)))  # the fair guide is due
    assert later.articles == 16 and (output / "articles/career-fair-guide-coming-soon/index.html").is_file()


def test_a_rebuild_notices_an_output_file_removed_by_hand(sample_site):
    build(sample_site, BuildOptions(now=NOW))
    (sample_site / "output/index.html").unlink()
    build(sample_site, BuildOptions(now=NOW))
    assert (sample_site / "output/index.html").is_file()


def test_a_body_edit_patches_the_model_the_last_build_left_instead_of_making_it_again(sample_site, monkeypatch):
    build(sample_site, BuildOptions(now=NOW))
    EDITS["body"](sample_site)

    def must_not_run(*args):
        raise AssertionError("the site model was made again")

    monkeypatch.setattr(site_module, "_link_neighbours", must_not_run)
    build(sample_site, BuildOptions(now=NOW))
    assert "A new paragraph, added in an edit." in (
        sample_site / "output/articles/writing-a-cv-that-gets-read/index.html").read_text()
    EDITS["date"](sample_site)  # an edit that moves the article: the model is made again
    with pytest.raises(AssertionError, match="made again"):
        build(sample_site, BuildOptions(now=NOW))


def test_serve_told_of_a_body_edit_reads_that_file_and_describes_the_pages_showing_it_only(sample_site,
                                                                                             monkeypatch):
    running = Preview(sample_site, BuildOptions(now=NOW, drafts=True, jobs=1), log=lambda _: None)
    running.rebuild()
    before = watched_state(sample_site)
    EDITS["body"](sample_site)

    def must_not_run(*args):
        raise AssertionError("the content folder was listed again")

    described = []
    describe = PageRenderer.page
    monkeypatch.setattr(loader, "article_paths", must_not_run)
    monkeypatch.setattr(PageRenderer, "page", lambda self, template, path, *args, **kwargs: (
        described.append(path), describe(self, template, path, *args, **kwargs))[1])
    running.rebuild_after(watcher_changes(before, watched_state(sample_site)))
    assert running.problems == ()
    assert "A new paragraph, added in an edit." in running.files[
        "articles/writing-a-cv-that-gets-read/index.html"].decode()
    # its page, its neighbours' and related articles' pages, the listings and the archive showing it
    assert "articles/writing-a-cv-that-gets-read/" in described and 0 < len(described) < 20 < len(running.files)
    before = watched_state(sample_site)
    (sample_site / "content/jobs/new.md").write_text(article("New"), encoding="utf-8")  # a new file: listed again
    with pytest.raises(AssertionError, match="listed again"):
        running.rebuild_after(watcher_changes(before, watched_state(sample_site)))


def test_serve_reads_only_the_saved_file_from_the_first_save_on(sample_site, monkeypatch):
    running = Preview(sample_site, BuildOptions(now=NOW, drafts=True, jobs=1), log=lambda _: None)
    stop = threading.Event()
    watcher = running.start(stop)  # the real file watcher, started before the first build
    try:
        listed = []
        list_articles = loader.article_paths
        monkeypatch.setattr(loader, "article_paths", lambda *args: (listed.append(args), list_articles(*args))[1])
        EDITS["body"](sample_site)
        assert running.wait_for_change(1, timeout=30) == 2
        assert "A new paragraph, added in an edit." in running.files[
            "articles/writing-a-cv-that-gets-read/index.html"].decode()
        assert listed == []  # the first save after start did not look at every file
        (sample_site / "content/jobs/new.md").write_text(article("Brand new"), encoding="utf-8")
        assert running.wait_for_change(2, timeout=30) == 3
        assert "articles/new/index.html" in running.files and len(listed) == 1
    finally:
        stop.set()
        watcher.join(10)


def test_serve_derives_publication_and_link_targets_again_only_when_front_matter_or_the_clock_says_so(
        site, monkeypatch):
    root = site({"content/jobs/a.md": article("A", date="2024-01-01 10:00"),
                 "content/jobs/later.md": article("Later", date="2024-06-01 10:00")})
    options = BuildOptions(now=datetime(2024, 3, 1, tzinfo=timezone.utc), jobs=1)
    running = Preview(root, options, log=lambda _: None)
    running.rebuild()
    assert "articles/later/index.html" not in running.files

    def save(text: str) -> None:
        before = watched_state(root)
        (root / "content/jobs/a.md").write_text(text, encoding="utf-8")
        running.rebuild_after(watcher_changes(before, watched_state(root)))
        assert running.problems == ()

    def must_not_run(*args, **kwargs):
        raise AssertionError("derived again")

    select_published = site_module.select_published
    monkeypatch.setattr(site_module, "select_published", must_not_run)
    save(article("A", "Another body.\n", date="2024-01-01 10:00"))  # a body edit: taken again
    assert "Another body." in running.files["articles/a/index.html"].decode()
    monkeypatch.setattr(site_module, "select_published", select_published)
    running.options = replace(options, now=datetime(2024, 7, 1, tzinfo=timezone.utc))
    save(article("A", "A third body.\n", date="2024-01-01 10:00"))  # the clock passed Later's date
    assert "articles/later/index.html" in running.files
    fresh = Preview(root, running.options, log=lambda _: None)
    fresh.rebuild()
    assert running.files == fresh.files
    running.options = options  # the clock set back: Later is held back again
    save(article("A", "A fourth body.\n", date="2024-01-01 10:00"))
    assert "articles/later/index.html" not in running.files
    running.options = replace(options, now=datetime(2024, 7, 1, tzinfo=timezone.utc))
    save(article("A", "A fifth body.\n", date="2024-01-01 10:00"))
    monkeypatch.setattr(site_module, "select_published", must_not_run)
    with pytest.raises(AssertionError, match="derived again"):  # a title edit: derived again
        save(article("A new title", "A third body.\n", date="2024-01-01 10:00"))


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


def test_serve_lets_the_builds_of_earlier_saves_go_and_still_matches_a_fresh_serve(site):
    root = site({f"content/jobs/a{n:03}.md": article(f"Article {n}", date=f"2024-01-{1 + n // 24:02} {n % 24:02}:00",
                                                     tags=f"[t{n % 50}, u{n // 50}]")
                 for n in range(400)})
    options = BuildOptions(now=NOW, drafts=True, jobs=1)
    running = Preview(root, options, log=lambda _: None)
    running.rebuild()
    for save in range(40):  # body edits of articles far apart, as the watcher reports them
        before = watched_state(root)
        edited = root / f"content/jobs/a{save * 10:03}.md"
        edited.write_text(edited.read_text(encoding="utf-8") + f"\nSave {save}.\n", encoding="utf-8")
        running.rebuild_after(watcher_changes(before, watched_state(root)))
    gc.unfreeze()  # serve keeps what a build leaves out of collections: count it all
    gc.collect()
    # pages kept from a build hold its views (41 of them, without the measure below): every 16
    # saves all pages are described again
    assert 0 < sum(isinstance(thing, Views) for thing in gc.get_objects()) <= 17
    fresh = Preview(root, options, log=lambda _: None)
    fresh.rebuild()
    assert running.problems == fresh.problems == ()
    assert [path for path in fresh.files if running.files.get(path) != fresh.files[path]] == []


def test_an_edit_writes_only_the_snapshot_parts_it_changed(sample_site, monkeypatch):
    build(sample_site, BuildOptions(now=NOW))
    written = []
    remember_part = BuildCache.remember_snapshot_part
    monkeypatch.setattr(BuildCache, "remember_snapshot_part",
                        lambda self, key, part: (written.append(key), remember_part(self, key, part))[1])
    EDITS["body"](sample_site)
    build(sample_site, BuildOptions(now=NOW))
    assert len(written) == 2 and {key.split(":")[0] for key in written} == {"document", "body"}


@pytest.mark.parametrize("damage", ["a body it names is gone", "a part it names is gone", "a part damaged", "garbage",
                                    "another configuration"])
def test_a_snapshot_the_cache_cannot_vouch_for_is_not_used(sample_site, tmp_path, damage):
    build(sample_site, BuildOptions(now=NOW))
    with sqlite3.connect(sample_site / CACHE_DIR / "cache.sqlite") as connection:
        if damage == "a body it names is gone":
            connection.execute("DELETE FROM bodies WHERE rowid IN (SELECT rowid FROM bodies LIMIT 3)")
        elif damage == "a part it names is gone":
            connection.execute("DELETE FROM parts WHERE rowid IN (SELECT rowid FROM parts LIMIT 3)")
        elif damage == "a part damaged":
            connection.execute("UPDATE parts SET value = '{\"meta\": 1}' WHERE rowid IN (SELECT rowid FROM parts LIMIT 3)")
        elif damage == "garbage":
            connection.execute("UPDATE snapshots SET value = '{\"version\": 1, \"config\": 3}'")
        else:
            [(value,)] = connection.execute("SELECT value FROM snapshots").fetchall()
            assert '"config":"' in value
            connection.execute("UPDATE snapshots SET value = replace(value, '\"config\":\"', '\"config\":\"x')")
    EDITS["title"](sample_site)
    build(sample_site, BuildOptions(now=NOW))
    assert tree_bytes(sample_site / "output") == clean_build(sample_site, tmp_path)
