"""An article body under conversion: where its code is, and edits that keep every finding's place.

Converters never touch code: fenced and indented code blocks, ``<pre>`` blocks and inline
code spans are found the way the build's own Markdown parser finds them, and each converter
is handed the prose between them. A converter returns edits (spans of the text and what
replaces them, each with what it did); ``Body.edited`` applies them and moves the places
of the findings made so far, so the import report can name the line of each in the file
that is finally written.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt

from ..markdown import make_markdown

CONVERTED = "converted"
"""Template syntax that became its Markdown or HTML equivalent."""
KEPT = "kept as text"
"""Template syntax with no equivalent here, left in the article as visible text."""
LEFT_OUT = "left out"
"""Something of the original site with no equivalent here and nothing to show (a component, a script)."""
NOWHERE = "leads nowhere"
"""A link or image whose target is neither imported nor on the site."""

_BACKTICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the import did, or could not do, at a place in the body."""

    kind: str
    """CONVERTED, KEPT, LEFT_OUT or NOWHERE."""
    at: int
    """Where in the body (a character offset)."""
    what: str
    """The construct, as the original wrote it (shortened)."""
    outcome: str
    """What became of it, in a moderator's words."""


@dataclass(frozen=True, slots=True)
class Edit:
    """``text[start:end]`` replaced by ``new``; ``finding``: (kind, what, outcome), if worth saying."""

    start: int
    end: int
    new: str
    finding: tuple[str, str, str] | None = None


def note(at: int, kind: str, what: str, outcome: str) -> Edit:
    """A finding that changes nothing (something kept as text, for instance)."""
    return Edit(at, at, "", (kind, what, outcome))


@dataclass(frozen=True, slots=True)
class Body:
    """The body's text and what was found in it so far."""

    text: str
    findings: tuple[Finding, ...] = ()

    def edited(self, edits: Iterable[Edit]) -> Body:
        """The body with ``edits`` (sorted, not overlapping) applied; earlier findings move with
        the text around them (one inside a replaced span moves to its start)."""
        edits = sorted(edits, key=lambda e: (e.start, e.end))
        if not edits:
            return self
        parts: list[str] = []
        starts: list[int] = []  # where each edit began in the old text
        placed: list[tuple[int, int]] = []  # (old end, new start) of each edit
        shifts: list[int] = []  # how far the text after each edit moved
        found: list[Finding] = []
        done = shift = 0
        for edit in edits:
            if edit.start < done:
                raise ValueError(f"overlapping edits at offset {edit.start}")
            parts += [self.text[done:edit.start], edit.new]
            starts.append(edit.start)
            placed.append((edit.end, edit.start + shift))
            if edit.finding is not None:
                found.append(Finding(edit.finding[0], edit.start + shift, *edit.finding[1:]))
            shift += len(edit.new) - (edit.end - edit.start)
            shifts.append(shift)
            done = edit.end
        parts.append(self.text[done:])

        def place(at: int) -> int:
            index = bisect.bisect_right(starts, at) - 1
            if index < 0:
                return at
            end, new_start = placed[index]
            return new_start if at < end else at + shifts[index]

        moved = [Finding(f.kind, place(f.at), f.what, f.outcome) for f in self.findings]
        return Body("".join(parts), tuple(sorted([*moved, *found], key=lambda f: f.at)))

    def line_of(self, at: int) -> int:
        """The body line (1 = the first) of a character offset."""
        return self.text.count("\n", 0, at) + 1


@functools.cache
def _parser() -> MarkdownIt:
    return make_markdown()


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where the code is, as sorted (start, end) offsets: code blocks (fenced, indented,
    ``<pre>``) as the build's Markdown parser finds them, and inline code spans."""
    lines = _line_starts(text)
    blocks = []
    tokens: list = []
    parser = _parser()
    parser.block.parse(text, parser, {}, tokens)  # the blocks alone: inline parsing is not needed here
    for token in tokens:
        is_pre = token.type == "html_block" and token.content.lstrip().lower().startswith("<pre")
        if token.map and (token.type in ("fence", "code_block") or is_pre):
            start, end = token.map
            blocks.append((lines[start], lines[end] if end < len(lines) else len(text)))
    spans: list[tuple[int, int]] = []
    done = 0
    for start, end in [*blocks, (len(text), len(text))]:
        if start > done:
            spans.extend(_inline_code(text, done, start))
        if end > start:
            spans.append((start, end))
        done = max(done, end)
    return spans


def prose(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) spans of ``text`` outside code."""
    done = 0
    for start, end in code_spans(text):
        if start > done:
            yield done, start
        done = end
    if done < len(text):
        yield done, len(text)


def in_code(spans: list[tuple[int, int]], at: int) -> bool:
    """True when offset ``at`` lies in one of ``spans`` (as ``code_spans`` gives them)."""
    index = bisect.bisect_right([start for start, _ in spans], at) - 1
    return index >= 0 and at < spans[index][1]


def with_included(body: Body, inclusions: Callable[[str], list[Edit]], depth: int = 3) -> Body:
    """``body`` with the text of the files it includes (``inclusions`` finds them, as edits)
    put in first, included files of included files too, ``depth`` levels deep: the
    conversions that follow then see, and report, what they hold."""
    for _ in range(depth):
        included = body.edited(inclusions(body.text))
        if included.text == body.text:
            break
        body = included
    return body


def tidied(body: Body) -> Body:
    """``body`` with the blank lines conversions leave behind collapsed (one blank line
    means what several do, outside code), ending with one line break."""
    text = body.text
    edits = [Edit(m.start(), m.end(), "\n" if m.start() == start and text[start - 1:start] == "\n" else "\n\n")
             for start, end in prose(text) for m in _BLANK_LINES.finditer(text, start, end)]
    trimmed = body.edited(edits)
    end = len(trimmed.text.rstrip("\n \t"))
    return trimmed.edited([Edit(end, len(trimmed.text), "\n")]) if trimmed.text[end:] != "\n" else trimmed


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for match in re.finditer("\n", text):
        starts.append(match.end())
    return starts


def _inline_code(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Code spans between ``start`` and ``end``: a run of n backticks up to the next run of
    exactly n in the same paragraph (CommonMark); a backslash escapes an opening one."""
    at = start
    while True:
        opening = _BACKTICKS.search(text, at, end)
        if opening is None:
            return
        begin = opening.start()
        if _escaped(text, begin):
            begin += 1
            if begin == opening.end():
                at = begin
                continue
        width = opening.end() - begin
        paragraph_end = _BLANK_LINE.search(text, opening.end(), end)
        limit = paragraph_end.start() if paragraph_end else end
        closing = next((m for m in _BACKTICKS.finditer(text, opening.end(), limit) if len(m.group()) == width), None)
        if closing is None:
            at = opening.end()
            continue
        yield begin, closing.end()
        at = closing.end()


def _escaped(text: str, at: int) -> bool:
    backslashes = 0
    while at - backslashes - 1 >= 0 and text[at - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
