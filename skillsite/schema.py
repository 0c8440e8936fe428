"""Typed reading of YAML nodes, shared by site.yaml and front matter.

Each reader takes a node and the field's name, and returns a Python value or raises
FieldProblem with the line and a message a moderator can act on.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .yamlread import Mapping, Node, Scalar, Sequence, describe


LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
"""A BCP 47 language tag (en, ar, zh-Hans, en-GB), for site.yaml and front matter alike."""


class FieldProblem(Exception):
    """A field's value is wrong."""

    def __init__(self, line: int, message: str, hint: str = ""):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' when one of ``choices`` is close to ``word``, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown_key_problem(key: Scalar, allowed, where: str) -> FieldProblem:
    """The error for a key that the schema does not know."""
    return FieldProblem(
        key.line,
        f"unknown field '{key.text}'{did_you_mean(key.text, allowed)}",
        f"fields allowed in {where}: {', '.join(sorted(allowed))}",
    )


def text(node: Node, name: str) -> str | None:
    """A text value; None when empty or null. Numbers and yes/no stay text."""
    if not isinstance(node, Scalar):
        raise FieldProblem(node.line, f"{name}: must be text, not {describe(node)}",
                           f"write it on one line, e.g. {name}: some text")
    if node.is_null:
        return None
    return node.text


def one_line(node: Node, name: str) -> str | None:
    """Text on a single line, trimmed; None when empty."""
    value = text(node, name)
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def boolean(node: Node, name: str) -> bool:
    """Exactly true or false: 'yes', 'no', 'on' and quoted values are refused."""
    if isinstance(node, Scalar) and node.plain and node.text.lower() in ("true", "false"):
        return node.text.lower() == "true"
    shown = describe(node)
    raise FieldProblem(node.line, f"{name}: must be true or false, not {shown}",
                       f"write {name}: true or {name}: false")


def integer(node: Node, name: str, minimum: int = 1) -> int:
    """A whole number, at least ``minimum``."""
    if isinstance(node, Scalar) and node.plain and re.fullmatch(r"[0-9]+", node.text):
        value = int(node.text)
        if value >= minimum:
            return value
    raise FieldProblem(node.line, f"{name}: must be a whole number of at least {minimum}, not {describe(node)}",
                       f"e.g. {name}: {max(minimum, 10)}")


def text_list(node: Node, name: str, example: str = "a, b") -> tuple[str, ...]:
    """A list of one-line texts (empty list for null)."""
    if isinstance(node, Scalar) and node.is_null:
        return ()
    if not isinstance(node, Sequence):
        raise FieldProblem(node.line, f"{name}: must be a list, not {describe(node)}",
                           f"write it in brackets, e.g. {name}: [{example}]")
    values = []
    for item in node.items:
        value = one_line(item, f"{name} entry")
        if value is None:
            raise FieldProblem(item.line, f"{name}: has an empty entry",
                               "remove the empty entry")
        values.append(value)
    return tuple(values)


def mapping(node: Node, name: str) -> Mapping:
    """A set of fields."""
    if not isinstance(node, Mapping):
        raise FieldProblem(node.line, f"{name}: must be a set of fields, not {describe(node)}",
                           f"indent the fields under '{name}:' on their own lines")
    return node


def sequence(node: Node, name: str) -> tuple[Node, ...]:
    """A list of nodes."""
    if not isinstance(node, Sequence):
        raise FieldProblem(node.line, f"{name}: must be a list, not {describe(node)}",
                           f"write one '- ' entry per line under '{name}:'")
    return node.items


_DATE_HINT = "write it as YYYY-MM-DD, or YYYY-MM-DD HH:MM, or with an offset: 2024-03-05T10:30:00+06:00"


def moment(node: Node, name: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 date or date-time; values without an offset are in ``zone``."""
    if not isinstance(node, Scalar) or node.is_null:
        raise FieldProblem(node.line, f"{name}: must be a date, not {describe(node)}", _DATE_HINT)
    raw = node.text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            value = datetime.combine(date.fromisoformat(raw), time())
        else:
            value = datetime.fromisoformat(raw)
    except ValueError as exc:
        reason = str(exc)
        if "out of range" in reason or "must be in" in reason:
            raise FieldProblem(node.line, f"{name}: '{raw}' is not a real date ({reason})",
                               "check the day and month") from None
        raise FieldProblem(node.line, f"{name}: '{raw}' is not a date", _DATE_HINT) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value


_NOT_IN_URL = re.compile(r'[\s"<>\\`]')


def _is_web_address(value: str) -> bool:
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed [IPv6 address
        return False


def http_url(node: Node, name: str, allow_site_path: bool = False) -> str | None:
    """An absolute http(s) URL (or, when allowed, a path on this site like /images/a.png)."""
    value = one_line(node, name)
    if value is None:
        return None
    if _NOT_IN_URL.search(value):
        pass  # quotes, angle brackets, backslashes, spaces: no address has them
    elif allow_site_path and value.startswith("/") and not value.startswith("//"):
        return value
    elif _is_web_address(value):
        return value
    also = " or a path on this site starting with '/'" if allow_site_path else ""
    raise FieldProblem(node.line, f"{name}: '{value}' is not a web address",
                       f"use a full http:// or https:// address{also}")
