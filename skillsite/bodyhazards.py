"""Mistakes in an article's body that Markdown takes for something else: a paragraph
indented by a tab (or four spaces) shown as a grey code box, fields left below the front
matter, garbled or hiding text. Each is named at its line with the fix.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from markdown_it.token import Token

from .garbled import garbled_lines
from .model import Diagnostic, SourceDocument

_WORD = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_END = re.compile(r"[.!?:;,\"”’)]\s*$|[.!?] +\w", re.MULTILINE)
_PROSE_MARKS = frozenset(" \n.,;:!?'\"’‘“”()-–—…")
_CODE_SIGNS = frozenset("{}[]<>=$#\\|`~^*_/@&%+")
MIN_PROSE_WORDS = 6
"""Fewer words than this is a command or a snippet, not a paragraph."""
_FIELD_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_LOOK_AHEAD = 40
"""Lines at the start of a body searched for a second front matter."""


def body_hazards(tokens: list[Token], document: SourceDocument) -> list[Diagnostic]:
    """Warnings for paragraphs that became code by accident and for garbled or hiding text
    in the body (``tokens``: markdown-it's, for ``document.body``)."""
    return [*accidental_code(tokens, document), *garbled_lines(document.body, document.body_line, document.path)]


def accidental_code(tokens: list[Token], document: SourceDocument) -> list[Diagnostic]:
    """A warning for each indented code block (not a fenced one, not inside a list or
    quote) whose text reads as prose: a paragraph indented by a tab or four spaces."""
    warnings = []
    lines = None
    for token in tokens:
        if token.type != "code_block" or token.level != 0 or token.map is None or not _reads_as_prose(token.content):
            continue
        lines = lines or document.body.split("\n")
        first = lines[token.map[0]]
        indent = "a tab" if first.lstrip(" ").startswith("\t") else "spaces"
        paragraphs = len([p for p in re.split(r"\n\s*\n", token.content.strip()) if p.strip()])
        what = ("this paragraph starts with " + indent if paragraphs == 1
                else f"these {paragraphs} paragraphs start with {'tabs' if indent == 'a tab' else 'spaces'}")
        them = "it" if paragraphs == 1 else "them"
        warnings.append(Diagnostic(
            document.path, document.body_line + token.map[0],
            f"{what}, so readers see {them} as a grey code box that scrolls sideways",
            f"delete the {'tab' if indent == 'a tab' else 'spaces'} at the start of "
            f"{'its' if paragraphs == 1 else 'their'} lines; if it really is code, put a line ``` above it and "
            "another below it instead", "warning"))
    return warnings


def _reads_as_prose(text: str) -> bool:
    """True for text made of words and sentence punctuation, as code rarely is."""
    if len(_WORD.findall(text)) < MIN_PROSE_WORDS or not _SENTENCE_END.search(text):
        return False
    signs = sum(1 for c in text if c in _CODE_SIGNS)
    other = sum(1 for c in text if not c.isalnum() and c not in _PROSE_MARKS)
    return signs <= len(text) * 0.02 and other <= len(text) * 0.05


def stray_front_matter(body: str, body_line: int, fields: Collection[str],
                       path: str) -> tuple[Diagnostic | None, frozenset[str]]:
    """An error where the body starts with front matter fields: a second '---' block, or
    fields after a '---' that closed the front matter too early; and the names of those
    fields (they are not 'missing', only misplaced)."""
    head = body[:body.find("\n", len(body) - len(body.lstrip())) + 1 or len(body)].strip()
    if head != "---" and not _FIELD_LINE.match(head):  # the usual case, made cheap
        return None, frozenset()
    lines = body.split("\n", _LOOK_AHEAD)[:_LOOK_AHEAD]
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return None, frozenset()
    second = lines[start].rstrip() == "---"
    block = start + 1 if second else start
    end = next((i for i in range(block, len(lines)) if lines[i].rstrip() == "---"), None)
    if end is None:
        return None, frozenset()
    names = [m.group(1) for m in map(_FIELD_LINE.match, lines[block:end]) if m and m.group(1) in fields]
    if not names or (not second and not all(_FIELD_LINE.match(line) or line[:1] in " -\t" or not line.strip()
                                             for line in lines[block:end])):
        return None, frozenset()
    if second:
        problem = Diagnostic(path, body_line + start, "a second front matter starts here, in the article's text",
                             f"delete lines {body_line + start} to {body_line + end}, keeping the fields you need in "
                             "the first one")
    else:
        problem = Diagnostic(path, body_line - 1, f"the front matter ends here, but the fields below it (down to line "
                                                  f"{body_line + end}) belong to it",
                             f"delete this '---' line, so that only the one on line {body_line + end} closes the "
                             "front matter")
    return problem, frozenset(names)
