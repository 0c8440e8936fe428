"""Typed reading of YAML nodes, shared by site.yaml and front matter.

Each reader takes a node and the field's name, and returns a Python value or raises
FieldProblem with the line and a message a moderator can act on.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .datereadings import readings, spoken
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
        written = node.text.strip() if isinstance(node, Scalar) and node.text.strip() else example
        raise FieldProblem(node.line, f"{name}: must be a list, not {describe(node)}",
                           f"write it in brackets: {name}: [{written}]")
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
FIRST_YEAR, LAST_YEAR = 1900, 2999
"""Dates outside these years are refused: they are typos (0224, 9999), no article of a
career site is dated then, and at the calendar's ends an offset overflows (0001-01-01T00:00
+14:00 is in year 0 in UTC)."""


def moment(node: Node, name: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 date or date-time; values without an offset are in ``zone``. A moment
    at which ``zone`` kept local mean time is refused: pages show dates in the site's zone,
    and an offset with seconds (Dhaka's +05:53:20 until 1941) is valid in none of HTML,
    RSS or Atom."""
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
                               "check the day and month" if "day" in reason or "month" in reason
                               else "check the day, month and time") from None
        raise _not_iso(node, name, raw) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        never = "; an article that never expires needs no expires: line" if name == "expires" else ""
        raise FieldProblem(node.line, f"{name}: '{raw}' is in the year {value.year}, but dates must be between "
                                      f"{FIRST_YEAR} and {LAST_YEAR}", f"check the year{never}")
    if value.tzinfo is not None and value.utcoffset() % timedelta(minutes=1):
        raise FieldProblem(node.line, f"{name}: the offset in '{raw}' has seconds",
                           "write the offset as hours and minutes, e.g. +06:00")
    value = value if value.tzinfo is not None else value.replace(tzinfo=zone)
    offset = value.astimezone(zone).utcoffset()
    if offset % timedelta(minutes=1):
        raise FieldProblem(node.line, f"{name}: '{raw}' is from before {zone.key} kept standard time (its clocks were "
                                      f"then {_offset(offset)} from UTC, which pages and feeds cannot show)",
                           f"check the year: dates in {zone.key} can be from {_standard_from(zone, value.year)} on")
    return value


def _offset(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign, seconds = ("+" if seconds >= 0 else "-"), abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _standard_from(zone: ZoneInfo, year: int) -> int:
    """The first year from ``year`` on whose 1 January ``zone`` had an offset in whole minutes."""
    return next(later for later in range(year, LAST_YEAR + 1)
                if not datetime(later, 1, 1, tzinfo=zone).utcoffset() % timedelta(minutes=1))


def _not_iso(node: Scalar, name: str, raw: str) -> FieldProblem:
    """The error for a date not written year-month-day, with what it could mean."""
    meant = readings(raw)
    if len(meant) > 1:
        return FieldProblem(node.line, f"{name}: '{raw}' could be {' or '.join(spoken(day) for day, _ in meant)}",
                            "write it year-month-day: " + ", or ".join(f"{name}: {iso} for {spoken(day)}"
                                                                       for day, iso in meant))
    if meant:
        return FieldProblem(node.line, f"{name}: '{raw}' must be written year-month-day",
                            f"write {name}: {meant[0][1]}")
    return FieldProblem(node.line, f"{name}: '{raw}' is not a date", _DATE_HINT)


_NOT_IN_URL = re.compile(r'[\s"<>\\`]')
_LOOKS_LIKE_A_DOMAIN = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]|$)", re.I)


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
    if (not allow_site_path or value.startswith("www.")) and _LOOKS_LIKE_A_DOMAIN.match(value) \
            and _is_web_address("https://" + value):
        raise FieldProblem(node.line, f"{name}: '{value}' has no https:// at the start",
                           f"write the whole address: {name}: https://{value}")
    raise FieldProblem(node.line, f"{name}: '{value}' is not a web address",
                       f"use a full http:// or https:// address{also}")
