"""Faults leave the last good site in place: a template error midway, a build killed with
SIGKILL at many moments, a full disk, two builds at once. In every case the output is
byte-identical to the last good build afterwards, and the next build, tripping on no
leftover, writes exactly what a clean build writes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL_CONFIG, NOW, REPO, article, tree_bytes, write_tree
from skillsite.build import BuildOptions, build
from skillsite.cli import main
from skillsite.lock import LOCK_FILE
from skillsite.model import BuildFailed

LOCK_MESSAGE = ("error: another build of this site is running (process {pid}); this one was not started\n"
                "  hint: wait until it has finished, then build again (two builds at once would write the same output)")


def write_articles(root: Path, count: int, edition: int) -> Path:
    """A site of ``count`` articles; each edition changes every article (so every page)."""
    files = {"site.yaml": MINIMAL_CONFIG}
    for number in range(count):
        body = "\n\n".join(f"Paragraph {p} of article {number}, edition {edition}: careers and interviews."
                           for p in range(20)) + "\n"
        files[f"content/jobs/a{number:04d}.md"] = article(f"Article {number} ({edition})", body,
                                                           tags=f"[t{number % 25}]")
    return write_tree(root, files)


def cli_build(root: Path, *args: str) -> subprocess.Popen:
    """``skillsite build`` in a process group of its own (its workers too)."""
    return subprocess.Popen([sys.executable, "-m", "skillsite", "build", str(root), *args], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def clean_build(tmp_path: Path, count: int, edition: int) -> dict[str, bytes]:
    """What a first build of that edition writes, in a folder of its own."""
    root = write_articles(tmp_path / f"clean-{edition}", count, edition)
    done = subprocess.run([sys.executable, "-m", "skillsite", "build", str(root)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return tree_bytes(root / "output")


def debris(folder: Path) -> list[str]:
    """Leftovers of a build beside the output: staging folders (the standby is intended)."""
    return sorted(p.name for p in folder.iterdir() if ".staging-" in p.name or ".new-" in p.name)


# --- a template error midway ---------------------------------------------------------------------

def test_a_template_error_in_the_middle_of_a_build_keeps_the_last_good_site(tmp_path):
    root = write_articles(tmp_path / "site", 40, 1)
    build(root, BuildOptions(now=NOW))
    good = tree_bytes(root / "output")
    write_articles(root, 40, 2)
    template = (REPO / "themes/default/templates/article.html").read_text(encoding="utf-8")
    broken = template.replace("{% block content %}", "{% block content %}{% if 'Article 27 ' in article.title %}"
                                                     "{{ article.no_such_field }}{% endif %}", 1)
    assert broken != template
    write_tree(root, {"themes/default/templates/article.html": broken})
    with pytest.raises(BuildFailed) as failed:
        build(root, BuildOptions(now=NOW))
    assert "'dict object' has no attribute 'no_such_field'" in failed.value.diagnostics[0].message
    assert tree_bytes(root / "output") == good
    assert debris(root) == []
    (root / "themes/default/templates/article.html").unlink()
    build(root, BuildOptions(now=NOW))
    assert tree_bytes(root / "output") == clean_build(tmp_path, 40, 2)
    assert debris(root) == []


# --- SIGKILL --------------------------------------------------------------------------------------

@pytest.mark.timeout(300)
def test_a_build_killed_at_any_moment_leaves_the_last_good_site_and_the_next_build_recovers(tmp_path):
    count = 300
    root = write_articles(tmp_path / "site", count, 1)
    first = cli_build(root)
    assert first.wait() == 0, first.stdout.read()
    good = tree_bytes(root / "output")
    edited = clean_build(tmp_path, count, 2)
    write_articles(root, count, 2)
    started = time.perf_counter()
    probe = cli_build(root, "--output", str(tmp_path / "timing"))
    assert probe.wait() == 0
    duration = time.perf_counter() - started
    kills = 0
    for fraction in (0.05, 0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 0.95):
        process = cli_build(root)
        time.sleep(duration * fraction)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            kills += 1
        process.wait()
        process.stdout.close()
        now = tree_bytes(root / "output")
        assert now in (good, edited), f"killed at {fraction:.0%}: the output is neither the old nor the new site"
        good = now  # a build killed after its swap has published the new site whole
    assert kills >= 5
    last = cli_build(root)
    assert last.wait() == 0, last.stdout.read()
    assert tree_bytes(root / "output") == edited
    assert debris(root) == []


def processes() -> list[tuple[int, str, int, int]]:
    """(pid, state, parent, process group) of every process, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue  # ended while we looked
        found.append((int(stat.parent.name), state, int(parent), int(group)))
    return found


