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

from .model import Diagnostic

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

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(diagnostics[0].message)
        self.diagnostics = diagnostics


def describe(node: Node) -> str:
    """A moderator's word for what kind of value a node is."""
    if isinstance(node, Mapping):
        return "a set of fields"
    if isinstance(node, Sequence):
        return "a list"
    return f"'{node.text}'"


def read_yaml(text: str, path: str, first_line: int = 1) -> Node | None:
    """Parse one YAML document into nodes; ``first_line`` is the file line of ``text``'s
    first line. Returns None for an empty document. Raises YamlError."""
    offset = first_line  # mark.line is 0-based
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset if mark else first_line
        problem = exc.problem or exc.context or "unreadable YAML"
        raise YamlError([Diagnostic(path, line, f"this is not valid YAML: {problem}",
                                    _yaml_hint(problem))]) from None
    except yaml.YAMLError as exc:  # reader errors (e.g. control characters)
        raise YamlError([Diagnostic(path, first_line, f"this is not valid YAML: {exc}",
                                    "remove unusual control characters from the file")]) from None
    return _Composer(events, path, offset).document()


def _yaml_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "a value that contains ': ' must be quoted, e.g. title: \"Jobs: a guide\""
    if "found character '\\t'" in problem or "tab" in problem:
        return "indent with spaces, not tabs"
    return "check the indentation, and quote values that contain ':', '#', or start with '[', '{', '&', '*', '!', '|', '>', '%' or '@'"


class _Composer:
    """Turns a list of PyYAML events into nodes, refusing what we do not allow."""

    def __init__(self, events: list, path: str, offset: int):
        self._events = events
        self._pos = 0
        self._path = path
        self._offset = offset
        self._errors: list[Diagnostic] = []

    def document(self) -> Node | None:
        starts = [e for e in self._events if isinstance(e, yaml.DocumentStartEvent)]
        if len(starts) > 1:
            second = starts[1]
            self._error(second, "a second YAML document starts here",
                        "remove the extra '---' or '...' line")
            raise YamlError(self._errors)
        while self._pos < len(self._events) and not _is_node_event(self._events[self._pos]):
            self._pos += 1
        node = self._node() if self._pos < len(self._events) else None
        if self._errors:
            raise YamlError(self._errors)
        return node

    def _line(self, event) -> int:
        return event.start_mark.line + self._offset

    def _error(self, event, message: str, hint: str) -> None:
        problem = Diagnostic(self._path, self._line(event), message, hint)
        if problem not in self._errors:  # an alias bomb repeats one mistake many times a line
            self._errors.append(problem)

    def _node(self) -> Node:
        event = self._events[self._pos]
        self._pos += 1
        if isinstance(event, yaml.AliasEvent):
            self._error(event, f"YAML aliases (*{event.anchor}) are not allowed",
                        "write the value out in full instead of referring to an anchor")
            return Scalar("", self._line(event), True)
        if getattr(event, "anchor", None):
            self._error(event, f"YAML anchors (&{event.anchor}) are not allowed",
                        "remove the '&" + event.anchor + "' and write values out in full")
        if _has_explicit_tag(event):
            self._error(event, f"YAML tags ({event.tag}) are not allowed",
                        "remove the tag (the text starting with '!'); quote the value if it is text")
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
            key = self._node()
            value = self._node()
            if not isinstance(key, Scalar):
                self._error(key_event, "a key must be a plain name",
                            "write keys as simple words followed by ':'")
                continue
            if key.text in seen:
                self._error(key_event, f"'{key.text}' is given twice (lines {seen[key.text]} and {key.line})",
                            f"keep one '{key.text}:' line and delete the other")
                continue
            seen[key.text] = key.line
            items.append((key, value))
        self._pos += 1
        return Mapping(tuple(items), self._line(start))


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
