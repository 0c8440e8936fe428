"""PyYAML's errors in a moderator's words, at the line to fix.

The parser says where it gave up ("could not find expected ':'" on the line after the
mistake, "found unexpected end of stream" on the closing '---'); this module looks at the
text the moderator wrote there, says what is wrong with it in everyday words, and gives
the line as it should be typed. No message here uses the parser's vocabulary.
"""

from __future__ import annotations

import re

import yaml

from .lookalikes import name_of, quoted

_FIELD = re.compile(r"(?P<indent> *)(?P<dash>- +)?(?P<name>[A-Za-z_][\w-]*) *:(?: +(?P<value>.*))?$")
_GENERIC_HINT = ("write one field per line as name: value, and put a value in straight quotes (\"...\") when it "
                 "starts with one of [ { \" ' & * ! | > % @ ` or has ': ' or ' #' in it")


def explain(error: yaml.YAMLError, text: str, first_line: int) -> tuple[int, str, str]:
    """(file line, message, hint) for a PyYAML error in ``text``, whose first line is file
    line ``first_line``."""
    lines = text.split("\n")
    if not isinstance(error, yaml.MarkedYAMLError):  # the reader: a character YAML refuses
        position = getattr(error, "position", 0) or 0
        line = text.count("\n", 0, position)
        column = position - (text.rfind("\n", 0, position) + 1)
        char = getattr(error, "character", None)
        char = chr(char) if isinstance(char, int) else char
        what = name_of(char) if isinstance(char, str) and char else "a character that cannot be read"
        return (first_line + line, f"{what} at position {column + 1} cannot be in these fields",
                "retype the line: the character is usually invisible, pasted with the text")
    problem, context = error.problem or "", error.context or ""
    mark = error.problem_mark or error.context_mark
    opening = error.context_mark or mark
    reading = _Reading(lines, first_line)
    for words, explainer in _EXPLAINERS:
        if any(word in problem or word in context for word in words):
            found = explainer(reading, mark, opening, problem)
            if found is not None:
                return found
    return reading.generic(mark)


def reserved_sign(lines: list[str], first_line: int, mark) -> tuple[int, str, str]:
    """(file line, message, hint) for a value that starts with * & or ! at ``mark`` (in
    ``lines``): the parser reads them as references, markers and types, which we refuse."""
    reading = _Reading(lines, first_line)
    return _special_start(reading, mark, mark, "") or reading.generic(mark)


class _Reading:
    """The text the parser stopped in, by line."""

    def __init__(self, lines: list[str], first_line: int):
        self.lines = lines
        self.first_line = first_line

    def text(self, mark) -> str:
        return self.lines[mark.line] if mark.line < len(self.lines) else ""

    def char(self, mark) -> str:
        line = self.text(mark)
        return line[mark.column] if mark.column < len(line) else ""

    def field(self, mark) -> re.Match | None:
        return _FIELD.match(self.text(mark))

    def where(self, mark) -> int:
        return self.first_line + mark.line

    def label(self, mark) -> str:
        """'title: ' when the line is a field, else ''."""
        field = self.field(mark)
        return f"{field.group('name')}: " if field else ""

    def previous_line(self, mark) -> str:
        return next((line for line in reversed(self.lines[:mark.line]) if line.strip()), "")

    def previous_field(self, mark) -> tuple[int, re.Match] | None:
        for index in range(mark.line - 1, -1, -1):
            if self.lines[index].strip():
                field = _FIELD.match(self.lines[index])
                return (self.first_line + index, field) if field else None
        return None

    def generic(self, mark) -> tuple[int, str, str]:
        return (self.where(mark), f"this line cannot be read from position {mark.column + 1} on", _GENERIC_HINT)


def _value_of(field: re.Match) -> str:
    return (field.group("value") or "").strip()


def _with_value(field: re.Match, value: str) -> str:
    """The field's line as it should be typed, with ``value``."""
    return f"{(field.group('dash') or '').strip() + ' ' if field.group('dash') else ''}{field.group('name')}: {value}"