def live_in_group(group: int) -> list[int]:
    """The live processes (zombies left out) of a process group: a killed build's workers
    keep its group when their parent dies."""
    return [pid for pid, state, _, in_group in processes() if in_group == group and state != "Z"]


def forked_workers(build: int) -> list[int]:
    """The build's children that are copies of it (not git or Pagefind): its workers."""
    command = Path(f"/proc/{build}/cmdline").read_bytes()
    return [pid for pid, _, parent, _ in processes() if parent == build and _cmdline(pid) == command]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.timeout(300)
def test_a_build_killed_alone_takes_its_workers_with_it_and_the_next_build_runs(tmp_path):
    # kill -9 of the build's own process (the OOM killer's way), not of its process group
    root = write_articles(tmp_path / "site", 1500, 1)
    process = cli_build(root)
    try:
        deadline = time.monotonic() + 120
        while len(forked_workers(process.pid)) < 2:
            assert process.poll() is None and time.monotonic() < deadline, "the build never forked its workers"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
        deadline = time.monotonic() + 10
        while live_in_group(process.pid):
            assert time.monotonic() < deadline, f"workers outlived their build: {live_in_group(process.pid)}"
            time.sleep(0.05)
        done = subprocess.run([sys.executable, "-m", "skillsite", "build", str(root)], capture_output=True,
                              text=True, timeout=240)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.startswith("Built 1500 articles, ")
        assert "another build" not in done.stderr
    finally:
        for pid in live_in_group(process.pid):
            os.kill(pid, signal.SIGKILL)


def test_a_worker_whose_parent_is_gone_ends_itself():
    # where the kernel cannot be asked (not Linux), a thread watches the parent's pid; here
    # the orphan's output pipe stays open until it ends, so the run waits for it
    code = ("import os, time\n"
            "from skillsite.parallel import _watch_parent\n"
            "parent = os.getpid()\n"
            "if os.fork() == 0:\n"
            "    _watch_parent(parent, every=0.05)\n"
            "    print('outlived its parent', flush=True)\n"
            "os._exit(0)\n")
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert run.stdout == "" and run.returncode == 0, run.stderr
    assert time.monotonic() - started < 10


