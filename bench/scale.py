#!/usr/bin/env python3
"""Scale benchmark (not a test): a site of N articles and T tags, built cold, rebuilt with
nothing changed and rebuilt after one edit; wall time and peak memory of each.

    python3 bench/scale.py --articles 10000 --tags 500 [--folder /tmp/skillsite-scale]

Peak memory is the largest resident set of the build process or any of its workers
(getrusage RUSAGE_CHILDREN), measured in a fresh process per build.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

WORDS = ("career job interview resume recruiter employer jobseeker student learner entrepreneur startup "
         "funding mentor network salary negotiation promotion leadership communication teamwork feedback "
         "growth learning training certification portfolio opportunity industry market hiring onboarding "
         "remote freelance consulting project operations technology innovation product customers").split()
CONFIG = """\
title: Scale Board
base_url: https://example.org/
timezone: Asia/Dhaka
categories:
  - {key: career, title: Career}
  - {key: jobs, title: Jobs}
  - {key: entrepreneurship, title: Entrepreneurship}
feeds:
  id_authority: example.org,2024
"""


def write_site(folder: Path, articles: int, tags: int, seed: int = 1) -> None:
    """``articles`` articles over three categories, each with three of ``tags`` tags."""
    rng = random.Random(seed)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "content").mkdir(parents=True)
    (folder / "site.yaml").write_text(CONFIG, encoding="utf-8")
    names = [f"tag-{n:03d}" for n in range(tags)]
    for number in range(articles):
        category = ("career", "jobs", "entrepreneurship")[number % 3]
        paragraphs = ["## " + " ".join(rng.choices(WORDS, k=4)).title()]
        paragraphs += [" ".join(rng.choices(WORDS, k=60)).capitalize() + "." for _ in range(5)]
        paragraphs.append("\n".join(f"- {' '.join(rng.choices(WORDS, k=8))}" for _ in range(4)))
        day = 1 + number % 28
        (folder / "content" / category).mkdir(exist_ok=True)
        (folder / "content" / category / f"article-{number:05d}.md").write_text(
            f"---\ntitle: \"{' '.join(rng.choices(WORDS, k=5)).title()} {number}\"\n"
            f"date: {2014 + number % 11}-{1 + number % 12:02d}-{day:02d} 10:00\nauthor: author-{number % 40}\n"
            f"category: {category}\ntags: [{', '.join(rng.sample(names, 3))}]\n---\n\n"
            + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def timed_build(folder: Path) -> tuple[float, float, str]:
    """(seconds, peak MB, last line printed) of one ``skillsite build`` in a fresh process."""
    command = [sys.executable, "-c", "import resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
               "print(done.returncode, peak, (done.stdout + done.stderr).strip().splitlines()[-1])\n",
               sys.executable, "-m", "skillsite", "build", str(folder)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    code, peak_kb, last = done.stdout.strip().split(" ", 2)
    if code != "0":
        raise SystemExit(f"build failed: {last}")
    return seconds, int(peak_kb) / 1024, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=500)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/skillsite-scale"))
    args = parser.parse_args()
    started = time.perf_counter()
    write_site(args.folder, args.articles, args.tags)
    print(f"wrote {args.articles} articles with {args.tags} tags in {time.perf_counter() - started:.1f} s")
    runs = [("cold build", None), ("rebuild, nothing changed", None), ("rebuild, one article edited", "edit")]
    for label, change in runs:
        if change == "edit":
            first = sorted((args.folder / "content" / "jobs").glob("*.md"))[0]
            first.write_text(first.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        seconds, peak, last = timed_build(args.folder)
        print(f"{label:30} {seconds:7.1f} s   peak {peak:7.0f} MB   {last}")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
