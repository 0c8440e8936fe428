"""Theme and site static files -> the files to publish.

The theme's ``static/`` is published under ``/static/``; the site's own ``static/`` folder
(images, favicon, CNAME...) at the root. A site's theme folder overrides the built-in one
file by file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from ..inputs import Listing

STYLESHEET = "static/style.css"
SEARCH_SCRIPT = "static/search.js"
"""The theme's script for the search page (Pagefind's UI); no other page loads a script."""
ICON = "static/favicon.svg"
"""The theme's icon for browser tabs and bookmarks."""
THEME_ASSETS = (STYLESHEET, SEARCH_SCRIPT, ICON)
"""Theme files that pages link to, by a URL carrying a content hash."""


def choose_static(themes: Sequence[tuple[str, Listing]], site: tuple[str, Listing]) -> dict[str, str]:
    """Output path -> the file to publish there (by name), sorted. ``themes``: (static
    folder, listing) of each theme, the first winning; ``site``: the site's own folder."""
    chosen: dict[str, str] = {}
    for folder, listing in reversed(themes):
        for relative in listing.files:
            chosen[f"static/{relative}"] = f"{folder}/{relative}"
    folder, listing = site
    for relative in listing.files:
        chosen[relative] = f"{folder}/{relative}"
    return {path: chosen[path] for path in sorted(chosen)}


def asset_url(base_path: str, path: str, content: bytes) -> str:
    """The URL of the static file at ``path``, with a content hash so browsers may cache it forever."""
    return f"{base_path}{path}?v={hashlib.sha256(content).hexdigest()[:10]}"


def listing_problems(listings: Iterable[Listing]):
    """Every problem found walking the static folders."""
    return [problem for listing in listings for problem in listing.problems]
