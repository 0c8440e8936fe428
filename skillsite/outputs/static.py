"""Theme and site static files -> OutputFiles.

The theme's ``static/`` is published under ``/static/``; the site's own ``static/`` folder
(images, favicon, CNAME...) at the root. A site's theme folder overrides the built-in one
file by file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from ..loader import is_debris
from ..model import OutputFile

STYLESHEET = "static/style.css"
SEARCH_SCRIPT = "static/search.js"
"""The theme's script for the search page (Pagefind's UI); no other page loads a script."""
ICON = "static/favicon.svg"
"""The theme's icon for browser tabs and bookmarks."""
THEME_ASSETS = (STYLESHEET, SEARCH_SCRIPT, ICON)
"""Theme files that pages link to, by a URL carrying a content hash."""


def _files_under(folder: Path) -> Iterable[tuple[str, Path]]:
    """(relative posix path, file) for every regular file, sorted; no symlinks, no debris."""
    if not folder.is_dir() or folder.is_symlink():  # a symlinked folder could publish anything
        return []
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not is_debris(d) and not os.path.islink(os.path.join(root, d))]
        for name in files:
            path = Path(root, name)
            if not is_debris(name) and not path.is_symlink():
                found.append((path.relative_to(folder).as_posix(), path))
    return sorted(found)


def static_files(theme_dirs: list[Path], site_dir: Path) -> list[OutputFile]:
    """The static files to publish; earlier theme folders win over later ones."""
    chosen: dict[str, Path] = {}
    for theme in reversed(theme_dirs):
        for relative, path in _files_under(theme / "static"):
            chosen[f"static/{relative}"] = path
    for relative, path in _files_under(site_dir / "static"):
        chosen[relative] = path
    return [OutputFile(name, chosen[name].read_bytes(), f"static file {chosen[name]}") for name in sorted(chosen)]


def stylesheet_url(files: Iterable[OutputFile], base_path: str) -> str:
    """The theme stylesheet's URL, with a content hash so browsers may cache it forever."""
    return asset_url(files, STYLESHEET, base_path)


def asset_urls(files: Iterable[OutputFile], base_path: str) -> dict[str, str]:
    """The URLs of the theme's assets (THEME_ASSETS) that exist, by path."""
    files = list(files)
    return {path: url for path in THEME_ASSETS if (url := asset_url(files, path, base_path))}


def asset_url(files: Iterable[OutputFile], path: str, base_path: str) -> str:
    """The URL of the static file at ``path`` with a content hash; '' when there is none."""
    for file in files:
        if file.path == path:
            return f"{base_path}{path}?v={hashlib.sha256(file.content).hexdigest()[:10]}"
    return ""
