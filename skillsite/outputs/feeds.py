"""Site -> RSS 2.0 and Atom feeds (feedgen), for the whole site and for each category.

Nothing here reads the clock: a feed's update time is its newest item's.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from .. import __version__
from ..model import Article, OutputFile
from ..site import Site

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# nh3 output is canonical: a raw '<' always opens a tag and '>' never occurs in values.
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_URL_ATTRIBUTE = re.compile(r'\s(href|src|cite)="([^"]*)"')


def absolute_links(html: str, page_url: str) -> str:
    """Make every link and image URL in sanitised HTML absolute, relative to ``page_url``."""
    def fix_attribute(match: re.Match) -> str:
        url = urljoin(page_url, html_lib.unescape(match[2]))
        return f' {match[1]}="{html_lib.escape(url)}"'
    return _TAG.sub(lambda tag: _URL_ATTRIBUTE.sub(fix_attribute, tag[0]), html)


def item_content(site: Site, article: Article) -> str:
    """The item's HTML: the full article with absolute URLs, and its source if curated."""
    page_url = site.config.absolute_url(article.path)
    content = absolute_links(article.html, page_url)
    if article.meta.source:
        source = html_lib.escape(article.meta.source)
        content += f'\n<p>Source: <a href="{source}">{source}</a></p>'
    return content


def render_feeds(site: Site) -> Iterator[OutputFile]:
    """The site's feeds and each category's."""
    length = site.config.feeds.length
    yield from _feed_pair(site, "", "", site.articles[:length], site.config.title)
    for term in site.taxonomy("category").terms:
        articles = [site.by_slug[slug] for slug in term.articles[:length]]
        yield from _feed_pair(site, term.path, f":category:{term.key}", articles,
                              f"{site.config.title}: {term.name}", term.description)


def _feed_pair(site: Site, folder: str, id_suffix: str, articles: Sequence[Article], title: str,
               description: str = "") -> Iterator[OutputFile]:
    for kind, name in (("rss", "feed.xml"), ("atom", "atom.xml")):
        generator = _feed(site, folder, folder + name, f"tag:{site.config.feeds.id_authority}:feed{id_suffix}",
                          articles, title, description)
        content = generator.rss_str(pretty=True) if kind == "rss" else generator.atom_str(pretty=True)
        yield OutputFile(folder + name, content, f"{kind} feed")


def _feed(site: Site, page_path: str, path: str, feed_id: str, articles: Sequence[Article], title: str,
          description: str) -> FeedGenerator:
    config = site.config
    updated = max((a.last_modified for a in articles), default=_EPOCH)
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.id(feed_id)
    feed.title(title)
    feed.description(description or config.description or config.tagline or config.title)
    feed.link(href=config.absolute_url(path), rel="self")
    feed.link(href=config.absolute_url(page_path), rel="alternate")  # last: feedgen's RSS <link>
    feed.language(config.language)
    feed.generator("skillsite", __version__)
    feed.lastBuildDate(updated)
    feed.updated(updated)
    zone = config.zone
    for article in articles:
        meta = article.meta
        entry = feed.add_entry(order="append")
        entry.id(article.guid)
        entry.guid(article.guid, permalink=False)
        entry.title(meta.title)
        entry.link(href=config.absolute_url(article.path))
        entry.published(meta.date.astimezone(zone))
        entry.updated(article.last_modified.astimezone(zone))
        entry.author({"name": meta.author})
        entry.dc.dc_creator(meta.author)
        entry.category([{"term": meta.category}] + [{"term": tag} for tag in meta.tags])
        entry.description(article.summary or meta.title)
        entry.content(item_content(site, article), type="html")
    return feed
