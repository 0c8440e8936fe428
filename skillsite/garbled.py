"""Text readers would see garbled, or that hides characters: likely mojibake (â€™, Ã©,
U+FFFD) and invisible or bidirectional control characters. Warnings, never repairs: the
text may be meant. Front matter fields and article bodies alike, for build, serve and check.

Mojibake is recognised by ftfy's heuristic (``ftfy.badness``), which knows which mixes of
characters come from reading UTF-8 as Windows-1252 or Latin-1 and which are real words in
some language; ftfy also offers the repaired text for the hint. It is imported only for
text that is not plain ASCII (no mojibake is): importing it costs every command 0.1 s.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping

from .model import Diagnostic

# Invisible characters that change how text reads or hide text: bidi embeddings,
# overrides and isolates (the "Trojan Source" characters), zero-width space, word joiner,
# the BOM, the soft hyphen. Zero-width (non-)joiners are left alone: Persian, Hindi and
# emoji need them.
_HIDDEN = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x2060, 0xFEFF, 0x00AD))
_HIDDEN_IN_BODY = re.compile("[\u202a-\u202e\u2066-\u2069\ufeff]")
"""In an article's body, the bidi controls and the BOM: there a soft hyphen marks where a
long word may break, and a zero-width space or word joiner where a line may or may not
(Thai and Khmer need them; real articles put them in headings), as meant."""
_FIELDS = ("title", "author", "tags", "summary")
_SHORT_LINE = 80
"""A body line this long or shorter is shown whole."""
_EXCERPT = 16
"""Characters shown at least on each side of garbled text in a body line (whole words)."""
_RETYPE = "retype the text; these characters can hide or reorder what readers see"


def text_problem(text: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) for one field's text, or None."""
    if text.isascii():
        return None
    hidden = sorted({c for c in text if c in _HIDDEN})
    if hidden:
        return f"contains invisible characters ({_names(hidden)})", _RETYPE
    if "\ufffd" in text or _badness().is_bad(text):
        return ("looks garbled, as if its encoding was mixed up (mojibake)",
                f"perhaps it should read '{_ftfy().fix_text(text)}'; retype it or paste it again as UTF-8")
    return None


def garbled_fields(values: Mapping[str, object], lines: Mapping[str, int], path: str) -> list[Diagnostic]:
    """Warnings for garbled or hiding text in the title, author, tags and summary."""
    warnings = []
    for field in _FIELDS:
        value = values.get(field)
        for text in (value if isinstance(value, tuple) else (value,)):
            problem = text_problem(text) if isinstance(text, str) else None
            if problem:
                warnings.append(Diagnostic(path, lines.get(field, 1), f"{field}: '{text}' {problem[0]}", problem[1],
                                           "warning"))
    return warnings


def garbled_lines(body: str, body_line: int, path: str) -> list[Diagnostic]:
    """A warning for each line of an article's body with garbled or hiding text."""
    if body.isascii():
        return []
    hidden = dict(_lines_with(_HIDDEN_IN_BODY, body))
    garbled = {index: part for index, line in _lines_with(_mojibake_chars(), body)
               if index not in hidden and (part := _garbled_part(line))}
    warnings = []
    for index in sorted(hidden.keys() | garbled.keys()):
        if index in hidden:
            line = hidden[index]
            found = sorted(set(_HIDDEN_IN_BODY.findall(line)))
            warnings.append(Diagnostic(path, body_line + index, f"this line contains invisible characters "
                                       f"({_names(found)}), the first at position "
                                       f"{_HIDDEN_IN_BODY.search(line).start() + 1}", _RETYPE, "warning"))
        else:
            warnings.append(Diagnostic(path, body_line + index, f"'{garbled[index]}' looks garbled, as if its "
                                       "encoding was mixed up (mojibake)", f"perhaps it should read "
                                       f"'{_ftfy().fix_text(garbled[index])}'; retype it or paste it again as UTF-8",
                                       "warning"))
    return warnings


def _lines_with(pattern: re.Pattern, text: str) -> list[tuple[int, str]]:
    """(index, text) of each line of ``text`` where ``pattern`` is found, in order: one
    search per such line, not one per line."""
    found = []
    index = counted = position = 0
    while match := pattern.search(text, position):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.start())
        end = len(text) if end < 0 else end
        index += text.count("\n", counted, start)
        counted = start
        found.append((index, text[start:end]))
        position = end + 1
    return found


def _garbled_part(line: str) -> str | None:
    """The garbled stretch of ``line`` with a few words around it, or None."""
    if line.isascii():
        return None
    if len(line) <= _SHORT_LINE:
        return line.strip() if "\ufffd" in line or _badness().is_bad(line) else None
    match = _badness().BADNESS_RE.search(line)
    if match is None:
        index = line.find("\ufffd")
        if index < 0:
            return None
        start, end = index, index + 1
    else:
        start, end = match.span()
    left = line.rfind(" ", 0, max(0, start - _EXCERPT)) + 1  # whole words: from a space (or the start)
    right = line.find(" ", min(len(line), end + _EXCERPT))
    return line[left:right if right >= 0 else len(line)].strip()


def _names(chars) -> str:
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control')}" for c in chars)


@functools.cache
def _mojibake_chars() -> re.Pattern:
    """The characters every pattern of ftfy's heuristic needs one of (all it looks for but
    its "common" ones: ’ – — …, which it finds only next to another): a line without one
    is no mojibake. The heuristic itself is slow on long non-Latin text (3 ms for a page
    of Hindi), so it runs only on such lines."""
    categories = _badness().MOJIBAKE_CATEGORIES
    return re.compile("[" + "".join(chars for name, chars in categories.items() if name != "common") + "\ufffd]")


def _badness():
    import ftfy.badness
    return ftfy.badness


def _ftfy():
    import ftfy
    return ftfy
