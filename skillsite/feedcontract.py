"""The feed contract: what subscribers and readers already have keeps working.

Each build compares the site as published (the previous build's output, or the live site:
see published.py) with the site about to be written. An article still published must keep
its feed id (else feed readers show it again as new), and an article whose URL changed must
list its old slug under ``aliases`` (else the links readers saved break). The feeds hold
the newest articles only; the sitemap lists every published URL, so an old article renamed
without an alias is found too: by its file name (its slug was changed in the front matter),
else by the title on its published page (its file was renamed). A published URL no article
claims any more is an article taken down: nothing is said. Items and URLs are compared by
their site path, never their host, so moving the site to https or to another domain
changes nothing.

Pure: the caller reads the published files (``contract_feed_paths`` names the feeds,
``vanished_articles`` the pages it needs) and passes their bytes; nothing here touches the
disk or the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from typing import Protocol

from .model import Diagnostic
from .outputs.feeds import ATOM, FEED_FORMATS, JSON_FEED, RSS
from .urls import alias_path

_ATOM_NS = "{http://www.w3.org/2005/Atom}"
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_ARTICLE_PATH = re.compile(r"articles/([^/]+)/")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a previous build's feed."""

    id: str
    """Its GUID (Atom id, JSON Feed id)."""
    path: str
    """The site path of its URL (``articles/x/``), whatever the base URL was."""
    title: str
    """Its title."""


@dataclass(frozen=True, slots=True)
class Published:
    """What the contract compares of a published article."""

    path: str
    """Site path of its page."""
    slug: str
    guid: str
    source_path: str
    title: str
    date: datetime
    aliases: tuple[str, ...]
    id: str | None
    lines: Mapping[str, int]
    """The lines of its front-matter fields, for the messages."""


class PublishedSite(Protocol):
    """The site about to be written, as the contract looks its articles up."""

    authority: str
    """The site's naming authority of feed ids."""

    def by_guid(self, guid: str) -> Published | None: ...
    def by_path(self, site_path: str) -> Published | None:
        """The article at a site path, or the one an old path (an alias) redirects to."""
    def new_with_title(self, title: str, old_ids: set[str]) -> list[Published]:
        """The articles with that title whose feed id is none of ``old_ids``."""
    def paths(self) -> set[str]:
        """The site paths of every article's page and of every old path redirected."""
    def articles(self) -> Iterator[Published]: ...


def contract_feed_paths(taxonomies) -> tuple[str, ...]:
    """The feed files whose items are compared: the site's and each category's, in every
    format (paths inside the output folder). ``taxonomies``: the site's (each with a key and
    terms with a path)."""
    categories = next(t for t in taxonomies if t.key == "category")
    folders = ("", *(term.path for term in categories.terms))
    return tuple(folder + kind.name for folder in folders for kind in FEED_FORMATS)


def read_feed_items(name: str, content: bytes) -> list[FeedItem]:
    """The items of one feed file written by a previous build (``name`` is its path in the
    output folder); none when it cannot be read as the feed its name says."""
    try:
        if name.endswith(JSON_FEED.name):
            return list(_json_items(name, json.loads(content)))
        root = etree.fromstring(content, _PARSER)
    except (ValueError, etree.XMLSyntaxError, TypeError, AttributeError):
        return []
    if name.endswith(RSS.name) and root.tag == "rss":
        return list(_rss_items(name, root))
    if name.endswith(ATOM.name) and root.tag == f"{_ATOM_NS}feed":
        return list(_atom_items(name, root))
    return []


def check_feed_contract(previous: Mapping[str, bytes], site: PublishedSite) -> list[Diagnostic]:
    """Warnings for every article of ``site`` that breaks a promise the ``previous`` feeds
    (path in the output folder -> bytes) made: a new feed id, or a new URL without an alias."""
    return check_contract(previous, None, {}, site)


def check_contract(feeds: Mapping[str, bytes], sitemap: bytes | None, pages: Mapping[str, bytes | None],
                   site: PublishedSite) -> list[Diagnostic]:
    """The feed contract's warnings (see ``check_feed_contract``), and for every article URL
    of the published ``sitemap`` this site no longer has, a warning at the article that
    moved from it without an alias (an article taken down, deleted or held back, moved
    nowhere: nothing is said). ``pages``: the published pages of those URLs (see
    ``vanished_articles``), by site path."""
    problems = _feed_problems(feeds, site)
    if sitemap is not None:
        published = _sitemap_articles(sitemap)
        for path, article, by_title in _moved_without_alias(_vanished(published, site), published, pages, site):
            problems.setdefault(article.slug, _url_gone(path, article, by_title))
    return sorted(problems.values(), key=lambda d: (d.path, d.line, d.message))


