"""``updated`` dates from git: the last commit that modified an article's file.

Only modifications count: the commit that added a file (an import, say) is its
publication, not an update. An explicit ``updated`` in front matter always wins, and a git
date is used only when it is later than the article's ``date``. Without git, or outside a
repository, nothing changes.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from .config import SiteConfig
from .model import SourceDocument


def last_modified_by_commit(folder: Path) -> dict[Path, datetime]:
    """Absolute file path -> time (UTC) of the newest commit that modified it, for every file
    under ``folder`` that git tracks. Empty when ``folder`` is not in a git repository."""
    git = shutil.which("git")
    if git is None:
        return {}
    try:
        top = subprocess.run([git, "-C", str(folder), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=True).stdout.strip()
        log = subprocess.run([git, "-C", top, "log", "--diff-filter=M", "--no-renames", "--format=%x00%ct",
                              "--name-only", "-z", "--", str(folder.resolve())],
                             capture_output=True, check=True).stdout
    except (subprocess.CalledProcessError, OSError):
        return {}
    # "%x00%ct" makes each commit "\0<time>\0\n<file>\0<file>\0...": an empty field
    # announces a commit time, every other field is a file that commit modified.
    dates: dict[Path, datetime] = {}
    stamp: datetime | None = None
    expect_stamp = False
    for field in log.decode("utf-8", "surrogateescape").split("\0"):
        if not field:
            expect_stamp = True
        elif expect_stamp:
            stamp, expect_stamp = datetime.fromtimestamp(int(field), timezone.utc), False
        elif stamp is not None:
            path = Path(top, field.lstrip("\n"))
            dates[path] = max(dates.get(path, stamp), stamp)
    return dates


def with_git_dates(config: SiteConfig, documents: list[SourceDocument]) -> list[SourceDocument]:
    """Documents whose ``updated`` is filled in from git history where it is later than ``date``."""
    if not config.dates_from_git or not documents:
        return documents
    dates = last_modified_by_commit(config.content_dir)
    if not dates:
        return documents
    dated = []
    for document in documents:
        meta = document.meta
        committed = dates.get((config.content_dir / document.content_path).resolve())
        if meta.updated is None and committed is not None and committed > meta.date:
            document = replace(document, meta=replace(meta, updated=committed.astimezone(config.zone)))
        dated.append(document)
    return dated
