"""Site -> feeds: RSS 2.0 and Atom 1.0 (through feedgen) and JSON Feed 1.1, for the whole
site, for each category and, when site.yaml asks, for each tag and each author.

Every format carries the same items: the article's feed id (never its URL), its full
sanitised HTML with absolute links, its summary, author, category and tags, and its dates
in the site's time zone. Nothing here reads the clock: a feed's update time is its newest
item's.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, urljoin

from .. import __version__
from ..authors import by_key, display_name
from ..config import SiteConfig
from ..model import Article, Structure
from ..urls import encode_url, term_path

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
STYLESHEET = "feed.xsl"
"""The stylesheet that shows the RSS and Atom feeds to a browser (outputs/pages.py makes it)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# nh3 output is canonical: a raw '<' always opens a tag and '>' never occurs in values.
_LINKING_TAG = re.compile(r'<[a-zA-Z][^>]*\s(?:href|src|cite)="[^>]*>')  # a tag with a URL: few of all tags
_URL_ATTRIBUTE = re.compile(r'\s(href|src|cite)="([^"]*)"')
# What XML 1.0 cannot carry (C0 controls but tab and newlines, lone surrogates, U+FFFE/F).
# The loader removes them from the files with a warning; YAML escapes such as "\x01" in a
# quoted title are the way left for one to arrive here, and no feed may break on it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class FeedFormat:
    """One feed format and the file it is written to."""

    name: str
    """File name in the feed's folder (``feed.xml``)."""
    media_type: str
    """Its MIME type, for ``<link rel="alternate" type=...>``."""
    label: str
    """The format's name as readers know it ("RSS")."""
    origin: str
    """What its files are known by in the build ("rss feed"; every feed's ends in "feed")."""


RSS = FeedFormat("feed.xml", "application/rss+xml", "RSS", "rss feed")
ATOM = FeedFormat("atom.xml", "application/atom+xml", "Atom", "atom feed")
JSON_FEED = FeedFormat("feed.json", "application/feed+json", "JSON Feed", "json feed")
FEED_FORMATS = (RSS, ATOM, JSON_FEED)
"""Every format each feed is written in, in the order pages announce them."""


@dataclass(frozen=True, slots=True)
class Channel:
    """One feed, whatever its format: the whole site's, or one category's, tag's or author's."""

    folder: str
    """Site path of the page the feed belongs to ('' for the home page, ``tag/cv/``...)."""
    id: str
    """The feed's own id: a tag: URI under the site's naming authority."""
    title: str
    """The feed's title."""
    description: str
    """A sentence about the feed."""
    articles: tuple[str, ...]
    """Slugs of its items, newest first, at most ``feeds.length``."""


def feed_taxonomies(config: SiteConfig) -> tuple[str, ...]:
    """The taxonomies whose terms have feeds of their own: categories always; tags and
    authors when site.yaml's ``feeds.per_tag`` / ``feeds.per_author`` ask for them."""
    return ("category",) + (("tag",) if config.feeds.per_tag else ()) + (("author",) if config.feeds.per_author else ())


def channels(config: SiteConfig, structure: Structure, texts) -> Iterator[Channel]:
    """Every feed of the site: the site's own first, then each term's, by taxonomy;
    ``texts``: the theme's texts in the site's language (i18n.Texts)."""
    length = config.feeds.length
    authority = f"tag:{config.feeds.id_authority}:feed"
    about = config.description or config.tagline or config.title
    authors = by_key(config.authors)
    yield Channel("", authority, config.title, about, structure.order[:length])
    for key in feed_taxonomies(config):
        for term in structure.taxonomy(key).terms:
            name = display_name(authors, term.key, term.name) if key == "author" else term.name
            description = {"category": term.description or about,
                           "tag": texts.plain("feed_tag_description", name=name),
                           "author": texts.plain("feed_author_description", name=name)}[key]
            yield Channel(term_path(key, term.key), f"{authority}:{key}:{quote(term.key, safe='')}",
                          f"{config.title}: {name}", description, term.articles[:length])


Item = tuple[Article, str]
"""A feed item: the article and its content (``item_content``: made once, whatever the
number of feeds that carry it)."""


def feed_file(config: SiteConfig, channel: Channel, kind: FeedFormat, items: Sequence[Item]) -> bytes:
    """The channel's feed in one format."""
    if kind is JSON_FEED:
        return json_feed(config, channel, items)
    feed = _feedgen(config, channel, kind, items)
    return styled(feed.rss_str(pretty=True) if kind is RSS else feed.atom_str(pretty=True), config.base_path)


def styled(xml: bytes, base_path: str) -> bytes:
    """A feed that names the stylesheet a browser shows it with (``feed.xsl``): an XML
    processing instruction after the declaration, which feed readers skip."""
    declaration, _, rest = xml.partition(b"\n")
    instruction = f'<?xml-stylesheet type="text/xsl" href="{base_path}{STYLESHEET}"?>'.encode()
    return b"\n".join((declaration, instruction, rest))


