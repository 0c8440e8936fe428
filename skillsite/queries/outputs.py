"""Queries for the other files of the site (feeds, sitemap, robots.txt, static files) and
for every problem a build reports (dead links among them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from ..images import originals_only
from ..inputs import OPTIONS, InputProblem, read_input
from ..standalone import page_path
from ..links import dead_links, exists_in
from ..model import Diagnostic
from ..outputs.feeds import FEED_FORMATS, Channel, channels, feed_file, item_content
from ..outputs.pages import split_name
from ..outputs.redirects import REDIRECT_MAP as REDIRECT_MAP_FILE, redirect_map
from ..outputs.sitemap import robots, sitemap
from ..query import TOP, Query
from ..urls import article_path
from . import images
from .content import ARTICLE, ARTICLE_FILES, BODY, CARD, CONFIG, DOCUMENT, PLACEMENT, RULES
from .pages import ORDER, PAGE_LIST
from .site import PLACE, PUBLICATION, SITE_PROBLEMS, STRUCTURE
from .theme import STATIC, TEMPLATES, TRANSLATIONS
from .standalone import PAGE_BODY, PAGE_DOCUMENT
from ..views import texts_of

SITEMAP_FILE = "sitemap.xml"
ROBOTS_FILE = "robots.txt"


def _channels(ask, _: str) -> tuple[Channel, ...]:
    return tuple(channels(ask.get(CONFIG), ask.get(STRUCTURE), texts_of(ask.get(TRANSLATIONS))))


CHANNELS = Query("channels", 11, _channels, tuple[Channel, ...])
"""Every feed: the site's, each category's (and each tag's and author's, when asked)."""


def _channel(ask, folder: str) -> Channel | None:
    return next((channel for channel in ask.get(CHANNELS) if channel.folder == folder), None)


CHANNEL = Query("channel", 12, _channel, Channel | None)


def feed_paths(channel: Channel) -> list[str]:
    """The output paths of a channel's feeds, one per format."""
    return [channel.folder + kind.name for kind in FEED_FORMATS]


def _feed_item(ask, source: str) -> str | None:
    article, body = ask.get(ARTICLE, source), ask.get(BODY, source)
    if article is None or body is None:  # gone, or in error now (a change reached its memo)
        return None
    return item_content(ask.get(CONFIG), article, originals_only(body.html))


FEED_ITEM = Query("feed-item", 23, _feed_item)
"""An article's content in the feeds (absolute links; the original of each image): made
once per build for all the feeds that carry it, and kept as its digest only."""


def _feed(ask, path: str) -> bytes:
    folder, _, name = path.rpartition("/")
    folder = f"{folder}/" if folder else ""
    channel = ask.get(CHANNEL, folder)
    kind = next(kind for kind in FEED_FORMATS if kind.name == name)
    items = []
    for slug in channel.articles:
        source = ask.get(PLACE, slug).source_path
        items.append((ask.get(ARTICLE, source), ask.get(FEED_ITEM, source)))
    return feed_file(ask.get(CONFIG), channel, kind, items)


FEED = Query("feed", TOP, _feed, costly=True)
"""One feed file, by its output path."""


def _sitemap(ask, _: str) -> bytes:
    pages = [split_name(name) for name in ask.get(PAGE_LIST)]
    modified = {}
    for slug in ask.get(ORDER):
        card = ask.get(CARD, ask.get(PLACE, slug).source_path)
        modified[card.path] = card.modified
    return sitemap(ask.get(CONFIG), pages, modified)


SITEMAP = Query("sitemap", TOP, _sitemap)


def _robots(ask, _: str) -> bytes:
    return robots(ask.get(CONFIG))


ROBOTS = Query("robots", TOP, _robots)


def _redirect_map(ask, _: str) -> bytes | Diagnostic:
    own = ask.get(STATIC).files.get(REDIRECT_MAP_FILE)
    try:
        own_rules = None if own is None else read_input(ask, own)
    except InputProblem as problem:
        return problem.diagnostic
    redirects = ((old, article_path(slug)) for old, slug in ask.get(STRUCTURE).redirects)
    return redirect_map(ask.get(CONFIG).base_path, redirects, own_rules) or b""


REDIRECT_MAP = Query("redirect-map", TOP, _redirect_map)
"""``_redirects``: the site's own rules (static/_redirects), then every alias's old path."""


def _article_images(ask, name: str) -> tuple[tuple[str, str], ...]:
    body, document = ask.get(BODY, name), ask.get(DOCUMENT, name).document
    if body is None or document is None:
        return ()
    page = article_path(document.meta.slug)
    content = ask.get(RULES).content
    return tuple((page + relative, f"{content}/{source}") for relative, source in body.assets)


ARTICLE_IMAGES = Query("article-images", 24, _article_images, tuple[tuple[str, str], ...])
"""(output path, file) of each image beside an article that it shows."""


def _images(ask, _: str) -> dict[str, str]:
    return {path: source for name in ask.get(PUBLICATION).published for path, source in ask.get(ARTICLE_IMAGES, name)}


IMAGES = Query("images", 25, _images, dict[str, str])
"""Every image published beside its article: output path -> the file."""


