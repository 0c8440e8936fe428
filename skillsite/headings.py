"""Heading levels on an article's page: the page's title is its one <h1>, and every heading
of the body, Markdown's and raw HTML's alike (a Jekyll page's ``<h5>`` notes, a pasted
``<h1>``), follows under it without skipping a level.

The levels are placed on the sanitised HTML, where nh3 has written every tag one way
(lowercase, attributes double-quoted, text escaped), so a heading tag is found exactly as a
browser finds it, inside Markdown rendered in raw HTML blocks too.
"""

from __future__ import annotations

import re
from html import unescape

_HEADING_TAG = re.compile(r'<(/?)h([1-6])((?:\s[^>]*)?)>')
_ID = re.compile(r'\sid="([^"]*)"')
TOP_LEVEL = 2
"""The level of a body's first heading: the page's title is its <h1>."""


def place_headings(html: str) -> tuple[str, tuple[tuple[int, str | None], ...]]:
    """``html`` with each heading at its level under the page's <h1>, and (level given,
    id) of each heading in order.

    A heading goes one level under the nearest heading before it written at a higher level
    (``##`` then ``#####`` become h2 then h3), or at TOP_LEVEL when there is none, never
    deeper than h6: the document outline stays the one the author meant, without gaps."""
    stack: list[tuple[int, int]] = []  # (level written, level given) of the headings above this one
    placed: list[tuple[int, str | None]] = []
    open_level = TOP_LEVEL

    def replace(match: re.Match) -> str:
        nonlocal open_level
        closing, written, attributes = match[1], int(match[2]), match[3]
        if closing:  # headings never nest in parsed HTML: this closes the one opened last
            return f"</h{open_level}>"
        while stack and stack[-1][0] >= written:
            stack.pop()
        open_level = min(stack[-1][1] + 1, 6) if stack else TOP_LEVEL
        stack.append((written, open_level))
        found = _ID.search(attributes)
        placed.append((open_level, unescape(found[1]) if found else None))
        return f"<h{open_level}{attributes}>"

    return _HEADING_TAG.sub(replace, html), tuple(placed)


def levels_of(anchors: list[str], placed: tuple[tuple[int, str | None], ...]) -> list[int]:
    """The level given to each of the headings with these ids (the Markdown headings, in
    order), read from ``placed``; raw HTML headings between them are passed over."""
    levels, at = [], 0
    for anchor in anchors:
        while at < len(placed) and placed[at][1] != anchor:
            at += 1
        levels.append(placed[at][0] if at < len(placed) else TOP_LEVEL)
        at += 1
    return levels
