"""Callouts as other generators write them -> skillsite's styled <aside>.

Docusaurus (and VuePress, MkDocs-style) admonitions, ``:::tip Title`` ... ``:::``, nested
with more colons; and GitHub's alerts, a block quote opening with ``> [!NOTE]``, which
Hugo renders too. Lines inside code are never read.
"""

from __future__ import annotations

import re

from .blocks import aside_close, aside_open
from .body import CONVERTED, KEPT, Body, Edit, code_spans, in_code, note

_ADMONITION_OPEN = re.compile(r"^([ \t]*)(:{3,})[ \t]*([A-Za-z][\w-]*)(?:\[([^\]\n]*)\])?[ \t]*([^\n]*?)[ \t]*$",
                              re.MULTILINE)
_ADMONITION_CLOSE = re.compile(r"^([ \t]*)(:{3,})[ \t]*$", re.MULTILINE)
_ALERT = re.compile(r"^([ \t]{0,3})>[ \t]?\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*([^\n]*)$", re.MULTILINE)
_QUOTED_LINE = re.compile(r"^([ \t]{0,3})>[ \t]?", re.MULTILINE)


def convert_admonitions(body: Body) -> Body:
    """``:::type [title]`` ... ``:::`` blocks as asides; one never closed is kept as text."""
    text = body.text
    spans = code_spans(text)
    markers = sorted([(m.start(), "open", m) for m in _ADMONITION_OPEN.finditer(text)]
                     + [(m.start(), "close", m) for m in _ADMONITION_CLOSE.finditer(text)], key=lambda x: x[0])
    edits: list[Edit] = []
    open_ones: list[re.Match] = []
    for at, kind, match in markers:
        if in_code(spans, at + len(match.group(1))):
            continue
        if kind == "open":
            open_ones.append(match)
            continue
        if not open_ones or len(match.group(2)) < len(open_ones[-1].group(2)):
            continue
        opener = open_ones.pop()
        indent = opener.group(1)
        title = opener.group(4) if opener.group(4) is not None else opener.group(5)
        written = opener.group().strip()
        edits.append(Edit(opener.start() + len(indent), opener.end(), aside_open(opener.group(3), title, indent),
                          (CONVERTED, written, "an aside")))
        edits.append(Edit(match.start() + len(match.group(1)), match.end(), aside_close(match.group(1))))
    edits += [note(m.start(), KEPT, m.group().strip(), "kept as text: it is never closed with ':::'") for m in open_ones]
    return body.edited(edits)


def convert_alerts(body: Body) -> Body:
    """GitHub's ``> [!NOTE]`` block quotes as asides."""
    text = body.text
    spans = code_spans(text)
    edits: list[Edit] = []
    done = 0
    for match in _ALERT.finditer(text):
        if match.start() < done or in_code(spans, match.start()):
            continue  # a quote already taken by the alert before, or code
        indent = match.group(1)
        edits.append(Edit(match.start() + len(indent), match.end(),
                          aside_open(match.group(2).lower(), match.group(3), indent),
                          (CONVERTED, match.group().strip(), "an aside")))
        end = match.end()
        while end < len(text):  # the quote's other lines lose their '>'
            next_line = end + 1
            quoted = _QUOTED_LINE.match(text, next_line)
            if quoted is None:
                break
            edits.append(Edit(quoted.start(), quoted.end(), quoted.group(1)))
            line_end = text.find("\n", next_line)
            end = len(text) if line_end < 0 else line_end
        edits.append(Edit(end, end, "\n" + aside_close(indent)))
        done = end
    return body.edited(edits)
