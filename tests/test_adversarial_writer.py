"""Adversarial: the output folder against hosts, links, platforms and neighbours that do
not behave as this machine does.

- Static files whose names differ only in case or in Unicode normalisation (``Index.html``
  beside ``index.html``, ``café`` in NFC and NFD) are refused: copied to a host that does
  not tell them apart, one would replace the other (the home page, the feed).
- An output folder that is a symlink (a web root) stays a link: the site is swapped in
  where it points, build after build.
- Without an exchange of two folders in one step (forced here, as on file systems without
  RENAME_EXCHANGE), a build killed between its two renames leaves the previous output
  parked beside, and the next build puts it back first: byte for byte the last good site.
- Two sites building into one output folder at once: one is refused, the other publishes
  whole, and neither deletes the other's staging folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL_CONFIG, article, tree_bytes, write_tree
from skillsite.cli import main


def run_cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


# --- names a case- or normalisation-insensitive host folds together ------------------------------

NFC, NFD = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")
ALIKE = {
    "a static Index.html beside the home page": (["static/Index.html"], "'Index.html' (static file "),
    "two static files differing in case": (["static/Logo.png", "static/logo.png"], "'logo.png' (static file "),
    "NFC and NFD spellings": ([f"static/{NFC}.html", f"static/{NFD}.html"], "they look the same"),
    "a static FEED.XML beside the feed": (["static/FEED.XML"], "'feed.xml' ("),
    "a static file named like a page's folder": (["static/Articles"], "'Articles' (static file "),
    "folders differing in case holding the same name": (["static/Img/a.png", "static/img/A.png"],
                                                        "'img/A.png' (static file "),
}


@pytest.mark.parametrize("name", list(ALIKE))
def test_names_a_case_insensitive_host_would_fold_together_are_refused(site, name):
    paths, message = ALIKE[name]
    root = site({"content/jobs/a.md": article("A"), **{path: b"x" for path in paths}})
    assert run_cli("build", str(root), "--output", str(root / "first")).exit_code == 1
    result = run_cli("build", str(root))
    assert result.exit_code == 1
    assert message in result.output and "differ only in capital letters or in how an accent is written" \
        in result.output and "hint: rename one of them" in result.output
    assert not (root / "output").exists()


def test_folders_that_differ_in_case_with_different_files_merge_and_build(site):
    root = site({"content/jobs/a.md": article("A"), "static/Img/a.png": b"a", "static/img/b.png": b"b"})
    assert run_cli("build", str(root)).exit_code == 0


# --- an output folder that is a symlink -----------------------------------------------------------

def test_an_output_folder_that_is_a_symlink_stays_a_link_build_after_build(site, tmp_path):
    root = site({"content/jobs/a.md": article("First")})
    web_root = tmp_path / "srv" / "www"
    web_root.parent.mkdir()
    (root / "output").symlink_to(web_root, target_is_directory=True)
    for edition in ("First", "Second", "Third", "Fourth"):
        (root / "content/jobs/a.md").write_text(article(edition))
        result = run_cli("build", str(root))
        assert result.exit_code == 0, result.output
        assert (root / "output").is_symlink() and os.readlink(root / "output") == str(web_root)
        assert f">{edition}</h1>" in (web_root / "articles/a/index.html").read_text()
    assert not (root / ".output.standby").exists()  # the standby is beside the folder built into
    assert (web_root.parent / ".www.standby").is_dir()


def test_a_standby_left_as_a_symlink_by_an_older_build_is_replaced_not_followed(site, tmp_path):
    root = site({"content/jobs/a.md": article("First")})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    assert run_cli("build", str(root)).exit_code == 0
    (root / ".output.standby").symlink_to(elsewhere)  # what the old swap through a linked output left
    for edition in ("Second", "Third"):
        (root / "content/jobs/a.md").write_text(article(edition))
        assert run_cli("build", str(root)).exit_code == 0
        assert f">{edition}</h1>" in (root / "output/articles/a/index.html").read_text()
    assert (elsewhere / "keep.txt").read_text() == "mine" and sorted(os.listdir(elsewhere)) == ["keep.txt"]


# --- no exchange in one step: a kill between the two renames --------------------------------------

_KILLED_BETWEEN_RENAMES = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import skillsite.swap as swap
    swap.exchange = lambda first, second: False  # as on a system or file system without it
    output = Path(sys.argv[1]).resolve() / "output"
    rename = os.rename
    def rename_then_die(source, target):
        rename(source, target)
        if Path(source) == output:  # the live output was just parked; the new one is not in yet
            os.kill(os.getpid(), signal.SIGKILL)
    swap.os.rename = rename_then_die
    from skillsite.cli import main
    sys.argv = ["skillsite", "build", sys.argv[1]]
    main()
""")

