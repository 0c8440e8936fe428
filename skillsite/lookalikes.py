"""Characters that look right in an editor but read wrong as YAML, found before parsing.

Moderators paste from Word and phone apps: a non-breaking space after ``author:``, “curly
quotes”, a full-width colon, a tab or a bullet at the start of a line. YAML then reports
something about the line *after*, in its own words. ``find_slips`` names each such
character at its line and position, with what to type instead, and ``repaired`` gives the
text as the moderator meant it, so that reading can go on and find the other problems.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

# Spaces YAML does not take for spaces, and invisible characters that hide in names.
_ODD_SPACES = "\u00a0\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u3000"
_ZERO_WIDTH = "\u200b\u2060\ufeff"
_OPENING_QUOTES = "\u201c\u201d\u201e\u2018\u2019\u201a\u2033"
_CLOSING_QUOTES = "\u201c\u201d\u2018\u2019\u2033"
_OPENERS = "\u201c\u201e\u2018\u201a"
"""Quotes that only open: a value may well start with an apostrophe ’ (’90s)."""
_COLONS = "\uff1a\ufe55\ua789\u2236"
_BULLETS = "\u2022\u2013\u2014\u2023\u25aa\u25cf\u25e6\u00b7\u2043"

_WHERE_FROM = {
    "\u00a0": "usually pasted from Word",
    "\u202f": "usually pasted from Word or a Mac",
    "\u3000": "typed by a Chinese or Japanese keyboard",
    "\u200b": "usually pasted from a web page or a chat app",
    "\ufeff": "usually left where two files were joined",
    "\t": "typed with the Tab key",
    "\uff1a": "typed by a Chinese or Japanese keyboard",
    "\u2022": "usually pasted from Word",
}
_NAMES = {
    "\u00a0": "a non-breaking space", "\u202f": "a narrow non-breaking space", "\u3000": "a full-width space",
    "\u200b": "an invisible zero-width space", "\u2060": "an invisible word joiner",
    "\ufeff": "an invisible byte order mark", "\t": "a tab",
    "\u201c": "a typographic quote \u201c", "\u201d": "a typographic quote \u201d", "\u201e": "a typographic quote \u201e",
    "\u2018": "a typographic quote \u2018", "\u2019": "a typographic quote \u2019", "\u201a": "a typographic quote \u201a",
    "\u2033": "a double prime \u2033", "\uff1a": "a full-width colon \uff1a", "\ufe55": "a small colon \ufe55",
    "\ua789": "a look-alike colon \ua789", "\u2236": "a ratio sign \u2236", "\u2022": "a bullet \u2022",
    "\u2013": "a dash \u2013", "\u2014": "a long dash \u2014", "\u00b7": "a middle dot \u00b7",
}

_SUSPECT = (re.compile(f"[\t{_ODD_SPACES}{_ZERO_WIDTH}{_OPENING_QUOTES}{_COLONS}{_BULLETS}]"),
            re.compile(r"^(?:[A-Za-z_][\w-]*:\S|[ \t]+-[^\s-])", re.MULTILINE))
"""What shows a line may hold a slip: one of the characters; a field name without a space
after its colon, or a hyphen without one. (Two searches are ten times faster than one.)"""
MAX_LINES = 2000
"""Lines looked at for slips: real front matter has a dozen; looking costs up to 0.04 ms a
line, and a hostile file may have a million."""
_FIELD_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s")
"""A line that starts a new field (``date: ...``)."""


def name_of(char: str) -> str:
    """A moderator's name for a character, with its code: 'a non-breaking space (U+00A0)'."""
    name = _NAMES.get(char)
    if name is None:
        described = unicodedata.name(char, "").lower()
        if unicodedata.category(char)[0] in "CZ":  # controls, format characters, spaces: they show as nothing
            name = f"an invisible {described} character" if described else "an invisible control character"
        else:
            name = f"the character {char}"
    return f"{name} (U+{ord(char):04X})"


def without_hidden(text: str) -> str:
    """``text`` without the odd spaces and invisible characters that hide in field names."""
    return "".join(c for c in text if c not in _ODD_SPACES + _ZERO_WIDTH)


def _from(char: str) -> str:
    where = _WHERE_FROM.get(char, "")
    return f", {where}" if where else ""


