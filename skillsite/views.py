"""The dicts templates receive: the contract between skillsite and themes.

Every value is ready to print: URLs are final, dates are formatted in the site's language,
HTML is marked safe. Templates decide only how things look.

Every page gets ``site``, ``page`` and ``text``:

- ``site``: title, tagline, description, language, url (home), base_url, menu (title, url,
  current), feeds (title, url, type), archive_url, subscribe_url, stylesheet (url), icon
  (url of the theme's favicon.svg, or ''), browse (links (title, url) to the category, tag
  and audience indexes and the archive), search (None when off, else url of the search
  page, bundle: url of Pagefind's folder, script: url of the theme's search.js, '' when the
  theme has none; browse: the same links as site.browse)
- ``page``: title, description, canonical (absolute URL), lang and dir (the site's; an
  article in another language carries its own ``lang``/``dir``), is_home, announcement
  (site.yaml's, on the home page only; '' elsewhere), feeds (alternates for this page,
  beyond the site's), noindex, breadcrumbs (title, url, absolute; from Home to this page;
  empty on pages without a trail), social (None on noindex pages, else OpenGraph/Twitter
  values: type, site_name, title, description, url, image (absolute or None), card,
  article (None, or published, modified, authors (urls), section, tags)), json_ld (the
  text of a <script type="application/ld+json">, already escaped, or None)
- ``text``: the theme's texts in the site's language (i18n.Texts, from the theme's
  ``i18n/<language>.yaml``): ``text.menu``; ``text("byline", authors=...)`` fills a
  placeholder (with markup from the template, or text, escaped); ``text("article_count",
  count=n)`` picks the plural form; ``text.number(n)`` writes a number in the language's
  digits.

A card (listings, the home page, related articles) has title, url, summary, date (iso,
text, year), reading_time, authors (each: title, url, joiner (the text before it in the
list: "", ", ", " and "), bio, link, avatar (url or None), initials), category (title,
url), tags (title, url), lang and dir (lang None in the site's language), draft, pinned.

And, by template: ``front`` (index.html: lead (a card or None), pinned (cards), sections
(key, title, url, description, count, articles (cards))); ``article`` (article.html: a card
and html, updated, tags, audience, toc (level, anchor, text), source, image, related
(cards), older and newer (title, url, lang, dir; within its category) or None);
``articles`` + ``pager`` (number, count, position, previous, next) (listing.html);
``term`` + ``taxonomy`` (listing.html; a term has key, title, heading ("For jobseekers" for
an audience), url, description (an author's bio), count, taxonomy, taxonomy_url, link,
avatar, initials, subscribe (the url of its feeds on the subscribe page, or None));
``taxonomy`` + ``terms`` (terms.html); ``years`` (year, heading, articles) (archive.html);
``standalone`` (page.html: title, html, updated, lang, dir, draft); ``subscriptions``
(subscribe.html: title, description, url, anchor, feeds (label, url, type), the RSS feed
first) + ``more_feeds`` (a sentence, or ''); ``months`` + ``digits`` + ``subscribe``
(feed.xsl); ``target`` (redirect.html); search.html and 404.html get only ``site``,
``page`` and ``text``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from .authors import by_key, initials
from .config import SiteConfig
from .i18n import Texts, Translations
from .metadata import Metadata, json_ld
from .model import Article, Card, Pager, Place
from .outputs.feeds import FEED_FORMATS, feed_taxonomies
from .outputs.static import ICON, SEARCH_SCRIPT
from .search import BUNDLE as SEARCH_BUNDLE
from .urls import href, term_path

__all__ = ["Html", "SiteReader", "Values", "Views", "date_view", "json_ld", "text_direction"]

RTL_LANGUAGES = frozenset({"ar", "arc", "dv", "fa", "ha", "he", "khw", "ks", "ku", "ps", "sd", "ur", "yi"})


def text_direction(lang: str) -> str:
    """'rtl' for right-to-left languages, else 'ltr'."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def date_view(moment: datetime, zone: ZoneInfo, text: Texts) -> dict:
    """A date for display: ``iso`` for <time datetime>, ``text`` for people (7 April 2014,
    ৭ এপ্রিল, ২০১৪), ``year``."""
    local = moment.astimezone(zone)
    return {"iso": local.isoformat(), "text": text.date(moment, zone), "year": local.year}


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