# --- a full disk ----------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A mount point for a small tmpfs: ``mount(size_kb)``; unmounted afterwards."""
    point = tmp_path / "disk"
    point.mkdir()
    mounted = []

    def mount(size_kb: int) -> Path:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs to fill (needs root): {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for path in mounted:
        subprocess.run(["umount", str(path)], check=False)


def test_a_full_disk_keeps_the_last_good_site_and_the_next_build_recovers(tmp_path, small_disk):
    root = write_articles(tmp_path / "site", 30, 1)
    needed = sum(len(content) for content in clean_build(tmp_path, 30, 1).values()) // 1024
    disk = small_disk(3 * needed + 1024)
    output = disk / "public"
    assert CliRunner().invoke(main, ["build", str(root), "--output", str(output)]).exit_code == 0
    good = tree_bytes(output)
    huge = "Interviews " * (3_500_000 // 11)
    write_tree(root, {"content/jobs/huge.md": article("Huge", huge + "\n")})
    result = CliRunner().invoke(main, ["build", str(root), "--output", str(output)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "could not read or write: No space left on device" in result.output
    assert "Traceback" not in result.output
    assert tree_bytes(output) == good
    assert debris(disk) == []
    (root / "content/jobs/huge.md").unlink()
    write_articles(root, 30, 2)
    assert CliRunner().invoke(main, ["build", str(root), "--output", str(output)]).exit_code == 0
    assert debris(disk) == []
    # the reference on the same file system: Pagefind's index follows its directory order
    # (test_determinism.py shows it)
    reference = write_articles(tmp_path / "reference", 30, 2)
    assert CliRunner().invoke(main, ["build", str(reference), "--output", str(disk / "reference")]).exit_code == 0
    assert tree_bytes(output) == tree_bytes(disk / "reference")


# --- two builds at once ---------------------------------------------------------------------------

def test_a_second_build_while_one_runs_is_refused_and_changes_nothing(site):
    root = site({"content/jobs/a.md": article()})
    assert CliRunner().invoke(main, ["build", str(root)]).exit_code == 0
    good = tree_bytes(root / "output")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
                               "from skillsite.lock import build_lock\n"
                               "with build_lock(Path(sys.argv[1]), 'x'):\n    print('held', flush=True)\n"
                               "    time.sleep(60)\n", str(root / ".skillsite-cache")],
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert holder.stdout.readline() == "held\n"
        (root / "content/jobs/b.md").write_text(article("New"), encoding="utf-8")
        result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
        assert result.exit_code == 1
        assert f".skillsite-cache/{LOCK_FILE}: {LOCK_MESSAGE.format(pid=holder.pid)}" in result.output
        assert tree_bytes(root / "output") == good
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()
    assert CliRunner().invoke(main, ["build", str(root)]).exit_code == 0  # the lock went with its holder
    assert "articles/b/index.html" in tree_bytes(root / "output")


@pytest.mark.timeout(120)
def test_two_real_builds_started_together_one_is_refused_the_other_publishes_whole(tmp_path):
    root = write_articles(tmp_path / "site", 300, 1)
    first = cli_build(root)
    lock = root / ".skillsite-cache" / LOCK_FILE
    deadline = time.monotonic() + 30
    while not (lock.is_file() and lock.read_text().strip() == str(first.pid)):
        assert time.monotonic() < deadline and first.poll() is None, "the first build never took the lock"
        time.sleep(0.01)
    second = subprocess.run([sys.executable, "-m", "skillsite", "build", str(root)], capture_output=True, text=True)
    running = first.poll() is None
    assert first.wait() == 0, first.stdout.read()
    first.stdout.close()
    if not running:
        pytest.skip("the first build finished before the second one asked for the lock")
    assert second.returncode == 1
    assert f".skillsite-cache/{LOCK_FILE}: {LOCK_MESSAGE.format(pid=first.pid)}" in second.stdout + second.stderr
    assert tree_bytes(root / "output") == clean_build(tmp_path, 300, 1)
    assert debris(root) == []


def test_a_process_forked_by_a_build_does_not_hold_its_lock(site):
    # a worker that outlived its build (however it came to) must not keep the site locked
    root = site({"content/jobs/a.md": article()})
    code = ("import os, sys, time\n"
            "from pathlib import Path\n"
            "from skillsite.lock import build_lock\n"
            "with build_lock(Path(sys.argv[1]), 'x'):\n"
            "    if os.fork() == 0:\n"
            "        print(os.getpid(), flush=True)\n"
            "        time.sleep(60)\n"
            "    os._exit(0)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(root / ".skillsite-cache")], stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        child = int(holder.stdout.readline())
        holder.wait()
        assert Path(f"/proc/{child}").exists()  # the child lives on, its parent is gone
        result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.stdout.close()


def test_the_lock_file_is_inside_the_cache_folder_and_empty_between_builds(site):
    root = site({"content/jobs/a.md": article()})
    build(root, BuildOptions(now=NOW))
    assert (root / ".skillsite-cache" / LOCK_FILE).read_bytes() == b""
    shutil.rmtree(root / ".skillsite-cache")
    build(root, BuildOptions(now=NOW))  # a deleted cache folder is made again, lock and all


# --- leftovers in the standby ---------------------------------------------------------------------

def entries(folder: Path) -> list[str]:
    """Everything under ``folder``: files, folders and anything else, by relative path."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_leftovers_anywhere_in_the_standby_are_never_published(tmp_path):
    root = write_articles(tmp_path / "site", 5, 1)
    build(root, BuildOptions(now=NOW))
    write_articles(root, 5, 2)
    build(root, BuildOptions(now=NOW))  # the first output is now the standby, synced by the next build
    standby = root / ".output.standby"
    if not standby.is_dir():
        pytest.skip("this file system cannot swap two folders in one step: there is no standby")
    # what a killed build or a person leaves: temporary files beside pages, strays deep down,
    # whole folders the site no longer has, a page missing, something that is not a file at all
    write_tree(standby, {"articles/a0001/.index.html.new-4242": "half written", ".feed.xml.link-4242": "",
                         "articles/a0001/stray.html": "stray", "articles/gone/index.html": "an old page",
                         "articles/gone/deeper/x.css": "x", "tag/t1/page/9/index.html": "an old page"})
    (standby / "articles/a0002/index.html").unlink()
    os.mkfifo(standby / "articles/a0003/fifo")
    write_articles(root, 5, 3)
    build(root, BuildOptions(now=NOW))
    assert tree_bytes(root / "output") == clean_build(tmp_path, 5, 3)
    assert entries(root / "output") == entries(tmp_path / "clean-3" / "output")
