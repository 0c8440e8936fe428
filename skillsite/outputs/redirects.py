"""Site -> ``_redirects``: every old address an alias keeps, in the redirect map that Netlify,
Cloudflare Pages and GitLab Pages read (``/old/path /articles/new/ 301``).

The redirect pages (``redirect.html`` at each old path) already answer on any host; the map
lets a host that reads it answer with a real 301 instead. A site's own ``static/_redirects``
keeps its rules, first (hosts apply the topmost rule for a path), and the aliases follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote


REDIRECT_MAP = "_redirects"
_KEEP_IN_PATHS = "/!$&'()*+,;=:@~"


def redirect_map(base_path: str, redirects: Iterable[tuple[str, str]], own: bytes | None = None) -> bytes | None:
    """The map's bytes: ``own`` rules (a site's ``static/_redirects``) first, then a line per
    (old site path, new site path); None when there is nothing to redirect and no rules."""
    lines = [f"{base_path}{quote(old, safe=_KEEP_IN_PATHS)} {base_path}{quote(new, safe=_KEEP_IN_PATHS)} 301"
             for old, new in redirects]
    if not lines:
        return own  # the site's own rules, byte for byte
    if own is not None:
        lines = [*own.decode("utf-8", "replace").rstrip("\n").split("\n"), "# old addresses of articles (aliases)",
                 *lines]
    return ("\n".join(lines) + "\n").encode("utf-8")
