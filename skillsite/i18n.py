"""The interface in the site's language: the theme's texts from one translation file per
language, and dates, numbers and plurals formatted for that language by Babel (CLDR data).

A translation file is YAML (``themes/<theme>/i18n/<language>.yaml``): a text per key, or,
for a text with a count, one text per CLDR plural category (``one``, ``few``, ``other``...)
as Babel names them for the language. Two keys are settings: ``date_format`` (a CLDR
pattern such as ``d MMMM y``, or ``short``/``medium``/``long``/``full``) and ``digits``
(the ten digits the language writes numbers with, when not 0-9). A language's file need
not have every key: what it leaves out comes from the less specific language (``bn`` for
``bn-BD``), then from English. Texts are plain text (escaped on the page) with
placeholders in braces (``{count} min read``); a placeholder English does not use for that
key is an error naming the file and line.

Why YAML rather than gettext's .po: moderators already write YAML, a translation is a
short file read top to bottom next to the English one, plurals are written by the
categories CLDR gives every language (no Plural-Forms expression to get right), and nothing
has to be compiled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .model import Diagnostic
from .schema import did_you_mean
from .yamlread import Mapping as YamlMapping, Scalar, YamlError, read_yaml

FOLDER = "i18n"
"""The folder of a theme that holds its translation files."""
FALLBACK = "en"
"""The language every text exists in."""
SETTINGS = ("date_format", "digits")
"""Keys that are not texts."""
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

Text = str | dict[str, str]
"""A text, or a text per plural category."""


@dataclass(frozen=True, slots=True)
class Translations:
    """The texts of one language, complete (English fills what its files leave out)."""

    language: str
    """The site's language tag (``bn``, ``en-GB``)."""
    texts: dict[str, Text]
    """Every key of the English file, in the site's language where a file gives it."""
    problems: tuple[Diagnostic, ...] = ()
    """What is wrong in the translation files read (errors), or missing (a warning)."""


def candidates(language: str) -> list[str]:
    """The files to look for, most specific first: ``bn-BD`` -> bn-BD, bn, en."""
    parts = language.split("-")
    chain = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return list(dict.fromkeys([*chain, FALLBACK]))


def read_texts(raw: bytes, path: str) -> tuple[dict[str, Text], list[Diagnostic]]:
    """The texts of one translation file, and what is wrong in it (each at its line)."""
    try:
        root = read_yaml(raw.decode("utf-8-sig").replace("\r\n", "\n"), path)
    except UnicodeDecodeError:
        return {}, [Diagnostic(path, 0, "the file is not UTF-8 text", "save it as UTF-8 in your editor")]
    except YamlError as exc:
        return {}, list(exc.diagnostics)
    if root is None:
        return {}, []
    if not isinstance(root, YamlMapping):
        return {}, [Diagnostic(path, getattr(root, "line", 1), "a translation file must be a set of texts",
                               "write one text per line, e.g. menu: Menu")]
    texts: dict[str, Text] = {}
    problems = []
    for key, node in root.items:
        if isinstance(node, Scalar):
            texts[key.text] = node.text
        elif isinstance(node, YamlMapping) and all(isinstance(v, Scalar) for _, v in node.items):
            forms = {k.text: v.text for k, v in node.items}
            wrong = next((k for k, _ in node.items if k.text not in PLURAL_CATEGORIES), None)
            if wrong is not None:
                problems.append(Diagnostic(path, wrong.line, f"{key.text}: '{wrong.text}' is not a plural category",
                                           f"use the categories of the language: {', '.join(PLURAL_CATEGORIES)}"))
                continue
            texts[key.text] = forms
        else:
            problems.append(Diagnostic(path, key.line, f"{key.text}: must be a text, or a text per plural category",
                                       f"e.g. {key.text}: Some text"))
    return texts, problems


def merge(language: str, files: Iterable[tuple[str, str, bytes]]) -> Translations:
    """The complete texts of ``language`` from its files: (path, language, bytes), the
    winning file first (the site's theme before the built-in one, a specific language
    before a general one); the English files give every key."""
    read: list[tuple[str, str, dict[str, Text], dict[str, int]]] = []
    problems: list[Diagnostic] = []
    for path, file_language, raw in files:
        texts, found = read_texts(raw, path)
        problems += found
        read.append((path, file_language, texts, _lines(raw)))
    english = {}
    for path, file_language, texts, _ in reversed(read):
        if file_language == FALLBACK:
            english.update(texts)
    merged: dict[str, Text] = {}
    for path, file_language, texts, lines in reversed(read):
        for key, text in texts.items():
            line = lines.get(key, 1)
            if key not in english:
                problems.append(Diagnostic(path, line, f"'{key}' is not a text of this theme{did_you_mean(key, english)}",
                                           "use the keys of the theme's en.yaml", "warning"))
                continue
            problem = _placeholder_problem(key, text, english[key], path, line)
            if problem:
                problems.append(problem)
                continue
            merged[key] = text
    if language.split("-")[0] != FALLBACK and all(file_language == FALLBACK for _, file_language, _, _ in read):
        problems.append(Diagnostic("site.yaml", 0, f"language: the theme has no translation into '{language}': "
                                   "its texts are shown in English",
                                   f"add {FOLDER}/{language}.yaml to the theme (a copy of {FOLDER}/en.yaml, translated)",
                                   "warning"))
    return Translations(language, {key: merged.get(key, english[key]) for key in english}, tuple(problems))