def absolute_links(html: str, page_url: str) -> str:
    """Make every link and image URL in sanitised HTML absolute, relative to ``page_url``."""
    def fix_attribute(match: re.Match) -> str:
        url = urljoin(page_url, html_lib.unescape(match[2]))
        return f' {match[1]}="{html_lib.escape(url)}"'
    return _LINKING_TAG.sub(lambda tag: _URL_ATTRIBUTE.sub(fix_attribute, tag[0]), html)


def item_content(config: SiteConfig, article: Article, html: str) -> str:
    """The item's HTML: the full article with absolute URLs, and its source if curated."""
    page_url = config.absolute_url(article.path)
    content = absolute_links(html, page_url)
    if article.meta.source:
        source = html_lib.escape(encode_url(article.meta.source))
        content += f'\n<p>Source: <a href="{source}">{source}</a></p>'
    return feed_text(content)


def feed_text(text: str) -> str:
    """``text`` without the characters XML cannot carry (so every format says the same)."""
    return _NOT_XML.sub("", text)


def site_url(config: SiteConfig, url: str) -> str:
    """The absolute URL of a site path (``tag/cv/``), or of a front-matter or site.yaml
    address: a path on this site (``/images/a.png``) or a full http(s) URL."""
    if url.startswith("/"):
        return config.absolute_url(encode_url(url[1:]))
    if "://" in url:
        return encode_url(url)
    return config.absolute_url(quote(url, safe="/"))


def _feedgen(config: SiteConfig, channel: Channel, kind: FeedFormat, items: Sequence[Item]):
    from feedgen.feed import FeedGenerator  # here: a build that makes no feed never loads it
    updated = max((a.last_modified for a, _ in items), default=_EPOCH)
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.id(channel.id)
    feed.title(feed_text(channel.title))
    feed.description(feed_text(channel.description))
    feed.link(href=site_url(config, channel.folder + kind.name), rel="self")
    feed.link(href=site_url(config, channel.folder), rel="alternate")  # last: feedgen's RSS <link>
    feed.language(config.language)
    feed.generator("skillsite", __version__)
    feed.lastBuildDate(updated)
    feed.updated(updated)
    if config.feeds.logo:
        logo = site_url(config, config.feeds.logo)
        feed.image(logo, title=feed_text(channel.title), link=site_url(config, channel.folder))
        feed.icon(logo)
    zone = config.zone
    for article, content in items:
        meta = article.meta
        entry = feed.add_entry(order="append")
        entry.id(article.guid)
        entry.guid(article.guid, permalink=False)
        entry.title(feed_text(meta.title))
        entry.link(href=site_url(config, article.path))
        entry.published(meta.date.astimezone(zone))
        entry.updated(article.last_modified.astimezone(zone))
        names = _authors(config, article)
        for name, uri in names:
            entry.author({"name": name, "uri": uri})
        entry.dc.dc_creator([name for name, _ in names])
        entry.category([{"term": feed_text(term)} for term in _item_tags(article)])
        summary = feed_text(article.summary or meta.title)
        entry.description(html_lib.escape(summary, quote=False))  # RSS readers take <description> as HTML
        entry.summary(summary)  # Atom's <summary> is text
        entry.content(content, type="html")
    return feed


def json_feed(config: SiteConfig, channel: Channel, items: Sequence[Item]) -> bytes:
    """The channel as a JSON Feed 1.1 document (https://www.jsonfeed.org/version/1.1/)."""
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed_text(channel.title),
        "description": feed_text(channel.description),
        "home_page_url": site_url(config, channel.folder),
        "feed_url": site_url(config, channel.folder + JSON_FEED.name),
        "language": config.language,
        "items": [_json_item(config, article, content) for article, content in items],
    }
    if config.feeds.logo:
        document["icon"] = document["favicon"] = site_url(config, config.feeds.logo)
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _json_item(config: SiteConfig, article: Article, content: str) -> dict:
    meta, zone = article.meta, config.zone
    item = {
        "id": article.guid,
        "url": site_url(config, article.path),
        "title": feed_text(meta.title),
        "content_html": content,
        "summary": feed_text(article.summary or meta.title),
        "date_published": meta.date.astimezone(zone).isoformat(),
        "date_modified": article.last_modified.astimezone(zone).isoformat(),
        "authors": [{"name": name, "url": uri} for name, uri in _authors(config, article)],
        "tags": [feed_text(term) for term in _item_tags(article)],
    }
    if meta.lang:
        item["language"] = meta.lang
    if meta.image:
        item["image"] = site_url(config, meta.image)
    if meta.source:
        item["external_url"] = encode_url(meta.source)
    return item


def _authors(config: SiteConfig, article: Article) -> list[tuple[str, str]]:
    """(display name, page URL) of each of the item's authors."""
    declared = by_key(config.authors)
    return [(feed_text(display_name(declared, key, written)), site_url(config, term_path("author", key)))
            for key, written in zip(article.author_keys, article.meta.authors)]


def _item_tags(article: Article) -> list[str]:
    """The item's categories: its category's key, then its tags as written."""
    return list(dict.fromkeys((article.meta.category, *article.meta.tags)))
