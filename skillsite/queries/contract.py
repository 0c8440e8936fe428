"""Queries the feed contract looks articles up with (see feedcontract.py): by feed id, by
the site path of their page or of an old alias, and what it compares of each."""

from __future__ import annotations

from ..feedcontract import Published
from ..query import Query
from ..site import feed_guid
from ..urls import alias_path, article_path
from .content import DOCUMENT, PLACEMENT, RULES
from .site import PUBLICATION


def _guids(ask, _: str) -> dict[str, str]:
    authority = ask.get(RULES).id_authority
    return {feed_guid(authority, p): p.path for p in _published(ask)}


GUIDS = Query("guids", 10, _guids, dict[str, str])
"""Feed id -> the file of the published article that has it."""


def _page_owners(ask, _: str) -> dict[str, str]:
    owners = {}
    for p in _published(ask):
        owners[article_path(p.slug)] = p.path
        for alias in p.aliases:
            owners.setdefault(alias_path(alias), p.path)
    return owners


PAGE_OWNERS = Query("page-owners", 10, _page_owners, dict[str, str])
"""Site path of an article's page, or of one of its old aliases -> its file."""


def _published(ask):
    return [p for p in (ask.get(PLACEMENT, name) for name in ask.get(PUBLICATION).published) if p is not None]


def _entry(ask, name: str) -> Published | None:
    p = ask.get(PLACEMENT, name)
    if p is None:
        return None
    title = ask.get(DOCUMENT, name).document.meta.title
    return Published(article_path(p.slug), p.slug, feed_guid(ask.get(RULES).id_authority, p), name, title, p.date,
                     p.aliases, p.id, p.lines)


PUBLISHED = Query("published-entry", 11, _entry, Published | None)
"""What the contract compares of one published article."""


class ContractSite:
    """The published site as the feed contract looks it up (feedcontract.PublishedSite)."""

    def __init__(self, db):
        self._db = db
        self.authority = db.get(RULES).id_authority

    def by_guid(self, guid: str) -> Published | None:
        name = self._db.get(GUIDS).get(guid)
        return None if name is None else self._db.get(PUBLISHED, name)

    def by_path(self, site_path: str) -> Published | None:
        name = self._db.get(PAGE_OWNERS).get(site_path)
        return None if name is None else self._db.get(PUBLISHED, name)

    def new_with_title(self, title: str, old_ids: set[str]) -> list[Published]:
        return [entry for entry in self.articles() if entry.title == title and entry.guid not in old_ids]

    def paths(self) -> set[str]:
        return set(self._db.get(PAGE_OWNERS))

    def articles(self):
        """Every published article (asked only where an old item or URL found no article)."""
        for name in self._db.get(PUBLICATION).published:
            entry = self._db.get(PUBLISHED, name)
            if entry is not None:
                yield entry


QUERIES = (GUIDS, PAGE_OWNERS, PUBLISHED)
