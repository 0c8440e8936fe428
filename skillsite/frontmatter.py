"""One article file -> FrontMatter + body, or the list of everything wrong with it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from . import schema
from .bodyhazards import stray_front_matter
from .config import SiteConfig
from .garbled import garbled_fields
from .lookalikes import without_hidden
from .model import Diagnostic, FrontMatter
from .schema import FieldProblem, did_you_mean
from .urls import alias_path, alias_problem, article_path, is_valid_slug, term_key
from .yamlfields import read_fields
from .yamlread import Node, Scalar, Sequence, given_twice

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_URI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
REQUIRED = ("title", "date", "author", "category")
MAX_NAME_BYTES = 200
"""The most bytes (UTF-8) the web address name of a tag, an author, a slug or an alias may
take: it names a folder of the output (``tag/<name>/``), and file systems take 255 bytes
at most. In Bengali, Hindi or Chinese a letter takes three bytes."""
MAX_TITLE = 200
"""Characters in a title: a longer one is a paragraph pasted in the wrong place (the
longest of the real-world corpus has 75)."""


@dataclass(frozen=True, slots=True)
class SplitFile:
    """An article file cut into its front matter and body."""

    yaml_text: str
    """The text between the two '---' lines."""
    body: str
    """Everything after the closing '---' line."""
    body_line: int
    """The file line on which the body starts."""


class FileProblem(Exception):
    """The file cannot be read as an article at all."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


# Characters XML and HTML forbid: C0/C1 controls (but tab and newline) and non-characters.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def strip_forbidden(text: str, path: str) -> tuple[str, list[Diagnostic]]:
    """``text`` without characters that pages and feeds cannot carry, and a warning per line."""
    if not _FORBIDDEN.search(text):
        return text, []
    warnings = []
    for number, line in enumerate(text.split("\n"), start=1):
        found = sorted(set(_FORBIDDEN.findall(line)))
        if found:
            codes = ", ".join(f"U+{ord(c):04X}" for c in found)
            warnings.append(Diagnostic(path, number, f"invisible control characters ({codes}) were removed",
                                       "they usually come from copying and pasting; retype the line if it looks wrong",
                                       "warning"))
    return _FORBIDDEN.sub("", text), warnings


