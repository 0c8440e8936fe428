"""Hostile and unlucky file systems (issue 15): whatever sits in content/, static/ or a
theme — a FIFO, a device, a symbolic link anywhere on the way, a folder this user cannot
read, an article named Other.MD, a cache folder that is a link or a file — is named, never
followed, never read without end; the build exits 1 and the previous output stays as it was."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import article, tree_bytes

TIMEOUT = 60


WITHOUT_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                    "--inh-caps=-dac_override,-dac_read_search"]
"""Root, but bound by permissions as any other user (the tests run as root, for whom no
folder is closed)."""


def skillsite(*args: str, cwd: Path, bound: bool = False) -> subprocess.CompletedProcess:
    """The command as a moderator types it, in its own process (``bound`` by permissions)."""
    command = [*(WITHOUT_OVERRIDE if bound else []), sys.executable, "-m", "skillsite", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, "HOME": str(cwd)})


@pytest.fixture
def built(site):
    """A site built once: its output is what must survive every refused build."""
    root = site({"content/jobs/a.md": article("A", "Text.\n"), "static/images/logo.svg": "<svg/>",
                 "themes/default/static/extra.css": "p{}"})
    assert skillsite("build", cwd=root).returncode == 0
    return root, tree_bytes(root / "output")


def refused(root: Path, before: dict, *expected: str) -> None:
    """``build`` and ``check`` both exit 1 within the time limit, naming ``expected`` (exact
    lines of what they print), and the output is as it was."""
    for command in ("build", "check"):
        done = skillsite(command, cwd=root)
        assert done.returncode == 1, done.stdout + done.stderr
        for line in expected:
            assert line in done.stderr.splitlines(), (line, done.stderr)
        assert "Traceback" not in done.stderr
    assert tree_bytes(root / "output") == before


SPECIAL = "this is {kind}, which skillsite never reads or publishes"


@pytest.mark.parametrize("where", ["content/jobs/pipe.md", "static/pipe.png", "themes/default/templates/pipe.html",
                                   "themes/default/static/pipe.css"])
def test_a_fifo_anywhere_is_named_and_never_hangs_a_build(built, where):
    root, before = built
    (root / where).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(root / where)
    refused(root, before, f"{where}: error: " + SPECIAL.format(kind="a named pipe (FIFO)"))


@pytest.mark.parametrize("where", ["static/zero.bin", "content/jobs/zero.md"])
def test_a_device_file_is_named_and_never_read(built, where):
    root, before = built
    os.mknod(root / where, stat.S_IFCHR | 0o644, os.makedev(1, 5))  # /dev/zero: endless bytes
    refused(root, before, f"{where}: error: " + SPECIAL.format(kind="a device file"))


@pytest.mark.parametrize("link, target", [
    ("static/zero", "/dev/zero"),
    ("content/career", "content/jobs"),             # a category folder that is a link
    ("content/jobs/b.md", "content/jobs/a.md"),     # an article that is a link
    ("themes/default/templates/x.html", "/etc/passwd"),
])
def test_a_symbolic_link_is_named_and_never_followed(built, link, target):
    root, before = built
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target if target.startswith("/") else root / target, root / link)
    refused(root, before, f"{link}: error: " + SPECIAL.format(kind="a symbolic link"))


def test_a_theme_folder_that_is_a_link_is_named_and_its_templates_are_not_used(built, tmp_path):
    root, before = built
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(root / "themes/default", elsewhere)
    (elsewhere / "templates").mkdir()
    (elsewhere / "templates/404.html").write_text("<p>from outside the site</p>")
    shutil.rmtree(root / "themes/default")
    os.symlink(elsewhere, root / "themes/default")
    refused(root, before, "themes/default: error: 'themes/default' should be a folder, but it is a symbolic link")


def test_an_article_named_with_capitals_in_its_suffix_is_named_not_skipped(built):
    root, before = built
    (root / "content/jobs/Other.MD").write_text(article("Other", "Text.\n"))
    refused(root, before, "content/jobs/Other.MD: error: 'Other.MD' looks like an article, but only files ending "
                          "in '.md' (lowercase) are read")


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is not installed")
@pytest.mark.parametrize("where", ["content/career", "static/images"])
def test_a_folder_this_user_cannot_read_is_named_not_dropped(site, where):
    root = site({"content/jobs/a.md": article("A", "Text.\n"), "content/career/b.md": article("B", "Text.\n",
                                                                                             category="career"),
                 "static/images/logo.svg": "<svg/>"})
    assert skillsite("build", cwd=root, bound=True).returncode == 0
    before = tree_bytes(root / "output")
    (root / where).chmod(0o000)
    try:
        for command in ("build", "check"):
            done = skillsite(command, cwd=root, bound=True)
            assert done.returncode == 1, done.stderr
            assert (f"{where}: error: cannot read '{where}': Permission denied" in done.stderr.splitlines()), done.stderr
        assert tree_bytes(root / "output") == before
    finally:
        (root / where).chmod(0o777)


@pytest.mark.parametrize("shape", ["a link", "a file"])
def test_a_cache_folder_that_is_a_link_or_a_file_is_set_aside_and_the_lock_stays_in_the_site(built, tmp_path, shape):
    root, before = built
    shutil.rmtree(root / ".skillsite-cache")
    outside = tmp_path / "outside"
    outside.mkdir()
    if shape == "a link":
        os.symlink(outside, root / ".skillsite-cache")
    else:
        (root / ".skillsite-cache").write_text("not a folder")
    done = skillsite("build", cwd=root)
    assert done.returncode == 0, done.stderr
    assert (root / ".skillsite-cache").is_dir() and not (root / ".skillsite-cache").is_symlink()
    assert list(outside.iterdir()) == []  # neither the lock nor the cache went where the link pointed
    assert (root / ".skillsite-cache.aside").exists() or (root / ".skillsite-cache.aside").is_symlink()
    assert tree_bytes(root / "output") == before
