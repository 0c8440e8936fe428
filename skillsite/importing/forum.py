"""A forum post saved from the browser as text: its title, "Started by NAME, DATE" line,
body and "Source: URL" line, as front matter fields and a Markdown body."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ..urls import ascii_slug
from .source import FORUM, Source

_STARTED_BY = re.compile(r"^Started by (.+?), (\w+ \d{1,2}, \d{4}, \d{1,2}:\d{2}(?::\d{2})? [AP]M)\s*$")
_LOST_QUOTE = re.compile(r"\w\?\w|\?\w|\w\?(?=[\s,.;:])")
_HEADING_END = re.compile(r"[.,;:]$")


def forum_source(text: str, path: Path, shown: str, timezone: str) -> Source | None:
    """The saved forum post in ``text``, or None when it is not one."""
    lines = text.split("\n")
    start = next((index for index, line in enumerate(lines) if _STARTED_BY.match(line.strip())), None)
    if start is None:
        return None
    match = _STARTED_BY.match(lines[start].strip())
    author, when = match.group(1), match.group(2)
    title = next((line.strip() for line in reversed(lines[:start]) if line.strip()), "")
    stamp = datetime.strptime(when, "%B %d, %Y, %I:%M:%S %p" if when.count(":") == 2 else "%B %d, %Y, %I:%M %p")
    notes = [f"the forum's time ({when}) was taken to be in the site's time zone, {timezone}"]
    body = lines[start + 1:]
    while body and (not body[0].strip() or body[0].strip() in ("Previous topic - Next topic", author)):
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    fields: dict = {"title": title, "date": stamp.isoformat(" "), "author": author, "slug": ascii_slug(title)}
    if body and body[-1].strip().startswith("Source:"):
        fields["source"] = body.pop().strip()[len("Source:"):].strip()
        notes.append("the 'Source:' line became the source: field (shown as the attribution)")
    lost = [number for number, line in enumerate([title, *body], start=1) if _LOST_QUOTE.search(line)]
    if lost:
        notes.append(f"'?' stands where quotes or apostrophes were probably lost, in the title and "
                     f"{len(lost)} line(s): replace them with ‘ ’ “ ” where they belong")
    return Source(path, shown, FORUM, fields, {}, _forum_markdown(body), 1, None, tuple(notes))


def _forum_markdown(lines: list[str]) -> str:
    """A forum post's plain text as Markdown: indented lines become list items, short
    lines without a full stop that end a block become headings, the rest paragraphs."""
    out: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if len(line) - len(line.lstrip()) >= 2:  # indented, often with no-break spaces
            if out and not out[-1].startswith("- "):
                out.append("")
            out.append(f"- {stripped}")
            continue
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        is_heading = (len(stripped) < 80 and len(stripped.split()) <= 10 and not _HEADING_END.search(stripped)
                      and not following and index > 0)
        if out:
            out.append("")
        out.append(f"## {stripped}" if is_heading else stripped)
    return "\n".join(out) + "\n"
