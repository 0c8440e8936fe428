"""The dicts templates receive: the contract between skillsite and themes.

Every value is ready to print: URLs are final, dates are formatted, HTML is marked safe.
Templates decide only how things look.

Every page gets ``site`` and ``page``:

- ``site``: title, tagline, description, language, url (home), base_url, announcement,
  menu (title, url, current), feeds (title, url, type), archive_url, stylesheet (url)
- ``page``: title, description, canonical (absolute URL), lang and dir (the site's; an
  article in another language carries its own ``lang``/``dir``), feeds (alternates for
  this page, beyond the site's), noindex

and, by template: ``article`` (article.html), ``articles`` + ``pager`` (index.html,
listing.html), ``term`` + ``taxonomy`` (listing.html), ``taxonomy`` + ``terms``
(terms.html), ``years`` (archive.html), ``target`` (redirect.html).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from .model import Article, Pager, Taxonomy, Term
from .site import Site
from .urls import href

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


class Views:
    """Builds view dicts for one site; article cards are made once and shared."""

    def __init__(self, site: Site, stylesheet: str):
        self.site = site
        config = site.config
        self._base = config.base_path
        self._zone = config.zone
        self._terms = {(t.key, term.key): term for t in site.taxonomies for term in t.terms}
        self._site_feeds = [
            {"title": f"{config.title} (RSS)", "url": self.url("feed.xml"), "type": "application/rss+xml"},
            {"title": f"{config.title} (Atom)", "url": self.url("atom.xml"), "type": "application/atom+xml"},
        ]
        self._cards = {a.slug: self._card(a) for a in site.articles}
        self._stylesheet = stylesheet

    def url(self, site_path: str) -> str:
        """Root-relative URL of a site path."""
        return href(self._base, site_path)

    def _link(self, taxonomy: str, key: str) -> dict:
        term = self._terms[(taxonomy, key)]
        return {"title": term.name, "url": self.url(term.path)}

    def _card(self, article: Article) -> dict:
        meta = article.meta
        lang = meta.lang or self.site.config.language
        return {
            "title": meta.title, "url": self.url(article.path), "summary": article.summary,
            "date": date_view(meta.date, self._zone), "reading_minutes": article.reading_minutes,
            "author": self._link("author", article.author_key),
            "category": self._link("category", meta.category),
            "lang": lang if lang != self.site.config.language else None, "dir": text_direction(lang),
            "draft": meta.draft,
        }

    def cards(self, slugs) -> list[dict]:
        """Cards for listings, in the given order."""
        return [self._cards[slug] for slug in slugs]

    def common(self, path: str, title: str, description: str = "", *,
               feeds: list[dict] | None = None, noindex: bool = False) -> dict:
        """The ``site`` and ``page`` every template receives."""
        config = self.site.config
        lang = config.language
        menu = [{"title": item.title, "url": self._menu_url(item.url),
                 "current": self._is_current(item.url, path)} for item in config.menu]
        return {
            "site": {
                "title": config.title, "tagline": config.tagline, "description": config.description,
                "language": config.language, "url": self.url(""), "base_url": config.base_url,
                "announcement": config.announcement, "menu": menu, "feeds": self._site_feeds,
                "archive_url": self.url("archive/"),
                "stylesheet": self._stylesheet,
            },
            "page": {
                "title": title, "description": description or config.description,
                "canonical": config.absolute_url(path), "lang": lang, "dir": text_direction(lang),
                "feeds": feeds or [], "noindex": noindex,
            },
        }

    def _menu_url(self, url: str) -> str:
        return self.url(url[1:]) if url.startswith("/") else url

    @staticmethod
    def _is_current(menu_url: str, path: str) -> bool:
        if not menu_url.startswith("/"):
            return False
        target = menu_url[1:]
        return path == target if target == "" else path.startswith(target)

    def article(self, article: Article) -> dict:
        """Everything article.html shows."""
        meta = article.meta
        card = self._cards[article.slug]
        neighbours = {}
        for name, slug in (("previous", article.previous), ("next", article.next)):
            neighbours[name] = ({"title": self.site.by_slug[slug].meta.title, "url": self.url(self.site.by_slug[slug].path)}
                                if slug else None)
        return {
            **card,
            "html": Markup(article.html),
            "updated": date_view(meta.updated, self._zone) if meta.updated else None,
            "tags": [self._link("tag", key) for key in article.tag_keys],
            "audience": [self._link("audience", key) for key in meta.audience],
            "toc": [{"level": h.level, "anchor": h.anchor, "text": h.text} for h in article.toc],
            "source": meta.source,
            "image": meta.image,
            **neighbours,
        }

    def pager(self, pager: Pager) -> dict:
        """Pagination links for a listing page."""
        return {
            "number": pager.number, "count": pager.count,
            "previous": self.url(pager.previous_path) if pager.previous_path is not None else None,
            "next": self.url(pager.next_path) if pager.next_path is not None else None,
        }

    def term(self, taxonomy: Taxonomy, term: Term) -> dict:
        """A term for its own listing page and for term indexes."""
        return {"key": term.key, "title": term.name, "url": self.url(term.path),
                "description": term.description, "count": len(term.articles),
                "taxonomy": taxonomy.key, "taxonomy_url": self.url(f"{taxonomy.key}/")}

    def category_feeds(self, key: str) -> list[dict]:
        """The feeds of one category."""
        term = self._terms[("category", key)]
        return [
            {"title": f"{term.name} (RSS)", "url": self.url(f"{term.path}feed.xml"), "type": "application/rss+xml"},
            {"title": f"{term.name} (Atom)", "url": self.url(f"{term.path}atom.xml"), "type": "application/atom+xml"},
        ]
