#!/usr/bin/env python3
"""Lighthouse scores of the sample site: ``python bench/lighthouse.py [--runs 3]``.

Builds the bundled sample site into a temporary folder, serves it on 127.0.0.1 and runs
Lighthouse 12.2.3 (``npx lighthouse@12.2.3``, fetched from the npm registry on first use)
against Debian's chromium (CHROME_PATH, default /usr/bin/chromium, headless, no sandbox)
on the home page and an article, with Lighthouse's default mobile emulation and simulated
slow 4G. Prints performance, accessibility, best practices and SEO for every run, the
median of the runs, and what kept a median below 100.

A script, not a test: Lighthouse takes about 15 s a page, and its performance score moves
by a point or two with the machine's load. ``--min 100`` makes it exit 1 when a median is
below that.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from clients import CHROMIUM_FLAGS, serve  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {"home": "", "article": "articles/writing-a-cv-that-gets-read/"}
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def build_sample(folder: Path) -> Path:
    from skillsite.build import BuildOptions, build
    shutil.copy(REPO / "site.yaml", folder / "site.yaml")
    shutil.copytree(REPO / "content", folder / "content")
    build(folder, BuildOptions(now=NOW))
    return folder / "output"


def lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse run: the JSON report."""
    flags = " ".join(["--headless=new", *CHROMIUM_FLAGS])
    command = ["npx", "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={report}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env, timeout=300)
    return json.loads(report.read_text(encoding="utf-8"))


def shortfalls(report: dict) -> list[str]:
    """The weighted audits that did not pass, by category."""
    found = []
    for key, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                found.append(f"{key}: {ref['id']} {audit['score']} {audit.get('displayValue', '')}".rstrip())
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page (the median is reported)")
    parser.add_argument("--min", type=int, default=0, help="exit 1 when a median score is below this")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as temporary:
        output = build_sample(Path(temporary))
        with serve(output) as base:
            for name, path in PAGES.items():
                runs = []
                for run in range(args.runs):
                    report = lighthouse(base + path, Path(temporary) / f"{name}-{run}.json")
                    scores = {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES}
                    runs.append((scores, report))
                    print(f"{name} run {run + 1}: " + ", ".join(f"{key} {value}" for key, value in scores.items()))
                median = {key: statistics.median_low([scores[key] for scores, _ in runs]) for key in CATEGORIES}
                print(f"{name} ({path or '/'}) median: " + ", ".join(f"{key} {value}" for key, value in median.items()))
                for scores, report in runs:
                    for line in shortfalls(report):
                        print(f"  {line}")
                failed |= any(value < args.min for value in median.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