def _unclosed_quote(reading: _Reading, mark, opening, problem: str):
    if "escape" in problem or "hexdecimal" in problem:
        field = reading.field(mark)
        value = _value_of(field) if field else ""
        inner = value[1:-1] if len(value) > 1 and value.endswith('"') else value[1:]
        fix = (f"put the value in single quotes instead: {_with_value(field, repr_single(inner))}" if field
               else "put the value in single quotes instead of double quotes")
        backslash = reading.text(mark).rfind("\\", 0, mark.column + 1)  # the parser stops after the code
        return (reading.where(mark), f"{reading.label(mark)}a backslash \\ inside double quotes starts a special "
                                     f"code (position {backslash + 1})", fix)
    quote = reading.char(opening) or '"'
    line = reading.text(opening).rstrip()
    return (reading.where(opening), f"{reading.label(opening)}the quote {quote} at position {opening.column + 1} "
                                    "is never closed", f"end the value with {quote} on the same line: {line.strip()}{quote}")


def repr_single(text: str) -> str:
    """``text`` in single quotes (where a backslash is only a backslash)."""
    return "'" + text.replace("'", "''") + "'"


def _no_colon(reading: _Reading, mark, opening, problem: str):
    line = reading.text(opening)
    stripped = line.strip()
    where = reading.where(opening)
    if re.match(r"-[^\s-]", stripped):
        return (where, "a list entry needs a space after its hyphen", f"type it like this: - {stripped[1:]}")
    missing = re.match(r" *([A-Za-z_][\w-]*):(\S.*)", line)
    if missing:
        name, value = missing.groups()
        return (where, f"{name}: a space is missing after the colon, at position {line.index(':') + 2}",
                f"type a space after '{name}:', like this: {name}: {value}")
    if ":" not in line:
        if reading.previous_line(opening).lstrip().startswith("- "):
            return _not_an_entry(reading, opening, opening, problem)
        previous = reading.previous_field(opening)
        if previous and _value_of(previous[1]):
            return (where, "this line is not a field: it has no name and colon before its text",
                    f"if it continues the {previous[1].group('name')} on line {previous[0]}, join it onto that line; "
                    "if it is a field of its own, write it as name: value")
        return (where, "this line is not a field: it has no name and colon before its text",
                "write it as name: value, e.g. title: Preparing for your first interview")
    return None


def _colon_in_value(reading: _Reading, mark, opening, problem: str):
    line = reading.text(mark)
    before = line[:mark.column]
    if before.startswith(" ") and re.fullmatch(r" +(- +)?[A-Za-z_][\w-]*", before):
        name = before.strip(" -")
        return (reading.where(mark), f"'{name}:' is indented, so it reads as part of the field above it",
                f"start '{name}:' at the beginning of the line, like the other fields")
    field = reading.field(mark)
    if field is None or field.group("value") is None:
        return None
    value = _value_of(field)
    return (reading.where(mark), f"{field.group('name')}: the value has a colon and a space in it (position "
                                 f"{mark.column + 1}), which reads as the start of another field",
            f"put the whole value in straight quotes: {_with_value(field, quoted(value))}")


def _special_start(reading: _Reading, mark, opening, problem: str):
    """A value that starts with a sign the parser reserves (@ ` % * & ! | > ?)."""
    at = opening if reading.char(opening) in "*&!|>?%@`" and reading.char(opening) else mark
    char = reading.char(at)
    if char == "\t":
        return _tab(reading, mark, opening, problem)
    field = reading.field(at)
    if not char or char not in "*&!|>?%@`":
        return None
    value = _value_of(field) if field else ""
    fix = (f"put the value in straight quotes: {_with_value(field, quoted(value))}" if field and value
           else f"put the text in straight quotes: \"{reading.text(at).strip()}\"")
    if char in "&*":
        fix += " (a value cannot repeat another with & and *: write each out in full)"
    return (reading.where(at), f"{reading.label(at)}a value cannot start with {char} (position {at.column + 1}) "
                               "unless it is in quotes", fix)


def _tab(reading: _Reading, mark, opening, problem: str):
    return (reading.where(mark), f"this line has a tab at position {mark.column + 1}, where only spaces may be",
            "delete the tab and type spaces instead")


