"""The dicts templates receive: the contract between skillsite and themes.

Every value is ready to print: URLs are final, dates are formatted, HTML is marked safe.
Templates decide only how things look.

Every page gets ``site`` and ``page``:

- ``site``: title, tagline, description, language, url (home), base_url, announcement,
  menu (title, url, current), feeds (title, url, type), archive_url, stylesheet (url),
  icon (url of the theme's favicon.svg, or ''),
  search (url of the search page, bundle: url of Pagefind's folder, script: url of the
  theme's search.js, '' when the theme has none; browse: links (title, url) to the
  category, tag and audience indexes and the archive)
- ``page``: title, description, canonical (absolute URL), lang and dir (the site's; an
  article in another language carries its own ``lang``/``dir``), feeds (alternates for
  this page, beyond the site's), noindex, breadcrumbs (title, url, absolute; from Home
  to this page; empty on pages without a trail), social (None on noindex pages, else
  OpenGraph/Twitter values: type, site_name, title, description, url, image (absolute
  or None), card, article (None, or published, modified, author (url), section, tags)),
  json_ld (the text of a <script type="application/ld+json">, already escaped, or None)

and, by template: ``article`` (article.html; its ``related`` are cards), ``articles`` +
``pager`` (index.html, listing.html), ``term`` + ``taxonomy`` (listing.html),
``taxonomy`` + ``terms`` (terms.html; a term has title, heading ("For jobseekers" for an
audience), url, description, count), ``years`` (archive.html), ``target``
(redirect.html); search.html gets only ``site`` and ``page``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from typing import Protocol

from .config import SiteConfig
from .model import Article, Card, Pager, Place
from .outputs.feeds import FEED_FORMATS, feed_taxonomies
from .outputs.static import ICON, SEARCH_SCRIPT
from .search import BUNDLE as SEARCH_BUNDLE
from .urls import href, term_path

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
RTL_LANGUAGES = frozenset({"ar", "arc", "dv", "fa", "ha", "he", "khw", "ks", "ku", "ps", "sd", "ur", "yi"})


def text_direction(lang: str) -> str:
    """'rtl' for right-to-left languages, else 'ltr'."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def date_view(moment: datetime, zone: ZoneInfo) -> dict:
    """A date for display: ``iso`` for <time datetime>, ``text`` for people (7 April 2014)."""
    local = moment.astimezone(zone)
    return {"iso": local.isoformat(), "text": f"{local.day} {_MONTHS[local.month - 1]} {local.year}",
            "year": local.year}


_SCRIPT_UNSAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class Values:
    """Values shared by many pages (``site``), made once: read in templates as ``site.title``."""

    __slots__ = ("_values",)

    def __init__(self, values: dict):
        self._values = values

    def __getattr__(self, name: str):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None


