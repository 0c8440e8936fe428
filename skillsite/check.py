"""``skillsite check``: everything a build validates, without writing, and more.

Every article is checked, drafts and scheduled ones included, as if it were published.
On top of the build's own checks: links and images on this site that lead nowhere (errors:
readers would meet them), and text that is likely mojibake or hides invisible or
bidirectional control characters (warnings: the text may be meant).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import ftfy.badness

from .build import BuildOptions, begin, open_database, read_site
from .model import Diagnostic, SourceDocument
from .printable import printable
from .queries.content import ARTICLE_FILES, DOCUMENT, PLACEMENT
from .queries.site import EPOCH, SCHEDULE
from .site import HeldBack, held_back, select_published

# Invisible characters that change how text reads or hide text: bidi embeddings,
# overrides and isolates (the "Trojan Source" characters), zero-width space, word joiner,
# the BOM. Zero-width (non-)joiners are left alone: Persian, Hindi and emoji need them.
_SUSPICIOUS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x2060, 0xFEFF, 0x00AD)}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What ``check`` found."""

    diagnostics: tuple[Diagnostic, ...]
    """Every problem, errors and warnings."""
    articles: int
    """Article files checked (those with errors too)."""
    held_back: tuple[HeldBack, ...]
    """What a build now would hold back."""

    @property
    def errors(self) -> int:
        """How many of the problems are errors."""
        return sum(d.severity == "error" for d in self.diagnostics)


def check_site(site_dir: Path, now: datetime) -> CheckResult:
    """Check the site in ``site_dir``. Raises BuildFailed for configuration and template errors."""
    options = BuildOptions(drafts=True, future=True, expired=True, now=now)
    db = open_database(site_dir, options)
    try:
        begin(db, options, now)
        _, problems = read_site(db, pages=False)
        names = db.get(ARTICLE_FILES).articles
        documents = [read.document for read in (db.get(DOCUMENT, name) for name in names) if read.document]
        found = (*problems.found, *suspicious_text(documents),
                 *(replace(problem, severity="error") for problem in problems.dead_links))
        # what a build now would hold back (check itself publishes everything, to check it)
        placements = [p for p in (db.get(PLACEMENT, name) for name in names) if p is not None]
        passed = set(db.get(SCHEDULE)[:db.get(EPOCH)])
        return CheckResult(tuple(found), len(names), held_back(select_published(placements, passed.__contains__)))
    finally:
        db.end()


def suspicious_text(documents: tuple[SourceDocument, ...]) -> list[Diagnostic]:
    """Warnings for likely mojibake (â€™, Ã©, U+FFFD) and invisible or bidi control
    characters in titles, tags and authors. The text is never changed."""
    warnings = []
    for document in documents:
        meta = document.meta
        for field, values in (("title", [meta.title]), ("author", [meta.author]), ("tags", meta.tags)):
            for value in values:
                problem = _text_problem(value)
                if problem:
                    warnings.append(Diagnostic(document.path, document.field_lines.get(field, 1),
                                               f"{field}: '{value}' {problem[0]}", problem[1], "warning"))
    return warnings


def _text_problem(text: str) -> tuple[str, str] | None:
    hidden = sorted({c for c in text if c in _SUSPICIOUS})
    if hidden:
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control')}" for c in hidden)
        return (f"contains invisible characters ({names})",
                "retype the text; these characters can hide or reorder what readers see")
    if "\ufffd" in text or ftfy.badness.is_bad(text):
        return ("looks garbled, as if its encoding was mixed up (mojibake)",
                f"perhaps it should read '{ftfy.fix_text(text)}'; retype it or paste it again as UTF-8")
    return None


def as_github_annotation(diagnostic: Diagnostic) -> str:
    """A diagnostic as a GitHub Actions workflow command, shown on the pull request's lines."""
    def escape(text: str, property_value: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if property_value else text
    where = f"file={escape(printable(diagnostic.path), True)}"
    if diagnostic.line:
        where += f",line={diagnostic.line}"
    message = printable(diagnostic.message + (f" (hint: {diagnostic.hint})" if diagnostic.hint else ""))
    return f"::{diagnostic.severity} {where}::{escape(message)}"