def _unclosed_list(reading: _Reading, mark, opening, problem: str):
    close = "]" if "]" in problem else "}"
    open_ = "[" if close == "]" else "{"
    line = reading.text(opening)
    what = "list" if close == "]" else "set of fields"
    if close not in line[opening.column:]:
        return (reading.where(opening), f"{reading.label(opening)}the {what} opened with {open_} at position "
                                        f"{opening.column + 1} is never closed",
                f"end it with {close} on the same line: {line.strip()}{close}")
    return (reading.where(mark), f"{reading.label(mark)}the {what} cannot be read at position {mark.column + 1}",
            "separate the entries with commas, and put an entry in straight quotes when it has ',', ':', '[' or ']' "
            "in it, e.g. tags: [interview, \"cv: tips\"]")


def _empty_entry(reading: _Reading, mark, opening, problem: str):
    return (reading.where(mark), f"{reading.label(mark)}the list has an empty entry at position {mark.column + 1}",
            "remove the extra comma, or write the entry")


def _after_value(reading: _Reading, mark, opening, problem: str):
    """Text the parser did not expect: after a closing quote or bracket, or a line out of place."""
    line = reading.text(mark)
    field = reading.field(mark)
    where = reading.where(mark)
    if field is not None and field.group("value") and mark.column > field.start("value"):
        value = _value_of(field)
        first = value[0]
        if first in "\"'":
            intended = value[1:-1] if len(value) > 1 and value.endswith(first) else value
            return (where, f"{field.group('name')}: text follows the closing quote {first} (position {mark.column + 1})",
                    f"put the whole value in the other kind of quotes: {_with_value(field, quoted(intended))}")
        if first in "[{":
            close = "]" if first == "[" else "}"
            return (where, f"{field.group('name')}: text follows the closing {close} (position {mark.column + 1})",
                    f"if it is text, put it all in straight quotes: {_with_value(field, quoted(value))}; "
                    f"if it is a list, end the line at the {close}")
    stripped = line.strip()
    if stripped.startswith("- ") or stripped == "-":
        above = reading.previous_line(mark)
        if above.lstrip().startswith("- "):
            return (where, "this list entry is indented differently from the one above it",
                    "indent every entry of the list the same, e.g. two spaces before each '- '")
        return (where, "this list entry is not under a field that takes a list",
                "put the entries right under their field, with nothing after its colon (e.g. tags:), "
                "each indented the same")
    if stripped.startswith(":"):
        return (where, "this line starts with a colon, without a field name before it",
                "write the field's name before the colon, e.g. title: ...")
    if line.startswith(" "):
        return (where, "this line is indented differently from the fields around it",
                "start it at the same place as the fields above it")
    return None


def _stray_line(reading: _Reading, mark, opening, problem: str):
    """A line that ends the fields ('...') or starts with %, at or above where the parser stopped."""
    for index in range(min(mark.line, len(reading.lines) - 1), -1, -1):
        stripped = reading.lines[index].strip()
        if stripped in ("...", "---"):
            return (reading.first_line + index, f"the line '{stripped}' ends the fields here", "delete the line")
        if stripped.startswith("%"):
            return (reading.first_line + index, "a line cannot start with %",
                    "delete the line, or put its text in straight quotes")
    return None


def _not_an_entry(reading: _Reading, mark, opening, problem: str):
    return (reading.where(mark), "this line is in a list but does not start with '- '",
            "start it with '- ' like the entries above it, or move it out of the list")


def _dash_after_value(reading: _Reading, mark, opening, problem: str):
    return (reading.where(mark), f"{reading.label(mark)}'- ' cannot follow a value (position {mark.column + 1})",
            "write a list on the lines below its field, one '- ' entry per line, or put the text in straight quotes")


_EXPLAINERS = (
    (("quoted scalar",), _unclosed_quote),
    (("could not find expected ':'",), _no_colon),
    (("mapping values are not allowed",), _colon_in_value),
    (("tab character",), _tab),
    (("cannot start any token", "mapping keys are not allowed", "alias", "anchor", "tag", "block scalar",
      "indentation indicator"), _special_start),
    (("expected ',' or ']'", "expected ',' or '}'"), _unclosed_list),
    (("expected node content",), _empty_entry),
    (("did not find expected key",), _after_value),
    (("<document start>", "directive"), _stray_line),
    (("expected '-' indicator",), _not_an_entry),
    (("block sequence entries are not allowed",), _dash_after_value),
)
"""(words in the parser's problem or context, the function that explains it): the first
that gives an explanation wins; none: ``_Reading.generic``."""
