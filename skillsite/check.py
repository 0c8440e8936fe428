"""``skillsite check``: everything a build validates, without writing, and more.

Every article is checked, drafts and scheduled ones included, as if it were published.
On top of the build's own checks (warnings among them, such as text that looks garbled:
see garbled.py), links and images on this site that lead nowhere are errors: readers
would meet them. The feed contract is checked as the build checks it, against the output
folder or the site as published.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .authors import Undeclared, by_key, undeclared
from .build import BuildOptions, begin, open_database, read_site
from .model import Diagnostic
from .printable import printable
from .published import published_contract
from .queries.content import ARTICLE_FILES, PLACEMENT
from .queries.contract import ContractSite
from .queries.site import EPOCH, SCHEDULE, TAXONOMIES
from .site import HeldBack, held_back, select_published


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What ``check`` found."""

    diagnostics: tuple[Diagnostic, ...]
    """Every problem, errors and warnings."""
    articles: int
    """Article files checked (those with errors too)."""
    held_back: tuple[HeldBack, ...]
    """What a build now would hold back."""
    undeclared_authors: tuple[Undeclared, ...] = ()
    """Author names articles write that site.yaml's ``authors:`` does not declare (valid:
    shown as written; listed so a moderator can give them a name and a bio)."""

    @property
    def errors(self) -> int:
        """How many of the problems are errors."""
        return sum(d.severity == "error" for d in self.diagnostics)


def check_site(site_dir: Path, now: datetime, against: str | None = None) -> CheckResult:
    """Check the site in ``site_dir`` (``against``: the site as published, see published.py).
    Raises BuildFailed for configuration and template errors."""
    options = BuildOptions(drafts=True, future=True, expired=True, now=now)
    db = open_database(site_dir, options)
    try:
        begin(db, options, now)
        config, problems = read_site(db, pages=False)
        names = db.get(ARTICLE_FILES).articles
        found = (*problems.found, *(replace(problem, severity="error") for problem in problems.dead_links),
                 *published_contract(config, db.get(TAXONOMIES), ContractSite(db), against))
        # what a build now would hold back (check itself publishes everything, to check it)
        placements = [p for p in (db.get(PLACEMENT, name) for name in names) if p is not None]
        passed = set(db.get(SCHEDULE)[:db.get(EPOCH)])
        return CheckResult(tuple(found), len(names), held_back(select_published(placements, passed.__contains__)),
                           undeclared(by_key(config.authors), placements))
    finally:
        try:
            db.end()
        finally:
            db.store.close()


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

