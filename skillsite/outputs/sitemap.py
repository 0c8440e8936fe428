"""The pages -> sitemap.xml, and robots.txt pointing to it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape

from ..config import SiteConfig
from ..urls import served_path

_PLAIN = re.compile(r"[A-Za-z0-9._~/-]*")
"""Site paths that percent-encoding and XML escaping leave as they are."""
NOT_LISTED = frozenset({"404.html", "redirect.html", "feed.xsl"})
"""Templates whose pages are not pages of their own for search engines."""


def sitemap(config: SiteConfig, pages: Iterable[tuple[str, str]], modified: Mapping[str, datetime]) -> bytes:
    """sitemap.xml listing every published HTML page (``pages``: (template, output path)),
    sorted, with each article's last modification (``modified``, by site path)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    plain_base = escape(config.base_url, quote=False) == config.base_url
    for path in sorted(served_path(path) for template, path in pages if template not in NOT_LISTED):
        moment = modified.get(path)
        lastmod = f"<lastmod>{moment.astimezone(config.zone).isoformat()}</lastmod>" if moment else ""
        # most paths need no encoding nor escaping: the check costs less than doing it
        plain = plain_base and _PLAIN.fullmatch(path)
        url = config.base_url + path if plain else escape(config.absolute_url(path), quote=False)
        lines.append(f"  <url><loc>{url}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots(config: SiteConfig) -> bytes:
    """robots.txt: everything may be crawled; where the sitemap is."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n".encode("utf-8")
