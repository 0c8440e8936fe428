"""Site -> ``_redirects``: every old address an alias keeps, in the redirect map that Netlify,
Cloudflare Pages and GitLab Pages read (``/old/path /articles/new/ 301``).

The redirect pages (``redirect.html`` at each old path) already answer on any host; the map
lets a host that reads it answer with a real 301 instead. A site's own ``static/_redirects``
keeps its rules, first (hosts apply the topmost rule for a path), and the aliases follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from ..model import OutputFile
from ..site import Site

REDIRECT_MAP = "_redirects"
_KEEP_IN_PATHS = "/!$&'()*+,;=:@~"


def with_redirect_map(site: Site, statics: Iterable[OutputFile]) -> list[OutputFile]:
    """``statics`` with the redirect map: added, or appended to the site's own; unchanged
    when no article has an alias."""
    statics = list(statics)
    if not site.redirects:
        return statics
    base = site.config.base_path
    lines = [f"{base}{quote(old, safe=_KEEP_IN_PATHS)} {base}{quote(site.by_slug[slug].path, safe=_KEEP_IN_PATHS)} 301"
             for old, slug in site.redirects]
    own = next((file for file in statics if file.path == REDIRECT_MAP), None)
    if own is None:
        return [*statics, OutputFile(REDIRECT_MAP, _text(lines), "the redirect map of aliases")]
    kept = own.content.decode("utf-8", "replace").rstrip("\n").split("\n")
    merged = OutputFile(REDIRECT_MAP, _text([*kept, "# old addresses of articles (aliases)", *lines]),
                        f"{own.origin} and the redirect map of aliases")
    return [merged if file is own else file for file in statics]


def _text(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")
