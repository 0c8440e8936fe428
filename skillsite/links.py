"""Links and images in articles that lead nowhere on this site: one check for ``build``
(warnings) and ``check`` (errors), so the two can never disagree."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from urllib.parse import unquote, urljoin, urlsplit

from .config import SiteConfig
from .model import Diagnostic
from .suggest import did_you_mean_path, files_by_name
from .urls import output_name

_HINT = ("fix the address; files such as images go in the site's static/ folder and are linked as "
         "/images/name.png, or beside the article and linked by their name")


def site_path_of(config: SiteConfig, page: str, url: str) -> str | None:
    """The site path a link on the page at site path ``page`` leads to, or None when it
    leads off the site."""
    base = urlsplit(config.base_url)
    target = urlsplit(urljoin(config.absolute_url(page), url))
    if target.netloc != base.netloc or not target.path.startswith(base.path):
        return None
    return unquote(target.path[len(base.path):])


def exists_in(paths: frozenset[str], site_path: str) -> bool:
    """True when the output holds a file at ``site_path`` (a page at its folder)."""
    return output_name(site_path) in paths or site_path in paths


def dead_links(config: SiteConfig, source_path: str, page: str, links: Iterable[tuple[str, int]],
               exists: Callable[[str], bool], paths: Callable[[], frozenset[str]]) -> list[Diagnostic]:
    """A warning for every link or image of the article in ``source_path`` (its page at
    site path ``page``) that leads to no file the site publishes (``paths()``: every one,
    asked only to suggest the file meant)."""
    problems = []
    by_name: dict[str, list[str]] | None = None  # output paths by file name, made at the first dead link
    for url, line in links:
        site_path = site_path_of(config, page, url)
        if site_path is None or exists(site_path):
            continue
        what = "image" if _is_image(site_path) else "link"
        if by_name is None:
            by_name = files_by_name(paths())
        problems.append(Diagnostic(source_path, line, f"the {what} '{url}' leads to no page or file of "
                                   f"this site{did_you_mean_path(by_name, site_path)}",
                                   _beside_hint(source_path, url) if _relative_image(url) else _HINT, "warning"))
    return problems


def _relative_image(url: str) -> bool:
    return not url.startswith(("/", "#")) and "://" not in url and _is_image(url.partition("#")[0].partition("?")[0])


def _beside_hint(source_path: str, url: str) -> str:
    """Where an image named relative to its article was looked for."""
    folder = posixpath.dirname(source_path)
    relative = posixpath.normpath(unquote(url.partition("#")[0]))
    looked = posixpath.normpath(posixpath.join(folder, relative))
    name = posixpath.basename(looked)
    if relative.startswith("../"):
        return (f"an image shown from beside an article must be in its folder ({folder}/) or below it: move "
                f"{looked} there, or put it in the site's static/ folder and link it as /images/{name}")
    return (f"there is no {looked} beside the article: put the image there, in the article's folder, or in "
            f"the site's static/ folder and link it as /images/{name}")


def _is_image(site_path: str) -> bool:
    return site_path.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif"))