class Html:
    """An article's body for a template: printed as it is (it is sanitised)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __html__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


def json_ld(data: dict | None) -> Markup | None:
    """``data`` as the text of a <script type="application/ld+json">: JSON in which '<', '>'
    and '&' are written as \\u escapes, so no title can close the element or open a comment."""
    if data is None:
        return None
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_UNSAFE)
    return Markup(text)  # safe: escaped above for the script element's content


class SiteReader(Protocol):
    """What views read of the site, one value at a time (queries/pages.py asks the query
    layer for each, so a page depends on exactly what it shows)."""

    config: SiteConfig

    def card(self, slug: str) -> Card: ...
    def article(self, slug: str) -> Article: ...
    def place(self, slug: str) -> Place: ...
    def html(self, slug: str) -> str: ...
    def term_names(self, taxonomy: str) -> Mapping[str, str]: ...
    def browse(self) -> Sequence[tuple[str, str]]:
        """(key, title) of the taxonomies with terms, authors left out."""


class Views:
    """Builds the view dicts of one page."""

    def __init__(self, site: SiteReader, stylesheet: str, assets: Mapping[str, str] | None = None):
        """``assets``: versioned URLs of the theme's static files, by path (static.THEME_ASSETS)."""
        self.site = site
        assets = assets or {}
        config = site.config
        self._config = config
        self._base = config.base_path
        self._zone = config.zone
        self._stylesheet = stylesheet
        self._icon = assets.get(ICON, "")
        self._search_script = assets.get(SEARCH_SCRIPT, "")
        self._feed_taxonomies = feed_taxonomies(config)

    def url(self, site_path: str) -> str:
        """Root-relative URL of a site path."""
        return href(self._base, site_path)

    def _link(self, taxonomy: str, key: str) -> dict:
        return {"title": self.term_name(taxonomy, key), "url": self.url(term_path(taxonomy, key))}

    def term_name(self, taxonomy: str, key: str) -> str:
        """The display name of a term."""
        return self.site.term_names(taxonomy)[key]

    def _card(self, card: Card) -> dict:
        lang = card.lang or self._config.language
        return {
            "title": card.title, "url": self.url(card.path), "summary": card.summary,
            "date": date_view(card.date, self._zone), "reading_minutes": card.reading_minutes,
            "author": self._link("author", card.author_key),
            "category": self._link("category", card.category),
            "lang": lang if lang != self._config.language else None, "dir": text_direction(lang),
            "draft": card.draft,
        }

    def cards(self, slugs) -> list[dict]:
        """Cards for listings, in the given order."""
        return [self._card(self.site.card(slug)) for slug in slugs]

    def common(self, path: str, title: str, description: str = "", *,
               feeds: list[dict] | None = None, noindex: bool = False, article: Article | None = None,
               crumbs: tuple[tuple[str, str], ...] = ()) -> dict:
        """The ``site`` and ``page`` every template receives. ``crumbs`` are the (title,
        site path) steps below Home that lead to this page; ``article`` is the page's own."""
        config = self._config
        lang = config.language
        menu = [{"title": item.title, "url": self._menu_url(item.url), "current": self._is_current(item.url, path)}
                for item in config.menu]
        browse = [{"title": title, "url": self.url(f"{key}/")} for key, title in self.site.browse()]
        search = {"url": self.url("search/"), "bundle": self.url(f"{SEARCH_BUNDLE}/"), "script": self._search_script,
                  "browse": [*browse, {"title": "Archive", "url": self.url("archive/")}]}
        site = Values({
            "title": config.title, "tagline": config.tagline, "description": config.description,
            "language": config.language, "url": self.url(""), "base_url": config.base_url,
            "announcement": config.announcement, "menu": menu, "feeds": self._feeds(config.title, ""),
            "archive_url": self.url("archive/"), "stylesheet": self._stylesheet, "icon": self._icon,
            "search": search if config.search else None,
        })
        description = description or config.description
        trail = (("Home", ""), *crumbs) if crumbs else ()
        breadcrumbs = [{"title": name, "url": self.url(step), "absolute": config.absolute_url(step)}
                       for name, step in trail]
        social = None if noindex else self._social(path, title, description, article)
        return {
            "site": site,
            "page": {
                "title": title, "description": description,
                "canonical": config.absolute_url(path), "lang": lang, "dir": text_direction(lang),
                "feeds": feeds or [], "noindex": noindex, "breadcrumbs": breadcrumbs, "social": social,
                "json_ld": None if noindex else json_ld(self._structured_data(path, article, breadcrumbs)),
            },
        }

    def _social(self, path: str, title: str, description: str, article: Article | None) -> dict:
        """OpenGraph and Twitter card values: the article's own for an article page."""
        config = self._config
        image = self.absolute(article.meta.image) if article and article.meta.image else None
        social = {"type": "article" if article else "website", "site_name": config.title, "title": title,
                  "description": description, "url": config.absolute_url(path), "image": image,
                  "card": "summary_large_image" if image else "summary", "article": None}
        if article:
            meta = article.meta
            social["article"] = {
                "published": meta.date.astimezone(self._zone).isoformat(),
                "modified": article.last_modified.astimezone(self._zone).isoformat(),
                "author": config.absolute_url(term_path("author", article.author_key)),
                "section": self.term_name("category", meta.category),
                "tags": [self.term_name("tag", key) for key in article.tag_keys],
            }
        return social

    def _structured_data(self, path: str, article: Article | None, breadcrumbs: list[dict]) -> dict | None:
        """JSON-LD for search engines: the Article and its BreadcrumbList; the WebSite (with
        its search) on the home page; a BreadcrumbList on listings."""
        config = self._config
        graph: list[dict] = []
        if path == "":
            website = {"@type": "WebSite", "name": config.title, "url": config.base_url,
                       "description": config.description or None, "inLanguage": config.language}
            if config.search:
                website["potentialAction"] = {"@type": "SearchAction", "query-input": "required name=q",
                                              "target": config.absolute_url("search/") + "?q={q}"}
            graph.append(website)
        if article:
            meta = article.meta
            graph.append({
                "@type": "Article", "headline": meta.title, "description": article.summary or None,
                "url": config.absolute_url(path), "mainEntityOfPage": config.absolute_url(path),
                "datePublished": meta.date.astimezone(self._zone).isoformat(),
                "dateModified": article.last_modified.astimezone(self._zone).isoformat(),
                "author": {"@type": "Person", "name": meta.author,
                           "url": config.absolute_url(term_path("author", article.author_key))},
                "publisher": {"@type": "Organization", "name": config.title, "url": config.base_url},
                "image": self.absolute(meta.image) if meta.image else None,
                "inLanguage": meta.lang or config.language,
                "articleSection": self.term_name("category", meta.category),
                "keywords": [self.term_name("tag", key) for key in article.tag_keys] or None,
                "isBasedOn": meta.source,
            })
        if breadcrumbs:
            graph.append({"@type": "BreadcrumbList", "itemListElement": [
                {"@type": "ListItem", "position": n, "name": crumb["title"], "item": crumb["absolute"]}
                for n, crumb in enumerate(breadcrumbs, 1)]})
        if not graph:
            return None
        return {"@context": "https://schema.org",
                "@graph": [{k: v for k, v in node.items() if v is not None} for node in graph]}

    def absolute(self, url: str) -> str:
        """A full URL: site paths ('/images/a.png') under the base URL, others unchanged."""
        return self._config.absolute_url(url[1:]) if url.startswith("/") else url

    def _menu_url(self, url: str) -> str:
        return self.url(url[1:]) if url.startswith("/") else url

    @staticmethod
    def _is_current(menu_url: str, path: str) -> bool:
        if not menu_url.startswith("/"):
            return False
        target = menu_url[1:]
        return path == target if target == "" else path.startswith(target)

    def article(self, slug: str) -> dict:
        """Everything article.html shows."""
        article = self.site.article(slug)
        meta = article.meta
        place = self.site.place(slug)
        neighbours = {}
        for name, other in (("previous", place.previous), ("next", place.next)):
            if other:
                card = self.site.card(other)
                neighbours[name] = {"title": card.title, "url": self.url(card.path)}
            else:
                neighbours[name] = None
        return {
            **self.cards((slug,))[0],
            "html": Html(self.site.html(slug)),
            "updated": date_view(meta.updated, self._zone) if meta.updated else None,
            "tags": [self._link("tag", key) for key in article.tag_keys],
            "audience": [self._link("audience", key) for key in meta.audience],
            "toc": [{"level": h.level, "anchor": h.anchor, "text": h.text} for h in article.toc],
            "source": meta.source,
            "image": meta.image,
            "related": self.cards(place.related),
            **neighbours,
        }

    def pager(self, pager: Pager) -> dict:
        """Pagination links for a listing page."""
        return {
            "number": pager.number, "count": pager.count,
            "previous": self.url(pager.previous_path) if pager.previous_path is not None else None,
            "next": self.url(pager.next_path) if pager.next_path is not None else None,
        }

    def term(self, taxonomy: str, term) -> dict:
        """A term (queries.site.TermSummary) for its own listing page and for term indexes."""
        heading = term.name
        if taxonomy == "audience":  # "For jobseekers", "For HR managers"
            heading = "For " + (term.name[:1].lower() + term.name[1:] if term.name[1:2].islower() else term.name)
        return {"key": term.key, "title": term.name, "heading": heading, "url": self.url(term.path),
                "description": term.description, "count": term.count,
                "taxonomy": taxonomy, "taxonomy_url": self.url(f"{taxonomy}/")}

    def _feeds(self, title: str, folder: str) -> list[dict]:
        return [{"title": f"{title} ({kind.label})", "url": self.url(folder + kind.name), "type": kind.media_type}
                for kind in FEED_FORMATS]

    def term_feeds(self, taxonomy: str, key: str) -> list[dict]:
        """The feeds of one term (empty when its taxonomy has none: see site.yaml's feeds)."""
        if taxonomy not in self._feed_taxonomies:
            return []
        return self._feeds(self.term_name(taxonomy, key), term_path(taxonomy, key))
