"""Front matter read as far as it can be: look-alike characters named before parsing, and
past a syntax error, every field that reads on its own.

A moderator who mistypes one line should learn about every other problem of the file in
the same run, not one per run. Where YAML gives up, the text is cut into its top-level
fields (a line that starts with ``name:`` and the lines below it) and each is read alone:
those that read are checked as usual, those that do not report their own error.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .lookalikes import find_slips, repaired
from .model import Diagnostic
from .yamlread import Mapping, Scalar, YamlError, given_twice, parse

_FIELD_START = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_LATER = "; the other fields are checked once this is fixed"
MAX_FIELDS_ALONE = 500
"""Past a syntax error, fields are read one by one up to this many (real front matter has
a dozen; reading alone costs 0.1 ms a field)."""


@dataclass(frozen=True, slots=True)
class FieldsRead:
    """What reading the front matter's YAML gave."""

    fields: Mapping | None
    """The fields that could be read (all of them where ``problems`` has no error); None
    when the text is not fields at all, or nothing of it can be trusted."""
    problems: tuple[Diagnostic, ...]
    """Syntax errors in plain words, and warnings about look-alike characters."""
    unread: frozenset[str] = frozenset()
    """Names of fields that are written but could not be read (not 'missing')."""
    complete: bool = True
    """False when the fields after a syntax error could not be told apart: only that error
    is reported, and no field is checked."""


def read_fields(text: str, path: str, first_line: int, keys: Collection[str]) -> FieldsRead:
    """The fields of ``text`` (YAML whose first line is file line ``first_line``); ``keys``:
    the field names it may use."""
    slips = find_slips(text, first_line, keys)
    try:
        root = parse(text, path, first_line)
    except YamlError as failure:
        if failure.node is not None:  # it parsed, but uses what we refuse
            return _as_read(failure.node, failure.diagnostics, failure.unread)
        if not slips:
            return _salvaged(text, path, first_line, [], set(), failure)
    else:
        if isinstance(root, Mapping):  # read: slips are reported only where they still matter
            noticed = [Diagnostic(path, slip.line, slip.when_read[1], slip.when_read[2], slip.when_read[0])
                       for slip in slips if slip.when_read]
            harmful = tuple(slip for slip in slips if slip.when_read and slip.when_read[0] == "error")
            return _read_as_meant(text, path, first_line, harmful, noticed) if harmful else FieldsRead(root, tuple(noticed))
        if not slips:
            return FieldsRead(None, ())
    return _read_as_meant(text, path, first_line, slips, [Diagnostic(path, slip.line, slip.message, slip.hint)
                                                          for slip in slips])


def _read_as_meant(text: str, path: str, first_line: int, slips, problems: list[Diagnostic]) -> FieldsRead:
    """The fields of ``text`` with ``slips`` mended (``problems`` name them)."""
    meant = repaired(text, slips, first_line)
    try:
        root = parse(meant, path, first_line)
    except YamlError as failure:
        if failure.node is not None:
            return _as_read(failure.node, problems + failure.diagnostics, failure.unread)
        return _salvaged(meant, path, first_line, problems, {slip.line for slip in slips}, failure)
    return _as_read(root, problems, frozenset())


def _as_read(root, problems: list[Diagnostic], unread: frozenset[str]) -> FieldsRead:
    return FieldsRead(root if isinstance(root, Mapping) else None, tuple(problems), unread)


def _salvaged(text: str, path: str, first_line: int, problems: list[Diagnostic], explained: set[int],
              failure: YamlError) -> FieldsRead:
    """Each top-level field of ``text`` read alone, after reading the whole failed. Errors
    on the lines in ``explained`` were said already (by a slip)."""
    items: list[tuple[Scalar, object]] = []
    seen: dict[str, int] = {}
    unread: set[str] = set()
    failed = False
    entries = _entries(text)
    if len(entries) > MAX_FIELDS_ALONE:  # no article has so many: each read alone would take long
        return FieldsRead(None, tuple(problems + [_with_later(d) for d in failure.diagnostics]), complete=False)
    for start, entry in entries:
        try:
            node = parse(entry, path, first_line + start)
        except YamlError as alone:
            failed = True
            problems += [d for d in alone.diagnostics if d.line not in explained]
            named = _FIELD_START.match(entry)
            if named:
                unread.add(named.group(1))
            if alone.node is not None:
                unread |= alone.unread
            continue
        for key, value in node.items if isinstance(node, Mapping) else ():
            if key.text in seen:
                problems.append(Diagnostic(path, key.line, *given_twice(key.text, seen[key.text], key.line)))
                continue
            seen[key.text] = key.line
            items.append((key, value))
    if not failed:  # every field reads alone: the mistake is between them, and the rest is unsure
        problems += [_with_later(d) for d in failure.diagnostics if d.line not in explained]
        return FieldsRead(None, tuple(problems), complete=False)
    return FieldsRead(Mapping(tuple(items), first_line), tuple(problems), frozenset(unread))


def _with_later(diagnostic: Diagnostic) -> Diagnostic:
    return Diagnostic(diagnostic.path, diagnostic.line, diagnostic.message, diagnostic.hint + _LATER,
                      diagnostic.severity)


def _entries(text: str) -> list[tuple[int, str]]:
    """(index of its first line, its text) for each top-level field of ``text``: a line
    that starts with a name and a colon, and the lines below it up to the next one. Lines
    before the first field count as a field of their own."""
    entries: list[tuple[int, list[str]]] = []
    for index, line in enumerate(text.split("\n")):
        if _FIELD_START.match(line) or not entries:
            entries.append((index, [line]))
        else:
            entries[-1][1].append(line)
    return [(start, "\n".join(lines)) for start, lines in entries]
