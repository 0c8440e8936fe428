#!/usr/bin/env python3
"""The benchmark: ``python bench/run.py --articles 1000``.

Generates N articles with ../shared/bench/make_corpus.py into a temporary site, then times,
each in a fresh process (so peak memory is the build's own):

- floor.py (markdown-it-py alone) on one and on two processes, the reference;
- a cold build (no previous output);
- a rebuild with nothing changed;
- a rebuild after editing one article's body, and after editing one article's title
  (which changes listings and feeds too);
- ``skillsite serve``: from saving an article to the browser's reload signal.

Seconds are wall time of the whole process (interpreter start and imports included) for
the floor and for skillsite alike.

and prints a table with seconds, the ratio to the two-process floor, peak RSS and pages per
second. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"


def child_build(site: str) -> None:
    """Run one build in this process and print its figures as JSON."""
    from skillsite.build import build
    started = time.perf_counter()
    result = build(Path(site))
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"build_seconds": seconds, "peak_mb": peak_kb / 1024, "pages": result.pages}))


def timed(command: list[str]) -> dict:
    """Run ``command``; its wall time and peak RSS (of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures = {"seconds": seconds, "peak_mb": max(peak_kb, before) / 1024}
    if "--child-build" in command:  # the build's own peak memory; seconds stay wall time
        figures.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return figures


def build_command(site: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child-build", str(site)]


def edit_first_article(site: Path, what: str) -> None:
    """Change one article's body or title, as a moderator would."""
    article = sorted((site / "content").rglob("*.md"))[0]
    text = article.read_text(encoding="utf-8")
    if what == "body":
        text += "\nOne more paragraph, added by the benchmark.\n"
    else:
        text = re.sub(r'^title: "(.*)"$', r'title: "\1 (revised)"', text, count=1, flags=re.MULTILINE)
    article.write_text(text, encoding="utf-8")


def serve_latency(site: Path, edits: int = 3) -> dict:
    """Median seconds from saving an article to serve's reload signal, over ``edits`` saves."""
    server = subprocess.Popen([sys.executable, "-m", "skillsite", "serve", str(site), "--port", "0"],
                              stderr=subprocess.PIPE, text=True)
    try:
        url = None
        while url is None:
            line = server.stderr.readline()
            if not line:
                sys.exit("serve stopped before it was ready")
            match = re.search(r"on (http://127\.0\.0\.1:\d+/)", line)
            url = match.group(1) if match else None
        threading.Thread(target=server.stderr.read, daemon=True).start()  # keep its log flowing
        events = urllib.request.urlopen(url + "_skillsite/events", timeout=120)
        events.readline(), events.readline()  # the current build
        times = []
        for _ in range(edits):
            time.sleep(0.5)  # let the watcher settle, as between a moderator's saves
            started = time.perf_counter()
            edit_first_article(site, "body")
            while not events.readline().startswith(b"data:"):
                pass
            times.append(time.perf_counter() - started)
            events.readline()
        return {"seconds": statistics.median(times), "peak_mb": float("nan")}
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--shared-bench", type=Path, default=SHARED_BENCH,
                        help="folder holding make_corpus.py and floor.py")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site")
    parser.add_argument("--child-build", metavar="SITE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        child_build(args.child_build)
        return

    workdir = Path(tempfile.mkdtemp(prefix="skillsite-bench-"))
    site = workdir / "site"
    try:
        subprocess.run([sys.executable, str(args.shared_bench / "make_corpus.py"), str(args.articles), str(site)],
                       check=True)
        shutil.copy(REPO / "site.yaml", site / "site.yaml")
        rows = []
        for jobs in (1, 2):
            shutil.rmtree(workdir / "floor", ignore_errors=True)
            rows.append((f"floor.py --jobs {jobs}", timed([sys.executable, str(args.shared_bench / "floor.py"),
                                                            str(site / "content"), str(workdir / "floor"),
                                                            "--jobs", str(jobs)])))
        rows.append(("skillsite cold build", timed(build_command(site))))
        rows.append(("rebuild, nothing changed", timed(build_command(site))))
        edit_first_article(site, "body")
        rows.append(("rebuild, one body edited", timed(build_command(site))))
        edit_first_article(site, "title")
        rows.append(("rebuild, one title edited", timed(build_command(site))))
        rows.append(("serve: save to reload signal", serve_latency(site)))
        print_table(args.articles, rows)
    finally:
        if args.keep:
            print(f"site kept in {site}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def print_table(articles: int, rows: list[tuple[str, dict]]) -> None:
    floor2 = dict(rows)["floor.py --jobs 2"]["seconds"]
    print(f"\n{articles} articles from make_corpus.py")
    print(f"{'':28} {'seconds':>8} {'x floor2':>9} {'peak MB':>8} {'pages/s':>8}")
    for name, figures in rows:
        pages = figures.get("pages")
        rate = f"{pages / figures['seconds']:8.0f}" if pages else f"{'':8}"
        peak = f"{figures['peak_mb']:8.0f}" if figures["peak_mb"] == figures["peak_mb"] else f"{'':8}"
        print(f"{name:28} {figures['seconds']:8.2f} {figures['seconds'] / floor2:9.2f} {peak} {rate}")


if __name__ == "__main__":
    main()