def decode(raw: bytes, path: str) -> str:
    """UTF-8 text (a BOM is dropped) with LF line endings."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileProblem(Diagnostic(path, line, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} on this line)",
                                     "open it in your editor and save it with the UTF-8 encoding")) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str, path: str) -> SplitFile:
    """Cut the '---' front matter block from the body."""
    if not text.startswith("---") or not _FENCE.match(text):
        raise FileProblem(Diagnostic(path, 1, "the file has no front matter",
                                     "start the file with a line '---', then fields such as title:, date:, author:, "
                                     "category:, then another line '---', then the article"))
    opening_end = text.index("\n") + 1 if "\n" in text else len(text)
    closing = _FENCE.search(text, opening_end)
    if closing is None:
        raise FileProblem(Diagnostic(path, 1, "the front matter opened on line 1 is never closed",
                                     "add a line '---' after the last field, before the article text"))
    yaml_text = text[opening_end:closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    return SplitFile(yaml_text, text[body_start:], body_line)


def _without_line_separators(yaml_text: str, path: str) -> tuple[str, list[Diagnostic]]:
    """YAML breaks lines at U+2028/U+2029, editors do not: pasted separators would shift
    every line number after them. They become spaces, with a warning."""
    if "\u2028" not in yaml_text and "\u2029" not in yaml_text:
        return yaml_text, []
    warnings = [Diagnostic(path, number, "an invisible line separator (U+2028 or U+2029) was replaced by a space",
                           "it usually comes from copying and pasting; retype the line if it looks wrong", "warning")
                for number, line in enumerate(yaml_text.split("\n"), start=2) if "\u2028" in line or "\u2029" in line]
    return yaml_text.replace("\u2028", " ").replace("\u2029", " "), warnings


def _without_escaped_controls(value, key: Scalar, path: str, problems: list[Diagnostic]):
    """Text values without control characters written as YAML escapes ("\\x01"): raw ones
    were removed from the file already; these would break pages and feeds alike."""
    texts = value if isinstance(value, tuple) else (value,)
    if not any(isinstance(t, str) and _FORBIDDEN.search(t) for t in texts):
        return value
    problems.append(Diagnostic(path, key.line, f"{key.text}: control characters were removed",
                               "remove the \\x or \\u escapes that write invisible characters", "warning"))
    cleaned = tuple(_FORBIDDEN.sub("", t) for t in texts)
    return cleaned if isinstance(value, tuple) else cleaned[0]


class FrontMatterReader:
    """Validates one article's front matter against the schema and the site's config."""

    required: tuple[str, ...] = REQUIRED
    """The fields every file must have."""
    where = "front matter"
    """What messages call the fields."""

    def __init__(self, config: SiteConfig):
        self._config = config
        self._categories = {c.key for c in config.categories}
        self._audiences = {a.key for a in config.audiences}
        zone = config.zone
        self._fields: dict[str, Callable[[Node], object]] = {
            "title": self._title,
            "date": lambda n: schema.moment(n, "date", zone),
            "author": self._authors,
            "category": self._category,
            "tags": self._tags,
            "audience": self._audience,
            "summary": lambda n: schema.one_line(n, "summary"),
            "slug": self._slug,
            "aliases": self._aliases,
            "draft": lambda n: schema.boolean(n, "draft"),
            "updated": lambda n: schema.moment(n, "updated", zone),
            "expires": lambda n: schema.moment(n, "expires", zone),
            "id": self._id,
            "source": lambda n: schema.http_url(n, "source"),
            "image": lambda n: schema.http_url(n, "image", allow_site_path=True),
            "lang": self._lang,
            "pinned": lambda n: schema.boolean(n, "pinned"),
        }

    @property
    def field_names(self) -> frozenset[str]:
        """The names front matter may use."""
        return frozenset(self._fields)

    def read(self, split_file: SplitFile, path: str) -> tuple[FrontMatter | None, dict[str, int], list[Diagnostic]]:
        """The front matter (None when it has errors), the line of each field, and every
        problem found in it (warnings too)."""
        yaml_text, problems = _without_line_separators(split_file.yaml_text, path)
        read = read_fields(yaml_text, path, 2, self._fields)
        problems += read.problems
        stray, misplaced = stray_front_matter(split_file.body, split_file.body_line, self._fields, path)
        problems += [stray] if stray else []
        if read.fields is None:
            if read.complete and not read.problems:
                problems.append(Diagnostic(path, 2, "the front matter must be fields like 'title: ...', one per line",
                                           "see the moderator's guide in README.md for the fields"))
            return None, {}, problems
        values: dict[str, object] = {}
        lines: dict[str, int] = {}
        for key, node in read.fields.items:
            name = key.text if key.text in self._fields else self._meant(key, path, lines, problems)
            if name is None:
                continue
            lines[name] = key.line
            try:
                value = self._fields[name](node)
            except FieldProblem as problem:
                problems.append(Diagnostic(path, problem.line, problem.message, problem.hint))
                continue
            if value is not None:
                values[name] = _without_escaped_controls(value, key, path, problems)
        problems += garbled_fields(values, lines, path)
        written = read.unread | misplaced  # fields there, but unreadable or below the front matter
        for name in self.required:
            if name not in values and name not in written and not any(d.message.startswith(f"{name}:") for d in problems):
                where = lines.get(name, 2)
                what = "is empty" if name in lines else "is missing"
                problems.append(Diagnostic(path, where, f"{name}: {what}", _REQUIRED_HINTS[name]))
        if "slug" not in values and "slug" not in lines:
            stem = PurePosixPath(path).stem
            if is_valid_slug(stem):
                values["slug"] = stem
            else:
                problems.append(Diagnostic(path, 1, f"the file name '{stem}' cannot be used in a URL",
                                           "rename the file with lowercase letters, digits and hyphens "
                                           "(e.g. my-article.md), or add a slug: field"))
        problems.extend(self._order_problems(values, lines, path))
        if any(p.severity == "error" for p in problems):
            return None, lines, problems
        return self._value(values), lines, problems

    @staticmethod
    def _value(values: dict):
        values["authors"] = values.pop("author")
        return FrontMatter(**values)

    def _meant(self, key: Scalar, path: str, lines: dict[str, int], problems: list[Diagnostic]) -> str | None:
        """The field an unknown name stands for where it is one written in capitals or with
        invisible characters in it (an error, said here or by a slip), else None (an
        unknown field, said here)."""
        name = without_hidden(key.text).lower()
        if name not in self._fields:
            problem = schema.unknown_key_problem(key, self._fields, self.where)
            problems.append(Diagnostic(path, problem.line, problem.message, problem.hint))
            return None
        if name in lines:
            problems.append(Diagnostic(path, key.line, *given_twice(name, lines[name], key.line)))
            return None
        if without_hidden(key.text) == key.text:  # else a slip named the hidden character
            problems.append(Diagnostic(path, key.line, f"'{key.text}' has capital letters: field names are written "
                                       "in small letters", f"type {name}: instead of {key.text}:"))
        return name

    @staticmethod
    def _order_problems(values: dict, lines: dict, path: str) -> list[Diagnostic]:
        problems = []
        date = values.get("date")
        if date is not None:
            for name, word in (("updated", "updated"), ("expires", "expires")):
                later = values.get(name)
                if later is not None and later < date:
                    problems.append(Diagnostic(path, lines[name], f"{word}: {later.isoformat()} is before date "
                                               f"{date.isoformat()}", f"{word} must be later than the date the article was published"))
        slug = values.get("slug")
        own = next((a for a in values.get("aliases", ()) if slug and alias_path(a) == article_path(slug)), None)
        if own:
            what = "slug" if own == slug else "address"
            problems.append(Diagnostic(path, lines["aliases"], f"aliases: '{own}' is the article's own {what}",
                                       "aliases lists only old slugs and addresses; remove this one"))
        return problems

    @staticmethod
    def _title(node: Node) -> str | None:
        value = schema.one_line(node, "title")
        if value is not None and len(value) > MAX_TITLE:
            raise FieldProblem(node.line, f"title: is {len(value)} characters long, over the limit of {MAX_TITLE}",
                               "shorten it to a headline; the rest can go in summary: or the article")
        return value

    def _category(self, node: Node) -> str:
        value = schema.one_line(node, "category")
        if value is None:
            return None
        if value not in self._categories:
            choices = ", ".join(c.key for c in self._config.categories)
            raise FieldProblem(node.line, f"category: '{value}' is not a category of this site{did_you_mean(value, self._categories)}",
                               f"use one of: {choices} (categories are declared in site.yaml)")
        return value

    def _audience(self, node: Node) -> tuple[str, ...]:
        values = schema.text_list(node, "audience", "jobseekers, students")
        for value in values:
            if value not in self._audiences:
                choices = ", ".join(a.key for a in self._config.audiences) or "(none declared)"
                raise FieldProblem(node.line, f"audience: '{value}' is not an audience of this site{did_you_mean(value, self._audiences)}",
                                   f"use any of: {choices} (audiences are declared in site.yaml)")
        return values

    def _tags(self, node: Node) -> tuple[str, ...]:
        values = schema.text_list(node, "tags", "interview, resume")
        for index, value in enumerate(values):
            if not term_key(value):
                raise FieldProblem(node.line, f"tags: '{value}' has no letters or digits",
                                   "give the tag a name made of words, e.g. c-sharp instead of C#")
            _fits_a_folder(term_key(value), value, "tags", _entry_line(node, index))
        return values

    def _authors(self, node: Node) -> tuple[str, ...] | None:
        """One name, or a list of names: ``author: [nasrin_akter, rafiq_islam]``."""
        if not isinstance(node, (Scalar, Sequence)):
            raise FieldProblem(node.line, "author: must be a name or a list of names, not a set of fields",
                               "write author: nasrin_akter, or author: [nasrin_akter, rafiq_islam]; an author's "
                               "display name, bio and link go in site.yaml's authors:")
        if isinstance(node, Scalar):
            value = schema.one_line(node, "author")
            names, lines = ((value,), [node.line]) if value is not None else ((), [])
        else:
            names = schema.text_list(node, "author", "nasrin_akter, rafiq_islam")
            lines = [_entry_line(node, index) for index in range(len(names))]
        for name, line in zip(names, lines):
            if not term_key(name):
                raise FieldProblem(line, f"author: '{name}' has no letters or digits",
                                   "write the author's name or username (or their key in site.yaml's authors:)")
            _fits_a_folder(term_key(name), name, "author", line)
        if len({term_key(name) for name in names}) < len(names):
            raise FieldProblem(node.line, "author: names the same author twice", "list each author once")
        return names or None

    def _slug(self, node: Node) -> str:
        value = schema.one_line(node, "slug")
        if value is None or not is_valid_slug(value):
            raise FieldProblem(node.line, f"slug: '{value or ''}' is not a plain URL name",
                               "use lowercase letters a-z, digits and single hyphens, e.g. slug: writing-a-cv")
        _fits_a_folder(value, value, "slug", node.line)
        return value

    def _aliases(self, node: Node) -> tuple[str, ...]:
        values = schema.text_list(node, "aliases", "old-slug")
        for index, value in enumerate(values):
            if problem := alias_problem(value):
                raise FieldProblem(_entry_line(node, index), *problem)
            for segment in alias_path(value).split("/"):  # each folder of the old address is one on disk
                _fits_a_folder(segment, value, "aliases", _entry_line(node, index))
        return values

    def _id(self, node: Node) -> str | None:
        value = schema.one_line(node, "id")
        if value is not None and not _URI_RE.fullmatch(value):
            raise FieldProblem(node.line, f"id: '{value}' is not a URI",
                               "the id pins the article's feed id; use the id it had before, e.g. "
                               "id: https://old.example.org/2014/04/post.html or id: tag:example.org,2014:post")
        return value

    def _lang(self, node: Node) -> str | None:
        value = schema.one_line(node, "lang")
        if value is not None and not schema.LANGUAGE_TAG.fullmatch(value):
            raise FieldProblem(node.line, f"lang: '{value}' is not a language tag",
                               "use a BCP 47 tag such as en, ar, hi, bn or zh-Hans")
        return value


def _fits_a_folder(name: str, value: str, field: str, line: int) -> None:
    """Refuse ``value`` when ``name``, the web address name made of it, would not fit a
    folder's name (MAX_NAME_BYTES): the build would fail writing it, naming no article."""
    size = len(name.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise FieldProblem(line, f"{field}: '{shown}' is too long for a web address: it takes {size} bytes, "
                                 f"at most {MAX_NAME_BYTES} bytes fit",
                           f"shorten it: about {MAX_NAME_BYTES} letters of Latin script fit, or {MAX_NAME_BYTES // 3} "
                           "of Bengali, Hindi, Arabic or Chinese (their letters take two or three bytes each)")


def _entry_line(node: Node, index: int) -> int:
    """The line of a list's entry (a list written in brackets has all of them on its own)."""
    items = getattr(node, "items", ())
    return items[index].line if index < len(items) else node.line


_REQUIRED_HINTS = {
    "title": "add the headline, e.g. title: Preparing for your first interview",
    "date": "add the publication date, e.g. date: 2024-03-05 10:30",
    "author": "add the author's name or username, e.g. author: moderator (several: author: [nasrin_akter, rafiq_islam])",
    "category": "add one of the site's categories, e.g. category: jobs",
}
