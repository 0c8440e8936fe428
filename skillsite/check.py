"""``skillsite check``: everything a build validates, without writing, and more.

Every article is checked, drafts and scheduled ones included, as if it were published.
On top of the build's own checks (warnings among them, such as text that looks garbled:
see garbled.py), links and images on this site that lead nowhere are errors: readers
would meet them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .build import BuildOptions, render_site
from .loader import article_paths
from .model import Diagnostic
from .site import Publication, select_published


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


def check_site(site_dir: Path, now: datetime) -> CheckResult:
    """Check the site in ``site_dir``. Raises BuildFailed for configuration and template errors."""
    rendering = render_site(site_dir, BuildOptions(drafts=True, future=True, expired=True, now=now))
    problems = [*rendering.diagnostics, *(replace(problem, severity="error") for problem in rendering.dead_links)]
    publication = select_published(rendering.documents, now)
    return CheckResult(tuple(problems), len(article_paths(rendering.config.content_dir)), publication)


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

