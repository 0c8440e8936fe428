"""What one article's body may cost to render, checked before it is parsed.

markdown-it-py makes a Python object for every block and for every piece of inline markup
(a million one-line paragraphs were 2.8 GB and 37 s), and the sanitiser's HTML parser
(html5ever, in nh3) takes time quadratic in how deeply elements nest (840,000 unclosed
``<div>`` took minutes). So a body is measured first, with a few passes over its text in
C: its lines (a bound on its blocks), its markup characters (a bound on its inline
pieces: each may start one) and how deeply its HTML tags nest. Within the limits a 4 MB
article of any shape renders in seconds and a few hundred MB; beyond them it is refused
with an error at the line where the limit was passed, saying which limit and why.
"""

from __future__ import annotations

import itertools
import re

from .model import Diagnostic, SourceDocument

MAX_LINES = 25_000
"""Lines in one article's body: paragraphs, headings, list items and table rows are
counted through them."""
MAX_MARKS = 50_000
"""Markup characters in one article's body (``* _ ~ [ ] ! < ` & \\``): each may start a
piece of inline markup (emphasis, a link, an HTML tag, an entity, an escape)."""
MAX_HTML_NESTING = 1_000
"""How deeply HTML tags written in the body may nest (open tags not yet closed)."""

_MARKS = "*_~[]!<`&\\"
_MARK = re.compile(r"[*_~\[\]!<`&\\]")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})
_SPLIT_HINT = "split it into several articles (each may link to the next)"


def cost_problem(document: SourceDocument) -> Diagnostic | None:
    """An error when the body passes one of the limits above, at the line where it does;
    None when it may be rendered."""
    body = document.body
    if body.count("\n") >= MAX_LINES:
        return _refused(document, _line_at(body, _nth(body, "\n", MAX_LINES)),
                        f"the article is longer than {MAX_LINES:,} lines; pages this long take too long to build")
    if sum(map(body.count, _MARKS)) > MAX_MARKS:
        position = next(itertools.islice(_MARK.finditer(body), MAX_MARKS, None)).start()
        return _refused(document, _line_at(body, position),
                        f"the article has more than {MAX_MARKS:,} markup characters ({' '.join(_MARKS)}) by this "
                        "line; pages with this much markup take too long to build")
    if "<" in body:
        too_deep = _nesting_passed(body)
        if too_deep is not None:
            return _refused(document, _line_at(body, too_deep),
                            f"HTML tags are nested more than {MAX_HTML_NESTING:,} levels deep here (tags opened and "
                            "never closed count too); HTML this deep takes too long to make safe",
                            "close the tags you open (<div> ... </div>), or remove the ones not needed")
    return None


def _refused(document: SourceDocument, offset_line: int, message: str, hint: str = _SPLIT_HINT) -> Diagnostic:
    return Diagnostic(document.path, document.body_line + offset_line, message, hint)


def _nth(text: str, character: str, n: int) -> int:
    """Where the ``n``-th (0-based) ``character`` of ``text`` is."""
    at = -1
    for _ in range(n + 1):
        at = text.index(character, at + 1)
    return at


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position)


def _nesting_passed(body: str) -> int | None:
    """Where tags written in ``body`` first nest deeper than MAX_HTML_NESTING, or None.
    A close tag closes the innermost open tag of its name, and those opened inside it,
    as an HTML parser does; a tag that is never closed stays open."""
    open_tags: list[str] = []
    depth_of: dict[str, list[int]] = {}  # name -> depths at which it is open, innermost last
    for match in _TAG.finditer(body):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            continue
        if not closing:
            open_tags.append(name)
            depth_of.setdefault(name, []).append(len(open_tags))
            if len(open_tags) > MAX_HTML_NESTING:
                return match.start()
            continue
        depths = depth_of.get(name)
        if depths:  # close it, and everything opened inside it
            start = depths[-1] - 1
            for closed in open_tags[start:]:
                depth_of[closed].pop()
            del open_tags[start:]
    return None
