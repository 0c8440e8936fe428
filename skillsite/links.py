"""Links and images in articles that lead nowhere on this site: one check for ``build``
(warnings) and ``check`` (errors), so the two can never disagree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from .config import SiteConfig
from .model import Article, Diagnostic, RenderedMarkdown
from .suggest import did_you_mean_path, files_by_name
from .urls import article_path, output_name

_HINT = ("fix the address; files such as images go in the site's static/ folder and are linked as "
         "/images/name.png, or beside the article and linked by their name")


def dead_links(config: SiteConfig, articles: Iterable[Article], rendered: Mapping[str, RenderedMarkdown],
               paths: frozenset[str], unreadable: Iterable[str] = (), severity: str = "warning") -> list[Diagnostic]:
    """A problem for every link or image of a published article that leads to no file the
    site publishes (``paths``: every output path). ``unreadable``: files with errors of
    their own, left out of the site: links to their articles are not reported."""
    missing_articles = {article_path(PurePosixPath(path).stem) for path in unreadable}
    base = urlsplit(config.base_url)
    problems = []
    by_name: dict[str, list[str]] | None = None  # output paths by file name, made at the first dead link
    for article in articles:
        page_url = config.absolute_url(article.path)
        for url, line in rendered[article.source_path].links:
            target = urlsplit(urljoin(page_url, url))
            if target.netloc != base.netloc or not target.path.startswith(base.path):
                continue
            site_path = unquote(target.path[len(base.path):])
            if output_name(site_path) in paths or site_path in paths or site_path in missing_articles:
                continue
            what = "image" if _is_image(site_path) else "link"
            if by_name is None:
                by_name = files_by_name(paths)
            problems.append(Diagnostic(article.source_path, line, f"the {what} '{url}' leads to no page or file of "
                                       f"this site{did_you_mean_path(by_name, site_path)}", _HINT, severity))
    return problems


def _is_image(site_path: str) -> bool:
    return site_path.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif"))