_FORCED_FALLBACK = textwrap.dedent("""
    import sys
    import skillsite.swap as swap
    swap.exchange = lambda first, second: False
    from skillsite.cli import main
    sys.argv = ["skillsite", "build", *sys.argv[1:]]
    main()
""")


def test_without_an_exchange_builds_swap_by_two_renames_and_keep_no_standby(site):
    root = site({"content/jobs/a.md": article("First")})
    for edition in ("First", "Second", "Third"):
        (root / "content/jobs/a.md").write_text(article(edition))
        done = subprocess.run([sys.executable, "-c", _FORCED_FALLBACK, str(root)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert f">{edition}</h1>" in (root / "output/articles/a/index.html").read_text()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".output")) == [".output.lock"]


def test_a_kill_between_the_two_renames_is_undone_by_the_next_build(site):
    root = site({"content/jobs/a.md": article("First")})
    assert run_cli("build", str(root)).exit_code == 0
    first = tree_bytes(root / "output")
    (root / "content/jobs/a.md").write_text(article("Second"))
    killed = subprocess.run([sys.executable, "-c", _KILLED_BETWEEN_RENAMES, str(root)], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    assert not (root / "output").exists()  # the window this platform has
    parked = [p for p in root.iterdir() if p.name.endswith("-old")]
    assert len(parked) == 1 and tree_bytes(parked[0]) == first  # the last good site, whole, beside
    # the next build puts it back before anything else: a failing one leaves exactly it
    (root / "content/jobs/a.md").write_text(article("Broken", category="jbos"))
    assert run_cli("build", str(root)).exit_code == 1
    assert tree_bytes(root / "output") == first
    (root / "content/jobs/a.md").write_text(article("Third"))
    assert run_cli("build", str(root)).exit_code == 0
    assert ">Third</h1>" in (root / "output/articles/a/index.html").read_text()
    assert [p.name for p in root.iterdir() if ".staging-" in p.name] == []


# --- two sites, one output folder -----------------------------------------------------------------

def _site_with_pages(root: Path, title: str, count: int) -> Path:
    return write_tree(root, {"site.yaml": MINIMAL_CONFIG, **{
        f"content/jobs/a{n:03d}.md": article(f"{title} {n}", "Text.\n" * 50, tags=f"[t{n}]") for n in range(count)}})


def test_two_sites_building_into_one_output_at_once_never_delete_each_others_staging(tmp_path):
    shared = tmp_path / "public"
    first = _site_with_pages(tmp_path / "one", "One", 150)
    second = _site_with_pages(tmp_path / "two", "Two", 150)
    outcomes = []
    for attempt in range(3):
        runs = [subprocess.Popen([sys.executable, "-m", "skillsite", "build", str(root), "--output", str(shared)],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for root in (first, second)]
        results = [(run.wait(timeout=300), run.stdout.read()) for run in runs]
        outcomes.append(results)
        assert all("Traceback" not in output and "internal error" not in output for _, output in results), results
        codes = sorted(code for code, _ in results)
        assert codes in ([0, 0], [0, 1]), results
        for code, output in results:
            if code == 1:
                assert ("error: another build is writing into this output folder (process " in output
                        and "this one wrote nothing" in output), output
        # the output is one site, whole: every page of the one that won, nothing of the other
        titles = {("One" if ">One " in page else "Two") for path, page in
                  ((p, p.read_text()) for p in shared.glob("articles/*/index.html"))}
        assert len(titles) == 1 and len(list(shared.glob("articles/*/index.html"))) == 150
        time.sleep(0.1)
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name] == []
