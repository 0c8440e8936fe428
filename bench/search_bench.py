"""``bench/run.py --search``: builds with the search index, side by side in one run with what
a Hugo site with search runs: Hugo, then Pagefind over Hugo's output.

skillsite: a cold build (no cache, no output), a build with nothing changed, a build after
one article's body was edited. Hugo + Pagefind: the same three, each Hugo's build followed
by ``pagefind --site public`` (Pagefind has no incremental mode: it indexes every page each
time). The reference Hugo site (../shared/bench/hugo) is used as it is, but for one mark:
``data-pagefind-body`` on its article, so that Pagefind indexes the articles only, as
skillsite's index does (and not the list pages: less work for Hugo's side, not more).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Timed = Callable[[list[str]], dict]


def pagefind_binary() -> str:
    from skillsite.pagefind import find_binary
    binary = find_binary()
    if binary is None or not binary.is_file():
        sys.exit("--search needs the Pagefind binary: pip install 'pagefind[extended]'")
    return str(binary)


def skillsite_rows(site: Path, config: str, timed: Timed, build: list[str], edit: Callable[[], None]
                   ) -> list[tuple[str, dict]]:
    """Cold, nothing changed, one body edited: skillsite with search on."""
    (site / "site.yaml").write_text(config, encoding="utf-8")
    for leftover in (".skillsite-cache", "output", ".output.standby"):
        shutil.rmtree(site / leftover, ignore_errors=True)
    rows = [("search: cold build", timed(build)), ("search: nothing changed", timed(build))]
    edit()
    rows.append(("search: one body edited", timed(build)))
    return rows


def hugo_site(make_corpus: Path, reference: Path, articles: int, site: Path) -> Path:
    subprocess.run([sys.executable, str(make_corpus), str(articles), str(site), "--flavor", "hugo"], check=True)
    shutil.copytree(reference, site, dirs_exist_ok=True)
    single = site / "layouts" / "single.html"
    text = single.read_text(encoding="utf-8")
    marked = text.replace("<article>", "<article data-pagefind-body>", 1)
    if marked == text:
        sys.exit(f"{single}: no <article> to mark for Pagefind")
    single.write_text(marked, encoding="utf-8")
    return site


def hugo_pagefind_rows(site: Path, hugo: str, timed: Timed) -> list[tuple[str, dict]]:
    """Cold, nothing changed, one body edited: Hugo, then Pagefind over its output."""
    pagefind = pagefind_binary()

    def both() -> dict:
        built = timed([hugo, "--source", str(site), "--quiet"])
        indexed = timed([pagefind, "--site", str(site / "public"), "--quiet"])
        return {"seconds": built["seconds"] + indexed["seconds"], "peak_mb": max(built["peak_mb"], indexed["peak_mb"]),
                "hugo_seconds": built["seconds"], "pagefind_seconds": indexed["seconds"]}

    rows = [("hugo+pagefind: cold", both()), ("hugo+pagefind: nothing changed", both())]
    article = sorted((site / "content").rglob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    rows.append(("hugo+pagefind: one body edited", both()))
    return rows


def print_comparison(rows: list[tuple[str, dict]]) -> None:
    """skillsite with search against Hugo + Pagefind, step by step, with the issue's bounds."""
    figures = dict(rows)
    print(f"\n{'with search':32} {'skillsite':>9} {'hugo+pf':>8} {'(hugo':>7} {'+ pf)':>6} {'ratio':>6} {'bound':>6}")
    for step, bound in (("cold", 1.0), ("nothing changed", 0.05), ("one body edited", 0.1)):
        ours = figures[f"search: {step if step != 'cold' else 'cold build'}"]
        theirs = figures[f"hugo+pagefind: {step}"]
        ratio = ours["seconds"] / theirs["seconds"]
        print(f"{step:32} {ours['seconds']:9.2f} {theirs['seconds']:8.2f} {theirs['hugo_seconds']:7.2f} "
              f"{theirs['pagefind_seconds']:6.2f} {ratio:6.3f} {bound:6.2f}{'' if ratio <= bound else '  over'}")
