"""Safe YAML reading into line-numbered nodes.

Both site.yaml and front matter go through here. We read YAML *events* rather than
letting PyYAML construct Python objects, so that:

- every key and value keeps the line it was written on, for error messages;
- scalars stay text until a schema says what type a field is (``no`` stays "no",
  ``1.10`` stays "1.10", ``012345`` stays "012345");
- anchors, aliases (the "billion laughs" bomb), explicit tags (``!!python/...``),
  duplicate keys and extra documents are refused before anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from .lookalikes import find_slips, repaired
from .model import Diagnostic
from .yamlwords import explain, reserved_sign

try:  # the C parser is several times faster; the events are the same
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Scalar:
    """A YAML scalar, kept as the text the author wrote."""

    text: str
    """The scalar's text, after YAML's own unquoting and folding."""
    line: int
    """1-based line in the file."""
    plain: bool
    """True when written without quotes (so ``null``/``true`` mean something)."""

    @property
    def is_null(self) -> bool:
        """True for an empty plain value, ``~`` or ``null``."""
        return self.plain and self.text in ("", "~", "null", "Null", "NULL")


@dataclass(frozen=True, slots=True)
class Sequence:
    """A YAML list."""

    items: tuple[Node, ...]
    """The list's entries, in order."""
    line: int
    """1-based line where the list starts."""


@dataclass(frozen=True, slots=True)
class Mapping:
    """A YAML mapping with text keys, in the order written."""

    items: tuple[tuple[Scalar, Node], ...]
    """(key, value) pairs; keys are unique."""
    line: int
    """1-based line where the mapping starts."""


Node = Scalar | Sequence | Mapping


class YamlError(Exception):
    """The YAML could not be read; carries the diagnostics to report."""

    def __init__(self, diagnostics: list[Diagnostic], node: Node | None = None, unread: frozenset[str] = frozenset()):
        super().__init__(diagnostics[0].message)
        self.diagnostics = diagnostics
        self.node = node
        """What could be read all the same (the text has the shape of YAML, but uses what
        we refuse): the fields with a refused value left out. None after a syntax error."""
        self.unread = unread
        """The names of the fields left out of ``node``."""


def describe(node: Node) -> str:
    """A moderator's word for what kind of value a node is."""
    if isinstance(node, Mapping):
        return "a set of fields"
    if isinstance(node, Sequence):
        return "a list"
    return f"'{node.text}'"


def read_yaml(text: str, path: str, first_line: int = 1) -> Node | None:
    """Parse one YAML document into nodes; ``first_line`` is the file line of ``text``'s
    first line. Returns None for an empty document. Raises YamlError, naming look-alike
    characters (see lookalikes.py) where the text does not parse."""
    try:
        return parse(text, path, first_line)
    except YamlError:
        slips = find_slips(text, first_line)
        if not slips:
            raise
        problems = [Diagnostic(path, slip.line, slip.message, slip.hint) for slip in slips]
        try:
            parse(repaired(text, slips, first_line), path, first_line)
        except YamlError as still:
            problems += [d for d in still.diagnostics if d.line not in {slip.line for slip in slips}]
        raise YamlError(problems) from None


def parse(text: str, path: str, first_line: int = 1) -> Node | None:
    """``read_yaml`` without looking for look-alike characters: errors in the parser's
    place, in plain words (see yamlwords.py)."""
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        line, message, hint = explain(exc, text, first_line)
        raise YamlError([Diagnostic(path, line, message, hint)]) from None
    return _Composer(events, path, first_line, text).document()


class _Composer:
    """Turns a list of PyYAML events into nodes, refusing what we do not allow."""

    def __init__(self, events: list, path: str, offset: int, text: str):
        self._events = events
        self._pos = 0
        self._path = path
        self._offset = offset
        self._text = text
        self._errors: list[Diagnostic] = []
        self._unread: set[str] = set()
        self._signs: set[tuple[int, str]] = set()
        self._lines: list[str] | None = None  # the text's lines, split at the first refused value

    def document(self) -> Node | None:
        starts = [e for e in self._events if isinstance(e, yaml.DocumentStartEvent)]
        if len(starts) > 1:
            second = starts[1]
            self._error(second, "a second set of fields starts here", "remove the extra '---' or '...' line")
            raise YamlError(self._errors)
        while self._pos < len(self._events) and not _is_node_event(self._events[self._pos]):
            self._pos += 1
        node = self._node() if self._pos < len(self._events) else None
        if self._errors:
            raise YamlError(self._errors, node, frozenset(self._unread))
        return node

    def _line(self, event) -> int:
        return event.start_mark.line + self._offset

    def _error(self, event, message: str, hint: str) -> None:
        problem = Diagnostic(self._path, self._line(event), message, hint)
        if problem not in self._errors:  # an alias bomb repeats one mistake many times a line
            self._errors.append(problem)

    def _refused(self, event) -> None:
        """An error for a value that starts with a sign YAML reserves (* & !)."""
        mark = event.start_mark
        if self._lines is None:
            self._lines = self._text.split("\n")
        sign = (mark.line, self._lines[mark.line][mark.column:mark.column + 1])
        if sign not in self._signs:  # an alias bomb repeats one mistake many times a line
            self._signs.add(sign)
            self._errors.append(Diagnostic(self._path, *reserved_sign(self._lines, self._offset, mark)))

    def _node(self) -> Node:
        event = self._events[self._pos]
        self._pos += 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) or _has_explicit_tag(event):
            self._refused(event)
        if isinstance(event, yaml.AliasEvent):
            return Scalar("", self._line(event), True)
        if isinstance(event, yaml.ScalarEvent):
            return Scalar(event.value, self._line(event), event.style in (None, ""))
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while not isinstance(self._events[self._pos], yaml.SequenceEndEvent):
                items.append(self._node())
            self._pos += 1
            return Sequence(tuple(items), self._line(event))
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(event)
        raise AssertionError(f"unexpected YAML event {event!r}")  # parser guarantees shape

    def _mapping(self, start) -> Mapping:
        items: list[tuple[Scalar, Node]] = []
        seen: dict[str, int] = {}
        while not isinstance(self._events[self._pos], yaml.MappingEndEvent):
            key_event = self._events[self._pos]
            errors = len(self._errors)
            key = self._node()
            value = self._node()
            if not isinstance(key, Scalar):
                self._error(key_event, "a field name must be a plain word",
                            "write the name as a simple word followed by ':', e.g. title:")
                continue
            if len(self._errors) > errors:  # a refused value: the field is left out, its error said
                self._unread.add(key.text)
                continue
            if key.text in seen:
                message, hint = given_twice(key.text, seen[key.text], key.line)
                self._error(key_event, message, hint)
                continue
            seen[key.text] = key.line
            items.append((key, value))
        self._pos += 1
        return Mapping(tuple(items), self._line(start))


def given_twice(name: str, first: int, again: int) -> tuple[str, str]:
    """The message and hint for a field written twice."""
    return f"'{name}' is given twice (lines {first} and {again})", f"keep one '{name}:' line and delete the other"


def _is_node_event(event) -> bool:
    return isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent,
                              yaml.MappingStartEvent, yaml.AliasEvent))


def _has_explicit_tag(event) -> bool:
    tag = getattr(event, "tag", None)
    if tag is None:
        return False
    implicit = event.implicit
    if isinstance(implicit, tuple):  # scalars: (plain-implicit, quoted-implicit)
        return not any(implicit)
    return not implicit
