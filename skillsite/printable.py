"""Text from a site, made safe to print into a terminal or a CI log.

File names, URLs, tags and titles come from articles, and an article may come from anyone
who opens a pull request. Printed raw, a line break in a file name starts a new line of
the log, and GitHub Actions reads a line that starts with ``::`` (``::error file=...::``,
``::stop-commands::``, ``::add-mask::``) as a command to the runner, and ``##[`` anywhere
in a line as an older form of the same (actions/runner, ActionCommand.TryParseV2 and
TryParse); a terminal reads ESC sequences as commands too. So every string that came
from the site is printed through ``printable``: the characters that could do any of
that are written as visible escapes (``\\n``, ``\\x1b``, ``\\u202e``), the rest is as
written, so a moderator still reads the name or address they wrote.
"""

from __future__ import annotations

import unicodedata

# Invisible characters that reorder or hide text: bidi embeddings, overrides, isolates
# and marks, zero-width space, word joiner and its kin, the BOM. (Zero-width joiners stay:
# Persian, Hindi and emoji need them.)
_INVISIBLE = frozenset(chr(c) for c in (0x061C, 0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                        *range(0x2060, 0x2065), *range(0x2066, 0x206A), 0xFEFF))
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with line breaks, control and invisible characters written as escapes,
    and written so that no part of it reads as a workflow command: a leading ``::`` and
    any ``##[`` get their first character escaped (``\\x3a``, ``\\x23``)."""
    if text.isprintable() and ":" not in text and "#" not in text:
        return text  # the common case, checked in C
    escaped = "".join(_escape(c) for c in text)
    return _without_commands(escaped)


def _escape(character: str) -> str:
    if character in _NAMED:
        return _NAMED[character]
    if character in _INVISIBLE or unicodedata.category(character) in ("Cc", "Zl", "Zp", "Cs", "Co", "Cn"):
        code = ord(character)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return character


def _skippable(character: str) -> bool:
    """Characters a runner may pass over when it looks for '::' or '##[': white space
    (it trims lines) and those a culture-aware comparison ignores (format marks, joiners,
    combining marks)."""
    return character.isspace() or unicodedata.category(character)[0] in "CM"


def _without_commands(text: str) -> str:
    """``text`` with a leading '::' and every '##[' (however spaced by skippable
    characters) broken by escaping its first character."""
    start = 0
    while start < len(text) and _skippable(text[start]):
        start += 1
    if _follows(text, start, "::"):
        text = f"{text[:start]}\\x3a{text[start + 1:]}"
    at = text.find("#")
    while at >= 0:
        if _follows(text, at, "##["):
            text = f"{text[:at]}\\x23{text[at + 1:]}"
        at = text.find("#", at + 1)
    return text


def _follows(text: str, at: int, word: str) -> bool:
    """True when ``word`` is written at ``at``, skippable characters allowed between its
    characters."""
    for index, wanted in enumerate(word):
        if index:
            while at < len(text) and _skippable(text[at]):
                at += 1
        if at >= len(text) or text[at] != wanted:
            return False
        at += 1
    return True