def vanished_articles(sitemap: bytes, site: PublishedSite) -> list[str]:
    """The article URLs (site paths) of a published sitemap that ``site`` has neither as an
    article nor as a redirect, sorted."""
    return _vanished(_sitemap_articles(sitemap), site)


def _vanished(published: set[str], site: PublishedSite) -> list[str]:
    return sorted(published - site.paths())


def _feed_problems(previous: Mapping[str, bytes], site: PublishedSite) -> dict[str, Diagnostic]:
    old: dict[str, FeedItem] = {}
    for name in sorted(previous):
        for item in read_feed_items(name, previous[name]):
            old.setdefault(item.id, item)
    problems: dict[str, Diagnostic] = {}
    for item in sorted(old.values(), key=lambda i: (i.path, i.id)):
        article = site.by_guid(item.id)
        if article is not None:
            if item.path != article.path and item.path not in _alias_paths(article):
                problems.setdefault(article.slug, _moved(item, article))
            continue
        article = site.by_path(item.path)
        if article is None:
            same_title = site.new_with_title(item.title, set(old))
            if len(same_title) == 1:
                article = same_title[0]
                problems.setdefault(article.slug, _moved_and_renamed(item, article, site.authority))
        elif article.guid not in old:
            problems.setdefault(article.slug, _renamed(item, article))
    return problems


def _moved_without_alias(gone: Iterable[str], published: set[str], pages: Mapping[str, bytes | None],
                         site: PublishedSite) -> Iterator[tuple[str, Published, bool]]:
    """(old path, article, found by its title) for each URL gone whose article is still
    published, at a URL the published site does not have: the article whose file still has
    the old slug as its name, else the one whose title (and, among several, first
    publication) its page showed."""
    gone = list(gone)
    fresh = [article for article in site.articles() if article.path not in published] if gone else []
    by_name = {PurePosixPath(article.source_path).stem: article for article in fresh}
    for path in gone:
        article = by_name.get(_old_slug(path))
        if article is not None:
            yield path, article, False
        elif pages.get(path) and (article := _same_article(pages[path], fresh)) is not None:
            yield path, article, True


def _same_article(page: bytes, candidates: list[Published]) -> Published | None:
    """The one candidate with the title (and, among several, the first publication) the
    published page shows in its OpenGraph tags; None when not one."""
    try:
        head = lxml.html.document_fromstring(page)
    except (ValueError, etree.ParserError):
        return None
    title = head.xpath("string(//meta[@property='og:title']/@content)")
    published = head.xpath("string(//meta[@property='article:published_time']/@content)")
    same = [article for article in candidates if title and article.title == title]
    if len(same) > 1:
        same = [article for article in same if published and _same_moment(article.date, published)]
    return same[0] if len(same) == 1 else None


def _same_moment(date: datetime, written: str) -> bool:
    try:
        return date == datetime.fromisoformat(written)
    except ValueError:
        return False


def _sitemap_articles(content: bytes) -> set[str]:
    """The site paths of a sitemap's article URLs (``articles/x/``), relative to its home
    page (the one URL the others all start with), so that a site published under another
    base URL compares."""
    try:
        root = etree.fromstring(content, _PARSER)
    except (ValueError, etree.XMLSyntaxError):
        return set()
    if root.tag != f"{_SITEMAP_NS}urlset":
        return set()
    urls = [url.strip() for url in root.xpath("/s:urlset/s:url/s:loc/text()", namespaces={"s": _SITEMAP_NS[1:-1]})]
    if not urls:
        return set()
    home = min(urls, key=len)
    if not (home.endswith("/") and all(url.startswith(home) for url in urls)):
        home = None
    paths = (_site_path(url, home) for url in urls if "/articles/" in url)
    return {path for path in paths if _old_slug(path)}


def _alias_paths(article: Published) -> set[str]:
    return {alias_path(alias) for alias in article.aliases}


def _old_slug(path: str) -> str | None:
    match = _ARTICLE_PATH.fullmatch(path)
    return match[1] if match else None


def _line(lines: Mapping[str, int], *fields: str) -> int:
    """The line of the first of ``fields`` written in the front matter, else the first line."""
    return next((lines[name] for name in fields if name in lines), 1)


