"""The file system is never harmed: paths stay inside the output folder, symlinks are never
followed, foreign folders are never replaced, debris is never published."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import NOW, article, tree_bytes, write_tree
from skillsite import parallel, writer
from skillsite.build import BuildOptions, build
from skillsite.cli import main
from skillsite.config import load_config
from skillsite.build import load_documents
from skillsite.model import BuildFailed, OutputFile
from skillsite.urls import contained
from skillsite.writer import OUTPUT_MARKER

SECRET = "PRIVATE-7f3a9c"
PRIVATE = article("Private", f"{SECRET}\n")


def run_build(*args: str):
    result = CliRunner().invoke(main, ["build", *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def published(output: Path) -> bytes:
    return b"\n".join(path.encode() + b"\n" + content for path, content in tree_bytes(output).items())


# --- paths ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("relative", [
    "../x", "a/../../x", "..", "/etc/passwd", "//x", "a//b", "./a", "a/./b", "a/", "", "a\\..\\b", "..\\x",
    "a\0b", "a/b/..",
])
def test_a_path_that_could_lead_out_of_the_output_is_refused_segment_by_segment(tmp_path, relative):
    with pytest.raises(ValueError):
        contained(tmp_path, relative)


@pytest.mark.parametrize("relative", ["index.html", "articles/a/index.html", "..a/b", "a../b", "tag/c%2F..%2F/x",
                                      "tag/চাকরি/index.html", "a..b/.well-known/x"])
def test_a_path_inside_the_output_is_joined_as_written(tmp_path, relative):
    assert contained(tmp_path, relative) == tmp_path.joinpath(*relative.split("/"))


@pytest.mark.parametrize("field, value, message", [
    ("slug", '"../../etc"', "slug: '../../etc' is not a plain URL name"),
    ("slug", '"a/b"', "slug: 'a/b' is not a plain URL name"),
    ("aliases", '["..", "ok"]', "aliases: '..' is neither an old slug nor an old address"),
    ("aliases", '["/../../etc/passwd"]', "aliases: '/../../etc/passwd' climbs out of its folder with '.' or '..'"),
    ("aliases", '["/a/%2e%2e/%2E%2E/x/"]', "aliases: '/a/%2e%2e/%2E%2E/x/' climbs out of its folder with '.' or '..'"),
    ("aliases", '["//etc/passwd"]', "aliases: '//etc/passwd' is a full web address"),
    ("aliases", '["/a//b/"]', "aliases: '/a//b/' has an empty folder name ('//')"),
    ("aliases", '["/a\\\\..\\\\b"]', "aliases: '/a\\..\\b' uses backslashes"),
    ("aliases", '["/a%2F..%2F..%2Fb"]', "aliases: '/a%2F..%2F..%2Fb' climbs out of its folder with '.' or '..'"),
    ("tags", '["..", "ok"]', "tags: '..' has no letters or digits"),
    ("author", '"../.."', "author: '../..' has no letters or digits"),
])
def test_names_that_would_become_paths_outside_the_output_are_refused(site, field, value, message):
    root = site({"content/jobs/a.md": article(**{field: value})})
    assert [p.message for p in load_documents(load_config(root))[1]] == [message]


def test_an_old_path_in_aliases_is_written_inside_the_output_at_that_very_path(site):
    root = site({"content/jobs/a.md": article(aliases='["/etc/passwd", "/x/index.html"]')})
    build(root, BuildOptions(now=NOW))
    assert (root / "output/etc/passwd/index.html").is_file() and (root / "output/x/index.html").is_file()
    assert sorted(p.name for p in root.parent.iterdir()) == ["site"]


def test_tags_and_authors_with_slashes_and_dots_become_plain_folder_names(site):
    root = site({"content/jobs/a.md": article(tags='["../../etc", "a/b\\\\c", "..hidden"]', author='"../../root"')})
    build(root, BuildOptions(now=NOW))
    assert sorted(p.name for p in (root / "output/tag").iterdir() if p.is_dir()) == ["a-b-c", "etc", "hidden"]
    assert (root / "output/author/root/index.html").is_file()
    assert sorted(p.name for p in root.parent.iterdir()) == ["site"]


def test_a_static_file_whose_name_could_climb_out_is_refused(site):
    root = site({"content/jobs/a.md": article(), "static/a\\..\\..\\evil.html": "<p>x</p>"})
    with pytest.raises(BuildFailed) as failed:
        build(root, BuildOptions(now=NOW))
    assert [d.format() for d in failed.value.diagnostics] == [
        "a\\..\\..\\evil.html: error: refused to write a file outside the output folder\n"
        "  hint: this path comes from a file or name of the site; rename it"]
    assert not (root / "output").exists()


# --- symlinks -------------------------------------------------------------------------------------

@pytest.fixture
def private(tmp_path) -> Path:
    """A folder outside the site with a private article, a private page and a private image."""
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "leak.md").write_text(PRIVATE, encoding="utf-8")
    (folder / "leak.html").write_text(f"<p>{SECRET}</p>", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "leak.md").write_text(PRIVATE, encoding="utf-8")
    return folder


@pytest.mark.parametrize("link, target", [
    ("content/jobs/leak.md", "leak.md"),
    ("content/leaked", "sub"),
    ("static/leak.html", "leak.html"),
    ("static/leaked", "sub"),
    ("themes/default/static/leak.html", "leak.html"),
    ("themes/default/static/leaked", "."),
    ("themes/default/templates/404.html", "leak.html"),
    ("themes/default/templates/partials", "."),
])
def test_a_symlink_in_the_site_is_an_error_naming_it_and_publishes_nothing(site, private, link, target):
    root = site({"content/jobs/a.md": article(), "static/robots-note.txt": "x",
                 "themes/default/static/extra.css": "p{}", "themes/default/templates/_card.html":
                 (Path(__file__).parent.parent / "themes/default/templates/_card.html").read_text()})
    build(root, BuildOptions(now=NOW))
    before = tree_bytes(root / "output")
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(private / target)
    with pytest.raises(BuildFailed) as refused:
        build(root, BuildOptions(now=NOW))
    assert [d.format() for d in refused.value.diagnostics] == [
        f"{link}: error: this is a symbolic link, which skillsite never reads or publishes\n"
        "  hint: replace it with a real file or folder (a copy), or move it out of the site"]
    assert tree_bytes(root / "output") == before and SECRET.encode() not in published(root / "output")


def test_a_static_folder_that_is_itself_a_symlink_is_an_error_and_publishes_nothing(site, private):
    root = site({"content/jobs/a.md": article()})
    (root / "static").symlink_to(private)
    with pytest.raises(BuildFailed) as refused:
        build(root, BuildOptions(now=NOW))
    assert [d.format() for d in refused.value.diagnostics] == [
        "static: error: 'static' should be a folder, but it is a symbolic link\n"
        "  hint: make it a real folder (skillsite never follows links)"]
    assert not (root / "output").exists()


# --- the output folder ----------------------------------------------------------------------------

@pytest.mark.parametrize("output, reason", [
    ("/", "the root folder"),
    ("~", "your home folder"),
    (".", "the site folder"),
    ("content", "the content folder"),
    ("..", "a folder that holds the site or its content"),
    ("content/jobs", "a folder that holds the site or its content"),
])
def test_refuses_an_output_folder_whose_replacement_would_destroy_something(site, output, reason):
    root = site({"content/jobs/a.md": article()})
    before = tree_bytes(root)
    folder = Path(output).expanduser() if output.startswith(("/", "~")) else root / output
    result = run_build(str(root), "--output", str(folder))
    assert result.exit_code == 2
    assert (f"site.yaml: error: output: '{folder.resolve()}' is {reason}; building there would replace it\n"
            "  hint: set output: to a folder of its own, e.g. output: output") in result.output
    assert {k: v for k, v in tree_bytes(root).items() if not k.startswith(".skillsite-cache/")} == before


def test_refuses_a_non_empty_folder_that_skillsite_did_not_write(site, tmp_path):
    root = site({"content/jobs/a.md": article()})
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"\xff\xd8 a photo")
    result = run_build(str(root), "--output", str(foreign))
    assert result.exit_code == 2
    assert (f"site.yaml: error: output: '{foreign}' holds files that skillsite did not write (it has no "
            f"{OUTPUT_MARKER} file); building there would replace them\n"
            "  hint: set output: to a new or empty folder, or move those files away first") in result.output
    assert tree_bytes(foreign) == {"holiday.jpg": b"\xff\xd8 a photo"}


def test_builds_into_an_empty_folder_and_again_into_its_own_output(site, tmp_path):
    root = site({"content/jobs/a.md": article()})
    (tmp_path / "public").mkdir()
    assert run_build(str(root), "--output", str(tmp_path / "public")).exit_code == 0
    assert (tmp_path / "public" / OUTPUT_MARKER).read_text() == (
        "This folder is written by skillsite build, which replaces it whole: do not keep other files in it.\n")
    assert run_build(str(root), "--output", str(tmp_path / "public")).exit_code == 0


# --- debris ---------------------------------------------------------------------------------------

DEBRIS = (".#a.md", "a.md~", "#a.md#", ".DS_Store", "a.md.swp", ".a.md.swp", "a.md.bak", "Thumbs.db",
          "desktop.ini", ".hidden.md")


def test_editor_and_system_debris_is_never_read_or_published(site):
    files = {"content/jobs/a.md": article("Real")}
    for name in DEBRIS:
        for folder in ("content/jobs", "static", "themes/default/static"):
            files[f"{folder}/{name}"] = PRIVATE
    files["content/.git/config.md"] = PRIVATE
    files["static/.well-known-debris~/x.txt"] = SECRET
    root = site(files)
    result = build(root, BuildOptions(now=NOW))
    assert result.articles == 1
    assert SECRET.encode() not in published(root / "output")
    names = {Path(path).name for path in tree_bytes(root / "output")}
    assert names.isdisjoint(DEBRIS)


# --- the writer's own checks ----------------------------------------------------------------------

@given(st.text(alphabet="ab.চ/\\\0", max_size=8))
def test_the_writers_quick_path_check_refuses_exactly_what_contained_refuses(relative):
    try:
        expected = str(contained(Path("/out"), relative))
    except ValueError:
        expected = None
    try:
        staged = writer._staged("/out", relative)
    except BuildFailed:
        staged = None
    assert staged == expected


@pytest.mark.parametrize("relative", ["../x", "a/../../x", "/etc/passwd", "a//b", "a\\..\\b", "a\0b", ""])
def test_the_writer_refuses_a_path_that_could_lead_out_and_leaves_nothing_behind(tmp_path, relative):
    with pytest.raises(BuildFailed) as failed:
        writer.write_site([OutputFile("index.html", b"home"), OutputFile(relative, b"x")], tmp_path / "public")
    assert failed.value.diagnostics[0].message == "refused to write a file outside the output folder"
    assert [p.name for p in tmp_path.iterdir()] == [".public.lock"]  # the output's lock (empty): nothing else
    assert (tmp_path / ".public.lock").read_bytes() == b""


def test_a_symlink_in_the_standby_is_replaced_and_nothing_is_written_through_it(site, tmp_path):
    root = site({"content/jobs/a.md": article("A", tags="[t]"), "content/jobs/b.md": article("B", tags="[t]")})
    build(root, BuildOptions(now=NOW))
    write_tree(root, {"content/jobs/a.md": article("A, edited", tags="[t]")})
    build(root, BuildOptions(now=NOW))  # the first output is now the standby, synced by the next build
    standby = root / ".output.standby"
    if not standby.is_dir():
        pytest.skip("this file system cannot swap two folders in one step: there is no standby")
    # folders of the standby that the next build writes into point out of it, one of them at a
    # copy holding the very same names (a check of the last folder alone would follow them)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(standby / "articles", elsewhere / "articles")
    shutil.copytree(standby / "tag/t", elsewhere / "t")
    before = tree_bytes(elsewhere)
    shutil.rmtree(standby / "articles")
    (standby / "articles").symlink_to(elsewhere / "articles")
    shutil.rmtree(standby / "tag/t")
    (standby / "tag/t").symlink_to(elsewhere / "t")
    write_tree(root, {"content/jobs/a.md": article("A, edited again", tags="[t]")})
    build(root, BuildOptions(now=NOW))
    assert tree_bytes(elsewhere) == before
    assert not any(p.is_symlink() for p in (root / "output").rglob("*"))
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".skillsite-cache", "output", ".output.standby"))
    build(clean, BuildOptions(now=NOW))
    assert tree_bytes(root / "output") == tree_bytes(clean / "output")


def test_the_writer_lets_each_file_go_once_written_and_pages_rendered_ahead_stay_few(tmp_path, monkeypatch):
    # 120 files of 1 MB each, made one by one: held together, they would take 120 MB
    files = (OutputFile(f"page-{n}/index.html", bytes([n]) * 2**20) for n in range(120))
    tracemalloc.start()
    try:
        writer.write_site(files, tmp_path / "public")
        writer_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        # rendered in processes: results the consumer has not taken yet wait in memory
        monkeypatch.setattr(parallel, "MIN_TASKS_PER_WORKER", 1)
        taken = 0
        for content in parallel.map_in_processes(lambda size, n: b"x" * size, 2**20, range(80), jobs=2, chunk=1):
            taken += len(content)
            time.sleep(0.02)  # a consumer slower than the workers, as a writer on a slow disk
        workers_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(list((tmp_path / "public").glob("page-*/index.html"))) == 120 and taken == 80 * 2**20
    assert writer_peak < 20 * 2**20 and workers_peak < 24 * 2**20


def test_work_not_yet_started_is_dropped_when_the_consumer_stops(tmp_path, monkeypatch):
    # a failed write stops taking pages: what the workers have not begun is not rendered
    monkeypatch.setattr(parallel, "MIN_TASKS_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "CHUNKS_AHEAD", 20)  # 40 chunks submitted ahead

    def work(folder, n):
        (folder / str(n)).touch()
        time.sleep(0.2)
        return n

    results = parallel.map_in_processes(work, tmp_path, range(100), jobs=2, chunk=1)
    assert next(results) == 0
    results.close()
    started = len(list(tmp_path.iterdir()))
    # of the 40, only those begun or handed to the workers' queue (a few) ran
    assert 1 <= started <= 10