class SiteReader(Protocol):
    """What views read of the site, one value at a time (queries/pages.py asks the query
    layer for each, so a page depends on exactly what it shows)."""

    config: SiteConfig

    def card(self, slug: str) -> Card: ...
    def article(self, slug: str) -> Article: ...
    def place(self, slug: str) -> Place: ...
    def html(self, slug: str) -> str: ...
    def term_names(self, taxonomy: str) -> Mapping[str, str]: ...
    def translations(self) -> Translations: ...
    def browse(self) -> Sequence[tuple[str, str]]:
        """(key, title) of the taxonomies with terms, authors left out."""


_texts: dict[int, tuple[Translations, Texts]] = {}


def texts_of(translations: Translations) -> Texts:
    """The Texts of one value of the translations, made once per process."""
    made = _texts.get(id(translations))
    if made is None or made[0] is not translations:
        _texts.clear()
        made = _texts[id(translations)] = (translations, Texts(translations))
    return made[1]


class Views(Metadata):
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
        self._authors = by_key(config.authors)
        self.text = texts_of(site.translations())

    def url(self, site_path: str) -> str:
        """Root-relative URL of a site path."""
        return href(self._base, site_path)

    def date(self, moment: datetime) -> dict:
        """A date for display (see ``date_view``)."""
        return date_view(moment, self._zone, self.text)

    def _link(self, taxonomy: str, key: str) -> dict:
        return {"title": self.term_name(taxonomy, key), "url": self.url(term_path(taxonomy, key))}

    def term_name(self, taxonomy: str, key: str) -> str:
        """The display name of a term (an author's: site.yaml's name for them, else as written)."""
        if taxonomy == "author" and key in self._authors:
            return self._authors[key].name
        return self.site.term_names(taxonomy)[key]

    def taxonomy_title(self, key: str) -> str:
        """The plural name of a taxonomy ("Tags"), in the site's language."""
        return self.text.get({"category": "categories", "tag": "tags", "author": "authors",
                              "audience": "audiences"}.get(key, key), key)

    def author(self, key: str, joiner: str = "") -> dict:
        """An author as pages show them."""
        declared = self._authors.get(key)
        name = self.term_name("author", key)
        avatar = declared.avatar if declared else None
        return {"title": name, "url": self.url(term_path("author", key)), "joiner": joiner,
                "bio": declared.bio if declared else "", "link": declared.link if declared else None,
                "avatar": (self.url(avatar[1:]) if avatar.startswith("/") else avatar) if avatar else None,
                "initials": initials(name)}

    def _card(self, card: Card) -> dict:
        lang = card.lang or self._config.language
        joiners = self.text.joiners(len(card.author_keys))
        return {
            "title": card.title, "url": self.url(card.path), "summary": card.summary, "date": self.date(card.date),
            "reading_time": self.text("reading_time", count=card.reading_minutes),
            "authors": [self.author(key, joiner) for key, joiner in zip(card.author_keys, joiners)],
            "category": self._link("category", card.category),
            "tags": [self._link("tag", key) for key in card.tag_keys],
            "lang": lang if lang != self._config.language else None, "dir": text_direction(lang),
            "draft": card.draft, "pinned": card.pinned,
        }

    def cards(self, slugs) -> list[dict]:
        """Cards for listings, in the given order."""
        return [self._card(self.site.card(slug)) for slug in slugs]

    def browse(self) -> list[dict]:
        """Links to the indexes of the taxonomies with terms (authors left out) and the archive."""
        return [*({"title": self.taxonomy_title(key), "url": self.url(f"{key}/")} for key, _ in self.site.browse()),
                {"title": self.text.archive, "url": self.url("archive/")}]

    def common(self, path: str, title: str, description: str = "", *,
               feeds: list[dict] | None = None, noindex: bool = False, article: Article | None = None,
               crumbs: tuple[tuple[str, str], ...] = ()) -> dict:
        """The ``site``, ``page`` and ``text`` every template receives. ``crumbs`` are the
        (title, site path) steps below Home that lead to this page; ``article`` is the page's own."""
        config = self._config
        lang = config.language
        menu = [{"title": item.title, "url": self._menu_url(item.url), "current": self._is_current(item.url, path)}
                for item in config.menu]
        browse = self.browse()
        search = {"url": self.url("search/"), "bundle": self.url(f"{SEARCH_BUNDLE}/"), "script": self._search_script,
                  "browse": browse}
        site = Values({
            "title": config.title, "tagline": config.tagline, "description": config.description,
            "language": config.language, "url": self.url(""), "base_url": config.base_url,
            "menu": menu, "feeds": self._feeds(config.title, ""), "archive_url": self.url("archive/"),
            "subscribe_url": self.url("subscribe/"), "stylesheet": self._stylesheet, "icon": self._icon,
            "browse": browse, "search": search if config.search else None,
        })
        description = description or config.description
        trail = ((self.text.home, ""), *crumbs) if crumbs else ()
        breadcrumbs = [{"title": name, "url": self.url(step), "absolute": config.absolute_url(step)}
                       for name, step in trail]
        social = None if noindex else self._social(path, title, description, article)
        return {
            "site": site,
            "page": {
                "title": title, "description": description, "is_home": path == "",
                "announcement": config.announcement if path == "" else "",
                "canonical": config.absolute_url(path), "lang": lang, "dir": text_direction(lang),
                "feeds": feeds or [], "noindex": noindex, "breadcrumbs": breadcrumbs, "social": social,
                "json_ld": None if noindex else json_ld(self._structured_data(path, article, breadcrumbs)),
            },
            "text": self.text,
        }

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
        for name, other in (("older", place.older), ("newer", place.newer)):
            if other:
                card = self.site.card(other)
                lang = card.lang or self._config.language
                neighbours[name] = {"title": card.title, "url": self.url(card.path),
                                    "lang": lang if lang != self._config.language else None,
                                    "dir": text_direction(lang)}
            else:
                neighbours[name] = None
        return {
            **self.cards((slug,))[0],
            "html": Html(self.site.html(slug)),
            "updated": self.date(meta.updated) if meta.updated else None,
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
            "position": self.text("page_position", number=self.text.number(pager.number),
                                  count=self.text.number(pager.count)),
            "previous": self.url(pager.previous_path) if pager.previous_path is not None else None,
            "next": self.url(pager.next_path) if pager.next_path is not None else None,
        }

    def term(self, taxonomy: str, term) -> dict:
        """A term (queries.site.TermSummary) for its own listing page and for term indexes."""
        name = self.term_name(taxonomy, term.key)
        heading = name
        if taxonomy == "audience":  # "For jobseekers", "For HR managers"
            in_sentence = name[:1].lower() + name[1:] if name[1:2].islower() else name
            heading = self.text.plain("audience_heading", name=name, name_in_sentence=in_sentence)
        author = self.author(term.key) if taxonomy == "author" else None
        feeds = taxonomy in self._feed_taxonomies
        return {"key": term.key, "title": name, "heading": heading, "url": self.url(term.path),
                "description": author["bio"] if author else term.description, "count": term.count,
                "taxonomy": taxonomy, "taxonomy_url": self.url(f"{taxonomy}/"),
                "link": author["link"] if author else None, "avatar": author["avatar"] if author else None,
                "initials": initials(name),
                "subscribe": self.url("subscribe/") + f"#{taxonomy}-{term.key}" if feeds and taxonomy == "category"
                else (self.url(term.path + FEED_FORMATS[0].name) if feeds else None)}

    def feeds_of(self, title: str, folder: str) -> list[dict]:
        """The feeds of the page at ``folder`` (title, url, type, label), RSS first."""
        return self._feeds(title, folder)

    def _feeds(self, title: str, folder: str) -> list[dict]:
        return [{"title": f"{title} ({kind.label})", "url": self.url(folder + kind.name), "type": kind.media_type,
                 "label": kind.label} for kind in FEED_FORMATS]

    def term_feeds(self, taxonomy: str, key: str) -> list[dict]:
        """The feeds of one term (empty when its taxonomy has none: see site.yaml's feeds)."""
        if taxonomy not in self._feed_taxonomies:
            return []
        return self._feeds(self.term_name(taxonomy, key), term_path(taxonomy, key))