def _lines(raw: bytes) -> dict[str, int]:
    """The line of each top-level key of a file, for messages."""
    lines = {}
    for number, line in enumerate(raw.decode("utf-8", "replace").split("\n"), start=1):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match[1], number)
    return lines


def _names(text: Text) -> set[str]:
    forms = text.values() if isinstance(text, dict) else (text,)
    return {name for form in forms for name in _PLACEHOLDER.findall(form)}


def _placeholder_problem(key: str, text: Text, english: Text, path: str, line: int) -> Diagnostic | None:
    if key in SETTINGS:
        if key == "digits" and not (isinstance(text, str) and len(text) == 10 and all(c.isdigit() for c in text)):
            return Diagnostic(path, line, "digits: must be the ten digits 0 to 9 of the language, in order",
                              "e.g. digits: ০১২৩৪৫৬৭৮৯")
        if key == "date_format" and not _is_date_format(text):
            return Diagnostic(path, line, f"date_format: '{text}' is not a date pattern",
                              "use short, medium, long or full, or a CLDR pattern such as d MMMM y")
        return None
    if isinstance(english, dict) != isinstance(text, dict):
        shape = "a text per plural category (one:, other:...)" if isinstance(english, dict) else "one text"
        return Diagnostic(path, line, f"{key}: must be {shape}, as in en.yaml", "write it as en.yaml does")
    unknown = sorted(_names(text) - _names(english))
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in sorted(_names(english))) or "none"
        return Diagnostic(path, line, f"{key}: '{{{unknown[0]}}}' is not a placeholder of this text",
                          f"placeholders it may use: {allowed}")
    return None


def _is_date_format(text: Text) -> bool:
    try:
        format_date(datetime(2024, 3, 5).date(), text, locale=FALLBACK)
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    return isinstance(text, str)


def babel_locale(language: str) -> Locale:
    """Babel's locale for a language tag; English when CLDR does not know the language."""
    try:
        return Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK)


class Texts:
    """The theme's texts for templates: ``text.menu`` is a plain text; ``text("byline",
    authors=...)`` fills a text's placeholders (values are escaped unless they are markup
    already, e.g. a ``{% set %}`` block of the template) and ``text("reading_time",
    count=5)`` picks the plural form for the count and writes it in the language's digits."""

    __slots__ = ("_texts", "_locale", "_digits", "_date_format")

    def __init__(self, translations: Translations):
        self._texts = translations.texts
        self._locale = babel_locale(translations.language)
        digits = self._texts.get("digits") or "0123456789"
        self._digits = str.maketrans("0123456789", digits) if digits != "0123456789" else None
        self._date_format = self._texts.get("date_format") or "long"

    def __getattr__(self, key: str) -> str:
        try:
            text = self._texts[key]
        except KeyError:
            raise AttributeError(f"no text '{key}' in the theme's translation files") from None
        return text if isinstance(text, str) else text.get("other", "")

    def __call__(self, key: str, count: int | None = None, **values) -> Markup:
        text = self._texts.get(key)
        if text is None:
            raise KeyError(f"no text '{key}' in the theme's translation files")
        if isinstance(text, dict):
            category = self._locale.plural_form(count if count is not None else 0)
            text = text.get(category) or text.get("other", "")
        if count is not None:
            values["count"] = self.number(count)
        parts = _PLACEHOLDER.split(text)  # text, name, text, name, text...
        return Markup("").join(escape(part) if index % 2 == 0 else escape(values.get(part, "{" + part + "}"))
                               for index, part in enumerate(parts))

    def plain(self, key: str, count: int | None = None, **values) -> str:
        """A filled text as plain text (for titles, feeds, attributes)."""
        return self(key, count, **values).unescape()

    def number(self, value: int, grouping: bool = True) -> str:
        """A whole number in the language's digits (grouped as the language groups them,
        unless ``grouping`` is False: a year)."""
        text = format_decimal(value, locale=self._locale, group_separator=grouping)
        return text.translate(self._digits) if self._digits else text

    def date(self, moment: datetime, zone: ZoneInfo) -> str:
        """A moment's date, in the site's zone, as the language writes dates."""
        text = format_date(moment.astimezone(zone).date(), self._date_format, locale=self._locale)
        return text.translate(self._digits) if self._digits else text

    def joiners(self, count: int) -> list[str]:
        """The text before each of ``count`` items of a list ("", ", ", " and "), as the
        language joins a list: the template puts each item's markup after its joiner."""
        if count <= 1:
            return [""] * count
        marks = [f"\x00{index}\x00" for index in range(count)]
        joined = format_list(marks, locale=self._locale)
        pieces = re.split(r"\x00\d+\x00", joined)
        return pieces[:count]

    def list_of(self, items: list[str]) -> str:
        """Plain texts joined as the language joins a list ("tags and authors")."""
        return format_list(items, locale=self._locale) if items else ""

    def months(self) -> list[str]:
        """The language's month names, January first."""
        names = self._locale.months["format"]["wide"]
        return [names[month] for month in range(1, 13)]

    def get(self, key: str, default: str = "") -> str:
        """A plain text, or ``default`` when the theme has no such key."""
        text = self._texts.get(key)
        return default if text is None else text if isinstance(text, str) else text.get("other", default)

