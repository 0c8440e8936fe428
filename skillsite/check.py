"""``skillsite check``: everything a build validates, without writing, and more.

Every article is checked, drafts and scheduled ones included, as if it were published.
On top of the build's own checks: links and images on this site that lead nowhere (errors:
readers would meet them), and text that is likely mojibake or hides invisible or
bidirectional control characters (warnings: the text may be meant). The feed contract is
checked as the build checks it, against the output folder or the site as published.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import ftfy.badness

from .build import BuildOptions, render_site
from .loader import article_paths
from .model import Diagnostic, SourceDocument
from .published import published_contract
from .site import Publication, select_published

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
    publication: Publication
    """What a build now would publish and hold back."""

    @property
    def errors(self) -> int:
        """How many of the problems are errors."""
        return sum(d.severity == "error" for d in self.diagnostics)


def check_site(site_dir: Path, now: datetime, against: str | None = None) -> CheckResult:
    """Check the site in ``site_dir`` (``against``: the site as published, see published.py).
    Raises BuildFailed for configuration and template errors."""
    rendering = render_site(site_dir, BuildOptions(drafts=True, future=True, expired=True, now=now))
    problems = [*rendering.diagnostics, *suspicious_text(rendering.documents),
                *(replace(problem, severity="error") for problem in rendering.dead_links),
                *published_contract(rendering, against)]
    publication = select_published(rendering.documents, now)
    return CheckResult(tuple(problems), len(article_paths(rendering.config.content_dir)), publication)


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
    where = f"file={escape(diagnostic.path, True)}"
    if diagnostic.line:
        where += f",line={diagnostic.line}"
    message = diagnostic.message + (f" (hint: {diagnostic.hint})" if diagnostic.hint else "")
    return f"::{diagnostic.severity} {where}::{escape(message)}"

