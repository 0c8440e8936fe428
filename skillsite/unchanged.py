"""Has anything changed since the last build? The fast path of a rebuild.

A build's inputs are the content files, site.yaml, the theme and static files, the command
line's options, skillsite's own version and, where dates come from git, the commit checked
out. When their digest is the one the last build recorded, no scheduled article has come due
and no article has expired since, and every file of the output is still the file that build
wrote, the output is already what a build would write: nothing needs doing.

File digests are remembered with the file's size, modification time and inode, as git
does, so an unchanged file is not read again.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from .cache import FINGERPRINT, BuildCache
from .config import CONFIG_NAME, SiteConfig
from .digests import digest
from .incremental import unchanged_on_disk
from .loader import article_paths, is_debris
from .model import SourceDocument
from .site import next_moment


def _digests(files: Iterable[str], cache: BuildCache, found: dict[str, str] | None = None) -> list[str]:
    """'path=digest' for each file (path strings: this runs for every article, every build);
    each file's digest goes into ``found``."""
    parts = []
    for file in files:
        known, _ = cache.digest_of(file, lambda status, file=file: Path(file).read_bytes())
        if found is not None:
            found[file] = known
        parts.append(f"{file}={known}")
    return parts


def _theme_files(folders: Iterable[Path]) -> list[str]:
    found = []
    for folder in folders:
        for root, dirs, names in os.walk(folder, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not is_debris(d))
            found += [os.path.join(root, name) for name in sorted(names) if not is_debris(name)]
    return found


def _git_head(folder: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a build reads, as found before it starts."""

    fingerprint: str
    """A digest of it all: the same fingerprint, the same output."""
    articles: Mapping[str, str]
    """The article files found, in order, with the digests of their bytes (the build
    takes them rather than looking at each file again)."""


def inputs_fingerprint(config: SiteConfig, options: tuple, themes: Iterable[Path], cache: BuildCache) -> Inputs:
    """Everything a build reads and its digest (``options``: what the command line changed)."""
    site = config.site_dir
    parts = [FINGERPRINT, repr(options), str(config.output_dir), config.base_url]
    parts += _digests([str(site / CONFIG_NAME)], cache)
    articles: dict[str, str] = {}
    parts += _digests(article_paths(config.content_dir), cache, articles)
    folders = [*themes, site / "static"]
    parts += [str(folder) for folder in folders]
    parts += _digests(_theme_files(f for f in folders if f.is_dir()), cache)
    if config.dates_from_git:
        parts.append(_git_head(config.content_dir))
    return Inputs(digest(*parts), MappingProxyType(articles))


def next_change(documents: Iterable[SourceDocument], now: datetime) -> str | None:
    """The next moment a build would publish or unpublish something (ISO 8601), if any."""
    moment = next_moment(documents, now)
    return None if moment is None else moment.isoformat()


def output_intact(output_dir: Path, manifest: Mapping[str, dict]) -> bool:
    """True when every file the last build wrote is still there, untouched."""
    base = os.path.join(output_dir, "")
    return bool(manifest) and all(unchanged_on_disk(base + path, entry) for path, entry in manifest.items())
