"""Images and files an imported article references, found in the original site's tree and
copied beside the article, where the build publishes them with its page.

A relative reference is looked for beside the source file; a root-relative one
(``/assets/images/a.png``, Docusaurus's ``/img/a.png``) in the folders given with
``--assets``, the original site's root and its ``static/`` folder, and the folders above
the file. Only regular files of the kinds a page can show or offer (images, PDF) are taken,
never through a symlink, never from outside those folders.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from ..urls import ascii_slug
from .source import Source

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif"})
FILE_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}
MAX_ASSET_BYTES = 20 * 1024 * 1024
_LEVELS_UP = 3
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+")


def search_roots(source: Source, given: tuple[Path, ...]) -> list[Path]:
    """Where a root-relative reference of ``source`` may be found, in order."""
    roots = [*given, *((source.site_root, source.site_root / "static") if source.site_root else ()),
             source.path.parent, *list(source.path.parent.parents)[:_LEVELS_UP]]
    return list(dict.fromkeys(roots))


def find_asset(reference: str, source: Source, given: tuple[Path, ...]) -> Path | None:
    """The file a reference names (its path part, as written), if it is one to bring along."""
    path = unquote(reference.replace("\\_", "_"))
    if not path or Path(path).suffix.lower() not in FILE_SUFFIXES:
        return None
    if path.startswith("/"):
        candidates = [(root, root / path.lstrip("/")) for root in search_roots(source, given)]
        candidates += [(root, root / "static" / path.lstrip("/")) for root in given]
    else:
        allowed = source.site_root or list(source.path.parent.parents)[min(_LEVELS_UP, len(source.path.parents)) - 1]
        candidates = [(allowed, source.path.parent / path)]
    for root, candidate in candidates:
        if _usable(candidate, root):
            return Path(os.path.abspath(candidate))
    return None


def _usable(candidate: Path, root: Path) -> bool:
    """A regular file inside ``root``, reached through no symlink below ``root``, small enough."""
    inside = os.path.relpath(os.path.abspath(candidate), os.path.abspath(root))
    if inside == os.curdir or inside.split(os.sep)[0] == os.pardir:
        return False
    folder = os.path.abspath(root)
    try:
        for part in inside.split(os.sep):
            folder = os.path.join(folder, part)
            if os.path.islink(folder):
                return False
        status = os.lstat(folder)
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size <= MAX_ASSET_BYTES


@dataclass
class AssetNames:
    """The names an article's files take beside it: plain URL names, one per file."""

    names: dict[Path, str] = field(default_factory=dict)

    def name_for(self, found: Path) -> str:
        """The name ``found`` is copied under (the same file, the same name)."""
        if found in self.names:
            return self.names[found]
        plain = _PLAIN_NAME.fullmatch(found.name)
        stem = found.stem if plain else ascii_slug(found.stem) or "file"
        suffix = found.suffix if plain else found.suffix.lower()
        taken = set(self.names.values()) | {"index.md"}
        name, number = f"{stem}{suffix}", 2
        while name in taken:
            name, number = f"{stem}-{number}{suffix}", number + 1
        self.names[found] = name
        return name