@dataclass(frozen=True, slots=True)
class Slip:
    """One character in the wrong place, and the line as it was meant."""

    line: int
    """1-based file line."""
    message: str
    """What is wrong, naming the character and its position on the line."""
    hint: str
    """What to type instead."""
    meant: str
    """The line with this slip (and those before it on the line) mended."""
    when_read: tuple[str, str, str] | None = None
    """(severity, message, hint) to report where YAML reads the text anyway, or None: then
    the character did no harm where it is."""


def find_slips(text: str, first_line: int = 1, keys: Collection[str] = ()) -> tuple[Slip, ...]:
    """Every slip in ``text`` (YAML whose first line is file line ``first_line``). ``keys``:
    the field names the text may use, where known (a missing space after one is a slip)."""
    if not _suspect(text):  # the usual case, made cheap: every article is read through here
        return ()
    lines = text.split("\n", MAX_LINES)[:MAX_LINES]
    slips = []
    following = ""  # the next line that is not blank: lines are looked at from the last
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        slip = _line_slip(line, first_line + index, keys, following) if _suspect(line) else None
        if slip is not None:
            slips.append(slip)
        if line.strip():
            following = line
    return tuple(reversed(slips))


def _suspect(text: str) -> bool:
    """True when ``text`` may hold a slip (see _SUSPECT), or a quoted value that does not end
    with its quote (looked for line by line: a regex would take quadratic time)."""
    return any(pattern.search(text) for pattern in _SUSPECT) or (
        ('"' in text or "'" in text) and any(map(_quote_left_open, text.split("\n"))))


def _quote_left_open(line: str) -> bool:
    value = line[line.find(":") + 1:].strip() if ":" in line else ""
    return bool(value) and value[0] in "\"'" and (len(value) == 1 or value[-1] != value[0])


def repaired(text: str, slips: tuple[Slip, ...], first_line: int = 1) -> str:
    """``text`` with every line that has a slip as the moderator meant it."""
    lines = text.split("\n")
    for slip in slips:
        lines[slip.line - first_line] = slip.meant
    return "\n".join(lines)


def _line_slip(line: str, number: int, keys: Collection[str], following: str) -> Slip | None:
    """The first slip of one line (mending it may show the next one: see ``_mended``)."""
    stripped = line.strip(" \t")
    if not stripped or stripped.startswith("#"):
        return None
    if not stripped.strip(_ODD_SPACES + _ZERO_WIDTH):
        char = next(c for c in line if c not in " \t")
        return Slip(number, f"this line looks empty but holds {name_of(char)}{_from(char)}", "delete the line", "")
    indent = len(line) - len(line.lstrip(" \t" + _ODD_SPACES + _ZERO_WIDTH))
    column, char = next(((i, c) for i, c in enumerate(line[:indent], start=1) if c != " "), (0, ""))
    if char:  # the whole indentation is mended at once: the first odd character is named
        meant = _mended(_spaces(line[:indent]) + line[indent:], number, keys, following)
        if char == "\t":
            return Slip(number, f"this line starts with a tab at position {column}, and tabs cannot indent fields",
                        "indent with spaces instead: delete the tab and type two spaces", meant)
        hint = ("retype the start of the line: the character is invisible" if char in _ZERO_WIDTH
                else "delete it; indent with ordinary spaces only")
        return Slip(number, f"{name_of(char)} at the start of the line, at position {column}{_from(char)}",
                    hint, meant)
    rest = line[indent:]
    if rest[0] in _BULLETS and rest[1:2] == " ":
        char = rest[0]
        message = f"this list entry starts with {name_of(char)} at position {indent + 1}{_from(char)}"
        hint = f"start each entry with a hyphen and a space instead: - {rest[2:].strip()}"
        return Slip(number, message, hint, _mended(line[:indent] + "-" + rest[1:], number, keys, following),
                    ("error", message, hint) if indent else None)  # indented, it reads as text of the field above
    if indent and re.match(r"-[^\s-]", rest):  # indented, it reads as text of the field above
        message, hint = "a list entry needs a space after its hyphen", f"type it like this: - {rest[1:]}"
        return Slip(number, message, hint, line[:indent] + "- " + rest[1:], ("error", message, hint))
    start = indent + (2 if rest.startswith("- ") else 0)
    return _field_slip(line, start, number, keys, following)


def _spaces(indent: str) -> str:
    """An indentation as meant: a tab as two spaces, odd spaces as spaces, no invisible ones."""
    return "".join("  " if c == "\t" else " " if c in _ODD_SPACES else "" if c in _ZERO_WIDTH else c for c in indent)


