"""Deterministic whatever the machine: the same content builds byte-identical output across
hash seeds, time zones, locales, SOURCE_DATE_EPOCH, file creation order, modification
times and checkout paths, and no output names the machine, its user or its folders."""

from __future__ import annotations

import getpass
import os
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, tree_bytes


def copy_site(target: Path, *, reverse: bool, seed: int) -> Path:
    """The sample site copied file by file, in sorted or reverse order, with scattered mtimes."""
    files = sorted(p for p in (REPO / "content").rglob("*") if p.is_file())
    target.mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    rng = random.Random(seed)
    for source in reversed(files) if reverse else files:
        destination = target / "content" / source.relative_to(REPO / "content")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(source.read_bytes())
        moment = rng.randrange(0, 2_000_000_000)
        os.utime(destination, (moment, moment))
    return target


def build_in(site: Path, **env: str) -> dict[str, bytes]:
    done = subprocess.run([sys.executable, "-m", "skillsite", "build", str(site)], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=site.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    return tree_bytes(site / "output")


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The sample site built twice, on two "machines" as different as one machine allows."""
    first = copy_site(tmp_path_factory.mktemp("a") / "site", reverse=False, seed=1)
    second = copy_site(tmp_path_factory.mktemp("b") / "checkouts" / "elsewhere" / "board", reverse=True, seed=2)
    one = build_in(first, PYTHONHASHSEED="1", TZ="UTC", LANG="C", LC_ALL="C", SOURCE_DATE_EPOCH="0")
    two = build_in(second, PYTHONHASHSEED="4242", TZ="Pacific/Kiritimati", LANG="de_DE.UTF-8",
                   LC_ALL="tr_TR.UTF-8", SOURCE_DATE_EPOCH="1900000000")
    return (first, one), (second, two)


def test_two_machines_build_byte_identical_output(two_builds):
    (_, one), (_, two) = two_builds
    assert "pagefind/pagefind.js" in one and "index.html" in one
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_no_output_names_the_checkout_the_home_folder_the_user_or_the_host(two_builds):
    tells = {str(REPO), str(Path.home()), socket.gethostname()}
    for site, output in two_builds:
        tells |= {str(site), str(site.resolve())}
    user = getpass.getuser()
    if len(user) >= 5:  # "root" is a word of CSS (:root)
        tells.add(user)
    tells = {tell.encode() for tell in tells if len(tell) >= 4}
    for _, output in two_builds:
        for name, content in output.items():
            assert [tell for tell in tells if tell in content] == [], name


def test_source_date_epoch_changes_nothing_because_no_page_shows_when_it_was_built(two_builds):
    """The two builds ran with SOURCE_DATE_EPOCH 0 and 1900000000: a generation time shown
    anywhere would differ. Every date in the output comes from the articles."""
    (_, one), (_, two) = two_builds
    assert one == two


def test_the_search_index_does_not_depend_on_the_file_system_the_output_is_on(two_builds, tmp_path):
    # pagefind.py hands Pagefind the pages in the shard's order; it never lists a folder
    (site, one), _ = two_builds
    disk = tmp_path / "tmpfs"
    disk.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {done.stderr.strip()}")
    try:
        copy = copy_site(tmp_path / "site", reverse=False, seed=1)
        done = subprocess.run([sys.executable, "-m", "skillsite", "build", str(copy), "--output", str(disk / "out")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout
        assert tree_bytes(disk / "out") == one
    finally:
        subprocess.run(["umount", str(disk)], check=False)