def _image_file(ask, path: str) -> bytes | Diagnostic:
    try:
        return read_input(ask, ask.get(IMAGES)[path])
    except InputProblem as problem:
        return problem.diagnostic


IMAGE_FILE = Query("image-file", TOP, _image_file)
"""An image beside an article, published in its page's folder."""


def _static_file(ask, path: str) -> bytes | Diagnostic:
    try:
        return read_input(ask, ask.get(STATIC).files[path])
    except InputProblem as problem:
        return problem.diagnostic


STATIC_FILE = Query("static-file", TOP, _static_file)
"""A file published as it is, by its output path (or why it cannot be read)."""


# --- problems -------------------------------------------------------------------------------------

def _paths(ask, _: str) -> frozenset[str]:
    paths = {split_name(name)[1] for name in ask.get(PAGE_LIST)}
    paths.update(path for channel in ask.get(CHANNELS) for path in feed_paths(channel))
    paths.update(ask.get(STATIC).files)
    paths.update(ask.get(IMAGES))
    paths.update(ask.get(images.VERSIONS))
    paths.update((SITEMAP_FILE, ROBOTS_FILE))
    if ask.get(STRUCTURE).redirects:
        paths.add(REDIRECT_MAP_FILE)
    return frozenset(paths)


PATHS = Query("paths", 26, _paths, frozenset[str])
"""Every file of the output but the search index."""


def _unreadable(ask, _: str) -> frozenset[str]:
    return frozenset(article_path(PurePosixPath(name).stem) for name in ask.get(ARTICLE_FILES).articles
                     if ask.get(PLACEMENT, name) is None)


UNREADABLE = Query("unreadable", 6, _unreadable, frozenset[str])
"""The likely pages of the articles left out for errors of their own: links to them are not
reported as well."""


def _exists(ask, site_path: str) -> bool:
    return exists_in(ask.get(PATHS), site_path) or site_path in ask.get(UNREADABLE)


EXISTS = Query("exists", 27, _exists, bool)
"""Whether a link on the site leads to a file of the site (by its site path)."""


def _published(ask, name: str) -> bool:
    return name in ask.get(PUBLICATION).published


IS_PUBLISHED = Query("published", 9, _published, bool)


@dataclass(frozen=True, slots=True)
class Problems:
    """What a build found wrong."""

    found: tuple[Diagnostic, ...]
    """Errors (nothing may be published) and warnings."""
    dead_links: tuple[Diagnostic, ...]
    """Links and images of published articles that lead to no file of the site: warnings
    of ``build``, errors of ``check``."""


def _article_problems(ask, name: str) -> Problems:
    read = ask.get(DOCUMENT, name)
    problems, dead = list(read.problems), []
    body = ask.get(BODY, name) if read.document is not None and ask.get(IS_PUBLISHED, name) else None
    if body is not None:
        problems += body.warnings
        page = article_path(read.document.meta.slug)
        dead = dead_links(ask.get(CONFIG), name, page, body.links, lambda path: ask.get(EXISTS, path),
                          lambda: ask.get(PATHS))
    return Problems(tuple(problems), tuple(dead))


ARTICLE_PROBLEMS = Query("article-problems", 28, _article_problems, Problems)
"""Everything wrong with one article: its front matter, its body, its links."""


def _page_problems(ask, name: str) -> Problems:
    read = ask.get(PAGE_DOCUMENT, name)
    problems, dead = list(read.problems), []
    document = read.document
    if document is not None and (ask.get(OPTIONS).drafts or not document.meta.draft):
        body = ask.get(PAGE_BODY, name)
        if body is not None:
            problems += body.warnings
            dead = dead_links(ask.get(CONFIG), name, page_path(document.meta.slug), body.links,
                              lambda path: ask.get(EXISTS, path), lambda: ask.get(PATHS))
    return Problems(tuple(problems), tuple(dead))


PAGE_PROBLEMS = Query("page-problems", 28, _page_problems, Problems)
"""Everything wrong with one standalone page: its front matter, its body, its links."""


def _problems(ask, _: str) -> Problems:
    files = ask.get(ARTICLE_FILES)
    problems = [*files.problems, *ask.get(TEMPLATES).problems, *ask.get(STATIC).problems,
                *ask.get(TRANSLATIONS).problems]
    dead = []
    for query, names in ((ARTICLE_PROBLEMS, files.articles), (PAGE_PROBLEMS, files.pages)):
        for name in names:
            found = ask.get(query, name)
            problems += found.found
            dead += found.dead_links
    problems += ask.get(SITE_PROBLEMS)
    return Problems(tuple(dict.fromkeys(problems)), tuple(dead))  # a linked folder is named once


PROBLEMS = Query("problems", 30, _problems, Problems)
"""Every problem a build finds."""

QUERIES = (CHANNELS, CHANNEL, FEED_ITEM, FEED, SITEMAP, ROBOTS, REDIRECT_MAP, ARTICLE_IMAGES, IMAGES, IMAGE_FILE, STATIC_FILE, PATHS, UNREADABLE, EXISTS, IS_PUBLISHED,
           ARTICLE_PROBLEMS, PAGE_PROBLEMS, PROBLEMS, *images.QUERIES)