def _mended(line: str, number: int, keys: Collection[str], following: str) -> str:
    """``line`` with its other slips mended too."""
    slip = _line_slip(line, number, keys, following)
    return slip.meant if slip is not None else line


_NAME = re.compile(r"[A-Za-z_][\w-]*")


def _field_slip(line: str, start: int, number: int, keys: Collection[str], following: str) -> Slip | None:
    """A slip in the field name of ``line`` (which starts at ``start``), around its colon or
    at the start of its value."""
    colon = next((i for i in range(start, len(line)) if line[i] == ":" or line[i] in _COLONS), -1)
    if colon < 0:
        return None
    written = line[start:colon]
    name = without_hidden(written).rstrip()
    if not _NAME.fullmatch(name):
        return None
    hidden = next((i for i in range(start, colon) if line[i] in _ODD_SPACES + _ZERO_WIDTH), -1)
    if hidden >= 0:
        char = line[hidden]
        message = f"the field name '{name}' has {name_of(char)} in it, at position {hidden + 1}{_from(char)}"
        hint = f"delete the name and type it again: {name}:"
        return Slip(number, message, hint, _mended(line[:start] + name + line[colon:], number, keys, following),
                    ("error", message, hint))
    after = line[colon + 1:colon + 2]
    if line[colon] in _COLONS:
        char = line[colon]
        value = line[colon + 1:].lstrip(" " + _ODD_SPACES)
        return Slip(number, f"{name_of(char)} after '{name}', at position {colon + 1}{_from(char)}",
                    f"type the plain colon and a space instead: {name}: {value}".rstrip(),
                    _mended(line[:colon] + ": " + value, number, keys, following))
    if after and after in _ODD_SPACES + _ZERO_WIDTH:
        value = line[colon + 2:].lstrip(" ")
        return Slip(number, f"{name_of(after)} after '{name}:', at position {colon + 2}{_from(after)}",
                    f"delete it and type an ordinary space: {name}: {value}".rstrip(),
                    _mended(line[:colon + 1] + " " + line[colon + 2:], number, keys, following))
    if after and after not in " \t" and (not keys or name in keys) and start == 0 and line[colon + 1:colon + 3] != "//":
        value = line[colon + 1:]
        return Slip(number, f"{name}: a space is missing after the colon, at position {colon + 2}",
                    f"type a space after '{name}:', like this: {name}: {value}",
                    _mended(line[:colon + 1] + " " + value, number, keys, following))
    value = line[colon + 1:].strip(" \t")
    prefix = line[:len(line) - len(line[colon + 1:].lstrip(" \t"))]
    closed = len(value) > 1 and value[-1] in _CLOSING_QUOTES
    if value and value[0] in _OPENING_QUOTES and (closed or value[0] in _OPENERS):
        inner = value[1:-1] if closed else value[1:]
        meant = prefix + quoted(inner)
        marks = f"{value[0]} {value[-1] if closed else chr(0x201D)}"
        shown = (f"{name}: the value is in typographic quotes {marks} (from position {len(prefix) + 1}), which will "
                 "show as part of it", f"to quote it, type straight quotes instead: {meant.strip()}; to show the "
                 f"quotes, put them inside straight ones: {prefix.strip()} {quoted(value)}")
        return Slip(number, f"{name}: {marks} are typographic quotes (from position {len(prefix) + 1}), which do "
                            "not count as quotes here", f"type straight quotes instead: {meant.strip()}", meant,
                    ("warning", *shown) if closed else None)
    if value and value[0] in "\"'" and start == 0 and not _closes(value) and _FIELD_LINE.match(following) \
            and (not keys or _FIELD_LINE.match(following).group(1) in keys):
        meant = prefix + value + value[0]
        message = (f"{name}: the quote {value[0]} at position {len(prefix) + 1} is not closed on this line, so the "
                   f"fields below it become part of {name}")
        hint = f"end the value with {value[0]} on the same line: {meant.strip()}"
        return Slip(number, message, hint, meant, ("error", message, hint))
    return None


def _closes(value: str) -> bool:
    """True when the quoted value that ``value`` starts is closed on its line."""
    quote, i = value[0], 1
    while i < len(value):
        if quote == '"' and value[i] == "\\":
            i += 2
            continue
        if value[i] == quote:
            if quote == "'" and value[i + 1:i + 2] == "'":
                i += 2
                continue
            return True
        i += 1
    return False


def quoted(text: str) -> str:
    """``text`` as a YAML value in straight quotes, for hints: double quotes unless it holds
    some (or a backslash, which starts an escape in them)."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)
