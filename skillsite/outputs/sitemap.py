"""The pages -> sitemap.xml, and robots.txt pointing to it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from html import escape

from ..cache import FINGERPRINT
from ..digests import digest
from ..model import KeptFile, OutputFile
from .pages import PageSpec
from ..site import Site
from ..urls import served_path

_PLAIN = re.compile(r"[A-Za-z0-9._~/-]*")
"""Site paths that percent-encoding and XML escaping leave as they are."""
NOT_LISTED = frozenset({"404.html", "redirect.html"})
"""Templates whose pages are not pages of their own for search engines."""


def render_sitemap(site: Site, pages: Iterable[PageSpec], made: dict | None = None,
                   kept: Callable[[str, str], bool] | None = None) -> Iterator[OutputFile | KeptFile]:
    """sitemap.xml listing every published HTML page (sorted), and robots.txt. ``made``
    remembers the last sitemap between two builds in one process (``serve``); where
    ``kept(path, a digest of what it lists)`` is true, the output holds it already."""
    config = site.config
    listed = tuple(p.path for p in pages if p.template not in NOT_LISTED)
    made_of = (config, listed, tuple(a.last_modified for a in site.articles))
    key = digest(FINGERPRINT, repr(made_of)) if kept is not None else ""
    if kept is not None and kept("sitemap.xml", key):
        sitemap = KeptFile("sitemap.xml", key, "sitemap")
    elif made is not None and made.get("sitemap", (None,))[0] == made_of:
        sitemap = made["sitemap"][1]
    else:
        modified = {a.path: a.last_modified.astimezone(config.zone).isoformat() for a in site.articles}
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        plain_base = escape(config.base_url, quote=False) == config.base_url
        for path in sorted(map(served_path, listed)):
            lastmod = f"<lastmod>{modified[path]}</lastmod>" if path in modified else ""
            # most paths need no encoding nor escaping: the check costs less than doing it
            plain = plain_base and _PLAIN.fullmatch(path)
            url = config.base_url + path if plain else escape(config.absolute_url(path), quote=False)
            lines.append(f"  <url><loc>{url}</loc>{lastmod}</url>")
        lines.append("</urlset>\n")
        sitemap = OutputFile("sitemap.xml", "\n".join(lines).encode("utf-8"), "sitemap", key)
        if made is not None:
            made["sitemap"] = (made_of, sitemap)
    yield sitemap
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n"
    yield OutputFile("robots.txt", robots.encode("utf-8"), "robots.txt")

