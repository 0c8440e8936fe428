"""The feed contract: what subscribers already have keeps working.

Each build compares the items of the previous build's feeds with the site about to be
written. An article that is still published must keep its feed id (else feed readers show
it again as new), and an article whose URL changed must list its old slug under
``aliases`` (else the links readers saved break). Items are compared by their site path,
never their host, so moving the site to https or to another domain changes nothing.

Pure: the caller reads the old feed files (``contract_feed_paths`` names them) and passes
their bytes; nothing here touches the disk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import etree

from .model import Article, Diagnostic, SourceDocument
from .outputs.feeds import ATOM, FEED_FORMATS, JSON_FEED, RSS
from .site import Site
from .urls import alias_path

_ATOM_NS = "{http://www.w3.org/2005/Atom}"
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


def contract_feed_paths(site: Site) -> tuple[str, ...]:
    """The feed files whose items are compared: the site's and each category's, in every
    format (paths inside the output folder)."""
    folders = ("", *(term.path for term in site.taxonomy("category").terms))
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


def check_feed_contract(previous: Mapping[str, bytes], site: Site,
                        documents: Iterable[SourceDocument] = ()) -> list[Diagnostic]:
    """Warnings for every article of ``site`` that breaks a promise the ``previous`` feeds
    (path in the output folder -> bytes) made: a new feed id, or a new URL without an alias.
    ``documents`` give the line of each front-matter field, for the messages."""
    old: dict[str, FeedItem] = {}
    for name in sorted(previous):
        for item in read_feed_items(name, previous[name]):
            old.setdefault(item.id, item)
    lines = {document.path: document.field_lines for document in documents}
    by_guid = {article.guid: article for article in site.articles}
    by_path = {article.path: article for article in site.articles}
    by_path.update((old_path, site.by_slug[slug]) for old_path, slug in site.redirects)
    new_guids = [article for article in site.articles if article.guid not in old]
    problems: dict[str, Diagnostic] = {}
    for item in sorted(old.values(), key=lambda i: (i.path, i.id)):
        article = by_guid.get(item.id)
        if article is not None:
            if item.path != article.path and item.path not in _alias_paths(article):
                problems.setdefault(article.slug, _moved(item, article, lines.get(article.source_path, {})))
            continue
        article = by_path.get(item.path)
        if article is None:
            same_title = [a for a in new_guids if a.meta.title == item.title]
            if len(same_title) == 1:
                article = same_title[0]
                problems.setdefault(article.slug, _moved_and_renamed(item, article, lines.get(article.source_path, {}),
                                                                     site.config.feeds.id_authority))
        elif article.guid not in old:
            problems.setdefault(article.slug, _renamed(item, article, lines.get(article.source_path, {})))
    return sorted(problems.values(), key=lambda d: (d.path, d.line, d.message))


def _alias_paths(article: Article) -> set[str]:
    return {alias_path(alias) for alias in article.meta.aliases}


def _old_slug(path: str) -> str | None:
    match = _ARTICLE_PATH.fullmatch(path)
    return match[1] if match else None


def _line(lines: Mapping[str, int], *fields: str) -> int:
    """The line of the first of ``fields`` written in the front matter, else the first line."""
    return next((lines[name] for name in fields if name in lines), 1)


def _aliases_hint(item: FeedItem, article: Article) -> str:
    slug = _old_slug(item.path)
    if slug is None:
        return f"make /{item.path} redirect to /{article.path}"
    listed = ", ".join((*article.meta.aliases, slug))
    return f"list the old slug under aliases (oldest first): aliases: [{listed}]"


def _moved(item: FeedItem, article: Article, lines: Mapping[str, int]) -> Diagnostic:
    return Diagnostic(article.source_path, _line(lines, "slug", "aliases"),
                      f"its URL changed from /{item.path} to /{article.path} without an alias: "
                      "the links feed subscribers saved would break",
                      f"{_aliases_hint(item, article)}; the old URL then redirects to the new one", "warning")


def _renamed(item: FeedItem, article: Article, lines: Mapping[str, int]) -> Diagnostic:
    if article.meta.id:
        fields = ("id",)
    elif f":{article.meta.date.date().isoformat()}:" not in item.id:
        fields = ("date",)
    else:
        fields = ("aliases", "slug")
    return Diagnostic(article.source_path, _line(lines, *fields),
                      f"its feed id changed from '{item.id}' to '{article.guid}': "
                      "feed readers would show it again as a new article",
                      f"keep the id subscribers have: add the line  id: {item.id}  to its front matter "
                      "(or undo the change to its date, slug, aliases or id)", "warning")


def _moved_and_renamed(item: FeedItem, article: Article, lines: Mapping[str, int], authority: str) -> Diagnostic:
    meta = article.meta
    # listing the old slug brings the old id back only when it becomes the first slug
    minted = f"tag:{authority}:{meta.date.date().isoformat()}:{_old_slug(item.path)}"
    comes_back = not meta.id and not meta.aliases and item.id == minted
    then = "the old URL then redirects and the old id comes back" if comes_back else \
        f"the old URL then redirects; and add the line  id: {item.id}  to keep the id subscribers have"
    return Diagnostic(article.source_path, _line(lines, "slug"),
                      f"it moved from /{item.path} to /{article.path} without an alias, so its feed id changed "
                      f"from '{item.id}' to '{article.guid}': feed readers would show it again as a new article",
                      f"{_aliases_hint(item, article)}; {then} "
                      "(if it is a different article that shares a title with an old one, ignore this)", "warning")


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
