#!/usr/bin/env python3
"""What no build with skillsite's Markdown can avoid, shaped like ../shared/bench/floor.py:
read each article, split its front matter, load it with PyYAML's C loader, parse the body
with skillsite's configured markdown-it-py (``make_markdown``), render it, run the
sanitiser (keeping every URL as written: no link checks), write one HTML file. No
templates, listings, feeds, cache or search.

The cold build's target is a ratio to floor.py; this row shows how much of it the parser
alone already takes, before a single page template runs.

Usage: parser_floor.py CONTENT_DIR OUT_DIR [--jobs N]
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from concurrent.futures import ProcessPoolExecutor

import yaml
from markdown_it import MarkdownIt

from skillsite.markdown import make_markdown
from skillsite.sanitize import sanitize


def render(task: tuple[str, str]) -> int:
    source, target = task
    with open(source, encoding="utf-8") as stream:
        text = stream.read()
    end = text.index("\n---", 4)
    meta = yaml.load(text[4:end], Loader=yaml.CSafeLoader)
    md = _parser()
    tokens = md.parse(text[end + 4:], {})
    html = sanitize(md.renderer.render(tokens, md.options, {}), lambda element, attribute, url: url)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as stream:
        stream.write(f"<h1>{meta.get('title', '')}</h1>\n{html}")
    return len(html)


@functools.cache
def _parser() -> MarkdownIt:
    """One parser per process, made on first use (as in floor.py)."""
    return make_markdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("content")
    parser.add_argument("out")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    tasks = []
    for root, _, files in os.walk(args.content):
        for name in files:
            if name.endswith(".md"):
                source = os.path.join(root, name)
                relative = os.path.relpath(source, args.content)[:-3]
                tasks.append((source, os.path.join(args.out, relative, "index.html")))
    tasks.sort()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            written = sum(pool.map(render, tasks, chunksize=64))
    else:
        written = sum(map(render, tasks))
    print(f"{len(tasks)} articles, {written} bytes of HTML", file=sys.stderr)


if __name__ == "__main__":
    main()
