"""What the sanitiser will remove from an article's raw HTML, said at the line it is on.

The allow-list (sanitize.py) keeps readers safe by removing what it does not know; this
module makes sure a moderator hears of each removal a reader would notice: an element (with
everything in it, or only its tags), an event handler, a style. It reads the raw HTML of the
body's tokens, after videos became cards (embeds.py), with the allow-list's own tables.
Classes, ids and attributes of other generators (``className``, ``markdown``) go without a
word: they only ever styled the original site. One warning per kind of removal and article,
at its first line, naming the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

from markdown_it.token import Token

from .model import Diagnostic, SourceDocument
from .sanitize import ALLOWED_TAGS, DROPPED_WITH_CONTENT, URL_ATTRIBUTES, URL_SCHEMES, kept_style

_FRAMES = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "portal"})
_DRAWINGS = frozenset({"svg", "math"})
_FORMS = frozenset({"form", "input", "button", "select", "textarea", "label", "option", "optgroup", "fieldset",
                    "legend", "datalist", "output", "meter", "progress"})
_PAGE_PARTS = frozenset({"html", "head", "body", "meta", "link", "base", "title"})
_VOID = frozenset({"embed", "frame", "input", "meta", "link", "base"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")
_SHOWN_AT_MOST = 5
"""Lines named in one warning besides its own."""


def removed_html(tokens: list[Token], document: SourceDocument) -> list[Diagnostic]:
    """A warning for each kind of thing the sanitiser will remove from the body's raw HTML,
    at the first line it is written on."""
    found: dict[tuple[str, str], tuple[list[str], list[int]]] = {}  # (kind, where from) -> tags, lines
    for line, tag, attributes in _raw_tags(tokens, document.body_line):
        for kind, subject, what in _removals(tag, attributes):
            tags, lines = found.setdefault((kind, subject), ([], []))
            if what not in tags:
                tags.append(what)
            if line not in lines:
                lines.append(line)
    warnings = []
    for (kind, subject), (tags, lines) in found.items():
        message, hint = _said(kind, subject, ", ".join(tags))
        others = ", ".join(map(str, lines[1:_SHOWN_AT_MOST + 1])) + (", ..." if len(lines) > _SHOWN_AT_MOST + 1 else "")
        also = f" (also on line{'s' if len(lines) > 2 else ''} {others})" if others else ""
        warnings.append(Diagnostic(document.path, lines[0], message + also, hint, "warning"))
    return sorted(warnings, key=lambda warning: warning.line)


def _removals(tag: str, attributes: list[tuple[str, str | None]]) -> Iterator[tuple[str, str, str]]:
    """(kind, where from, what is removed) of each removal a start tag as written will see."""
    if tag in _FRAMES:
        source = next((value for name, value in attributes if name in ("src", "data") and value), "")
        yield "frame", source, f"<{tag}>"
    elif tag in ("script", "style") or tag in _DRAWINGS:
        yield {"script": "script", "style": "stylesheet"}.get(tag, "drawing"), "", f"<{tag}>"
    elif tag in _FORMS or tag in _PAGE_PARTS:
        yield "form" if tag in _FORMS else "page", "", f"<{tag}>"
    elif tag in DROPPED_WITH_CONTENT:
        yield "dropped", "", f"<{tag}>"
    elif tag not in ALLOWED_TAGS:
        yield "tag", "", f"<{tag}>"
    else:
        for name, value in attributes:
            scheme = refused_scheme(value or "") if name in URL_ATTRIBUTES else None
            if scheme:
                yield "scheme", scheme, f"{name}="
            elif name == "srcset" and tag in ("img", "source"):
                yield "srcset", "", "srcset="
            elif name.startswith("on"):
                yield "handler", "", f"{name}="
            elif name == "style" and not kept_style(tag, value or ""):
                yield "style", "", "style="
            elif name == "autoplay" and tag in ("video", "audio"):
                yield "autoplay", "", "autoplay"


def refused_scheme(url: str) -> str | None:
    """The scheme of an address the sanitiser refuses ('javascript', 'data'...), read as a
    browser reads it (spaces, tabs and control characters left out), or None."""
    found = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", url).lower())
    return found[1] if found and found[1] not in URL_SCHEMES else None


def _said(kind: str, subject: str, tags: str) -> tuple[str, str]:
    """(message, hint) of a kind of removal; ``tags``: what was removed, as written."""
    if kind == "scheme":
        return (f"an address starting '{subject}:' was removed: links, images and videos keep only http:, "
                "https:, mailto: and tel: addresses", "link to an http:// or https:// address instead")
    if kind == "frame":
        host = urlsplit(subject).hostname if subject.startswith(("http:", "https:", "//")) else None
        return (f"an embedded frame ({tags}{f' from {host}' if host else ''}) was removed: pages load nothing from "
                "other sites into themselves",
                f"link to it instead: [what it shows]({subject or 'https://...'}) (a YouTube or Vimeo video becomes "
                "a play card by itself)")
    return {
        "script": ("a <script> was removed, with its code: pages never run code from an article",
                   "delete it; to show code to readers, put it between two lines of ```"),
        "stylesheet": ("a <style> was removed, with its rules: the theme decides how pages look", "delete it"),
        "drawing": (f"an inline drawing ({tags}) was removed, with everything in it",
                    "save it as a file (a .svg) beside the article or in static/, and show it with "
                    "![what it shows](drawing.svg)"),
        "form": (f"form controls ({tags}) were removed: articles cannot hold forms",
                 "describe them in words, or link to the form where it is"),
        "page": (f"page settings ({tags}) were removed: the theme writes each page's head",
                 "delete them; a description for search engines goes in the front matter's summary:"),
        "dropped": (f"{tags} {'were' if ',' in tags else 'was'} removed, with everything in "
                    f"{'them' if ',' in tags else 'it'}", "delete it"),
        "tag": (f"the tag{'s' if ',' in tags else ''} {tags} {'were' if ',' in tags else 'was'} removed (the text is "
                "kept): not one this site shows",
                "delete the tag and keep the text, or use Markdown (**bold**, *italic*, > quote, tables)"),
        "handler": (f"event handlers ({tags}) were removed: pages never run code from an article", "delete them"),
        "srcset": ("srcset= was removed: the site makes the smaller versions of its own images itself",
                   "delete it; put the largest version in static/ or beside the article"),
        "autoplay": ("autoplay was removed: a video or a sound plays when its reader starts it", "delete it"),
        "style": ("a style= was removed: the theme decides colours, sizes and spacing",
                  "delete it; to align a table's column, write :--: in the line under its heading"),
    }[kind]


class _Tags(HTMLParser):
    """Start tags of raw HTML with their lines (counted from 0), as a browser reads them:
    comments and the text of <script> and <style> are not tags, nor is what lies inside an
    element removed with everything in it (an <svg>'s <path>s)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, list[tuple[str, str | None]]]] = []
        self._inside: list[str] = []  # the elements removed with their content, open here

    def handle_starttag(self, tag, attrs):
        if not self._inside:
            self.found.append((self.getpos()[0] - 1, tag, attrs))
        if tag in DROPPED_WITH_CONTENT and tag not in _VOID:
            self._inside.append(tag)

    def handle_startendtag(self, tag, attrs):
        if not self._inside:
            self.found.append((self.getpos()[0] - 1, tag, attrs))

    def handle_endtag(self, tag):
        if tag in self._inside:
            del self._inside[len(self._inside) - 1 - self._inside[::-1].index(tag):]


def _raw_tags(tokens: list[Token], body_line: int) -> Iterator[tuple[int, str, list[tuple[str, str | None]]]]:
    """(file line, tag, attributes) of every start tag in the body's raw HTML."""
    for token in tokens:
        if token.map is None:
            continue
        line = body_line + token.map[0]
        if token.type == "html_block":
            yield from _tags_in(token.content, line)
        for child in token.children or ():  # Markdown's links and images, as raw HTML's
            if child.type in ("link_open", "image"):
                name = "href" if child.type == "link_open" else "src"
                yield line, "a" if child.type == "link_open" else "img", [(name, str(child.attrGet(name) or ""))]
        inline = [child for child in token.children or () if child.type in ("html_inline", "softbreak", "hardbreak")]
        if not any(child.type == "html_inline" for child in inline):
            continue
        html, lines = "", []  # a paragraph's tags, joined: an element's tags may be pieces apart
        for child in inline:
            if child.type == "html_inline":
                breaks = child.content.count("\n")
                html += child.content + "\n"
                lines += range(line, line + breaks + 1)
                line += breaks
            else:
                line += 1
        for offset, tag, attributes in _tags_in(html, 0):
            yield lines[min(offset, len(lines) - 1)], tag, attributes


def _tags_in(html: str, first_line: int) -> list[tuple[int, str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return [(first_line + offset, tag, attributes) for offset, tag, attributes in parser.found]