def _aliases_hint(old_path: str, article: Published) -> str:
    slug = _old_slug(old_path)
    if slug is None:
        return f"make /{old_path} redirect to /{article.path}"
    listed = ", ".join((*article.aliases, slug))
    return f"list the old slug under aliases (oldest first): aliases: [{listed}]"


def _moved(item: FeedItem, article: Published) -> Diagnostic:
    return Diagnostic(article.source_path, _line(article.lines, "slug", "aliases"),
                      f"its URL changed from /{item.path} to /{article.path} without an alias: "
                      "the links feed subscribers saved would break",
                      f"{_aliases_hint(item.path, article)}; the old URL then redirects to the new one", "warning")


def _url_gone(old_path: str, article: Published, by_title: bool) -> Diagnostic:
    return Diagnostic(article.source_path, _line(article.lines, "slug", "aliases"),
                      f"its URL changed from /{old_path} to /{article.path} without an alias: "
                      "the links readers saved and the search engines' results would break",
                      f"{_aliases_hint(old_path, article)}; the old URL then redirects to the new one"
                      + (_SHARED_TITLE if by_title else ""), "warning")


def _renamed(item: FeedItem, article: Published) -> Diagnostic:
    if article.id:
        fields = ("id",)
    elif f":{article.date.date().isoformat()}:" not in item.id:
        fields = ("date",)
    else:
        fields = ("aliases", "slug")
    return Diagnostic(article.source_path, _line(article.lines, *fields),
                      f"its feed id changed from '{item.id}' to '{article.guid}': "
                      "feed readers would show it again as a new article",
                      f"keep the id subscribers have: add the line  id: {item.id}  to its front matter "
                      "(or undo the change to its date, slug, aliases or id)", "warning")


def _moved_and_renamed(item: FeedItem, article: Published, authority: str) -> Diagnostic:
    # listing the old slug brings the old id back only when it becomes the first slug
    minted = f"tag:{authority}:{article.date.date().isoformat()}:{_old_slug(item.path)}"
    comes_back = not article.id and not article.aliases and item.id == minted
    then = "the old URL then redirects and the old id comes back" if comes_back else \
        f"the old URL then redirects; and add the line  id: {item.id}  to keep the id subscribers have"
    return Diagnostic(article.source_path, _line(article.lines, "slug"),
                      f"it moved from /{item.path} to /{article.path} without an alias, so its feed id changed "
                      f"from '{item.id}' to '{article.guid}': feed readers would show it again as a new article",
                      f"{_aliases_hint(item.path, article)}; {then}{_SHARED_TITLE}", "warning")


_SHARED_TITLE = " (if it is a different article that shares a title with an old one, ignore this)"


def _site_path(url: str, base: str | None) -> str:
    """The site path of an item's URL, given the base URL its feed was published under."""
    if base is not None and url.startswith(base):
        return unquote(url[len(base):])
    return unquote(urlsplit(url).path.lstrip("/"))


def _base(self_url: str | None, name: str) -> str | None:
    """The base URL a feed was published under: its own URL less its path in the output."""
    if self_url and self_url.endswith(name):
        return self_url[: len(self_url) - len(name)]
    return None


def _rss_items(name: str, root) -> Iterator[FeedItem]:
    channel = root.find("channel")
    if channel is None:
        return
    self_link = channel.find(f"{_ATOM_NS}link[@rel='self']")
    base = _base(self_link.get("href") if self_link is not None else None, name)
    for item in channel.iterfind("item"):
        guid, link = item.findtext("guid"), item.findtext("link")
        if guid and link:
            yield FeedItem(guid.strip(), _site_path(link.strip(), base), item.findtext("title") or "")


def _atom_items(name: str, root) -> Iterator[FeedItem]:
    self_link = root.find(f"{_ATOM_NS}link[@rel='self']")
    base = _base(self_link.get("href") if self_link is not None else None, name)
    for entry in root.iterfind(f"{_ATOM_NS}entry"):
        guid = entry.findtext(f"{_ATOM_NS}id")
        links = [link for link in entry.iterfind(f"{_ATOM_NS}link") if link.get("rel", "alternate") == "alternate"]
        if guid and links and links[0].get("href"):
            yield FeedItem(guid.strip(), _site_path(links[0].get("href"), base), entry.findtext(f"{_ATOM_NS}title") or "")


def _json_items(name: str, document) -> Iterator[FeedItem]:
    base = _base(document.get("feed_url"), name)
    for item in document.get("items", []):
        if isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item.get("url"), str):
            yield FeedItem(item["id"], _site_path(item["url"], base), str(item.get("title", "")))
