"""What a date written another way than year-month-day could mean, in ISO form.

``5/3/2024`` is 5 March in most of the world and May 3 in the United States: a moderator
is shown both and picks one. Numeric dates (with / . or -), dates with English month names
and times with am/pm are understood; anything else has no reading.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_TIME = r"(?:[ T,]+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<half>[ap]\.?m\.?)?)?"
_DAY_MONTH_YEAR = re.compile(r"(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<year>\d{4}|\d{2})" + _TIME, re.I)
_YEAR_MONTH_DAY = re.compile(r"(?P<year>\d{4})[./-](?P<month>\d{1,2})[./-](?P<day>\d{1,2})" + _TIME, re.I)
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_NAMED = (re.compile(_DAY + r"\s+" + _MONTH + r",?\s+(?P<year>\d{4})" + _TIME, re.I),
          re.compile(_MONTH + r"\s+" + _DAY + r",?\s+(?P<year>\d{4})" + _TIME, re.I))


def readings(written: str) -> tuple[tuple[date, str], ...]:
    """(the day, the ISO form to write) for each thing ``written`` could mean, most of the
    world's reading first; () when it is no date this module knows how to read."""
    text = written.strip()
    found: list[tuple[int, int, int, re.Match]] = []
    if match := _YEAR_MONTH_DAY.fullmatch(text):
        found.append((int(match["year"]), int(match["month"]), int(match["day"]), match))
    elif match := _DAY_MONTH_YEAR.fullmatch(text):
        year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
        first, second = int(match["a"]), int(match["b"])
        found += [(year, second, first, match), (year, first, second, match)]  # day first, then month first
    else:
        for pattern in _NAMED:
            if (match := pattern.fullmatch(text)) and (month := _month(match["month"])):
                found.append((int(match["year"]), month, int(match["day"]), match))
    results: list[tuple[date, str]] = []
    for year, month, day, match in found:
        try:
            day_read = date(year, month, day)
        except ValueError:
            continue
        iso = day_read.isoformat() + _time_of(match)
        if iso.endswith("?"):
            continue
        if all(iso != other for _, other in results):
            results.append((day_read, iso))
    return tuple(results)


def spoken(day: date) -> str:
    """'5 March 2024'."""
    return f"{day.day} {_MONTHS[day.month - 1].capitalize()} {day.year}"


def _month(word: str) -> int | None:
    word = word.lower()
    return next((number for number, name in enumerate(_MONTHS, start=1)
                 if len(word) >= 3 and name.startswith(word) and (len(word) == 3 or word == name or word == "sept")), None)


def _time_of(match: re.Match) -> str:
    """' 10:30' for the time in ``match``, '' for none, '?' for one that is no time."""
    if match["hour"] is None:
        return ""
    hour, minute = int(match["hour"]), int(match["minute"])
    half = (match["half"] or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return "?"
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59 or (match["second"] and int(match["second"]) > 59):
        return "?"
    return f" {hour:02d}:{minute:02d}" + (f":{match['second']}" if match["second"] else "")
