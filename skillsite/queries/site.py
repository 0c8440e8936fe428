"""Queries over the site as a whole: what is published now, the structure, link targets,
and the small answers pages ask of the structure (each a cutoff: an article's neighbours,
one listing page, the names of the terms). Strata 6-10 (see query.py)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime

from ..config import SiteConfig
from ..inputs import CLOCK, OPTIONS
from ..addresses import IMAGE_SUFFIXES, LinkTargets
from ..model import Diagnostic, Pager, Place, Placement, Structure
from ..query import Query
from ..spellings import spelling_clashes
from ..standalone import page_collisions
from ..urls import alias_path
from .. import frontpage, site as model
from .content import ARTICLE_FILES, BASE_PATH, CONFIG, PLACEMENT, RULES, Options
from .standalone import STANDALONE_PAGES


def _placements(ask, names) -> list[Placement]:
    return [p for p in (ask.get(PLACEMENT, name) for name in names) if p is not None]


def _schedule(ask, _: str) -> tuple[datetime, ...]:
    return model.schedule(_placements(ask, ask.get(ARTICLE_FILES).articles))


SCHEDULE = Query("schedule", 6, _schedule, tuple[datetime, ...])
"""Every moment that publishes or unpublishes an article, sorted."""


def _epoch(ask, _: str) -> int:
    now = datetime.fromisoformat(ask.get(CLOCK))
    return bisect.bisect_right(ask.get(SCHEDULE), now)


EPOCH = Query("epoch", 7, _epoch, int)
"""How many of those moments have passed: the clock matters only when it crosses one, and
the clock set back brings an embargoed article down again."""


def _publication(ask, _: str) -> model.Publication:
    options: Options = ask.get(OPTIONS)
    moments, epoch = ask.get(SCHEDULE), ask.get(EPOCH)
    passed = set(moments[:epoch])
    return model.select_published(_placements(ask, ask.get(ARTICLE_FILES).articles), passed.__contains__,
                                  drafts=options.drafts, future=options.future, expired=options.expired)


PUBLICATION = Query("publication", 8, _publication, model.Publication)


def _site_problems(ask, _: str) -> tuple[Diagnostic, ...]:
    placements = _placements(ask, ask.get(ARTICLE_FILES).articles)
    taken = model.slug_collisions(placements)
    blamed = {problem.path for problem in taken}  # one URL for two: their one feed id is the same mistake
    ids = model.guid_collisions(ask.get(RULES).id_authority, [p for p in placements if p.path not in blamed])
    aliases = ((alias_path(alias), p.path, alias) for p in placements for alias in p.aliases)
    pages = page_collisions(ask.get(STANDALONE_PAGES), aliases)
    return (*taken, *ids, *pages, *spelling_clashes(_placements(ask, ask.get(PUBLICATION).published)))


SITE_PROBLEMS = Query("site-problems", 9, _site_problems, tuple[Diagnostic, ...])
"""Two articles at one URL or with one feed id; two spellings of one tag or author; a page
at another's address or at an article's old one."""


def _structure(ask, _: str) -> Structure:
    return model.structure(ask.get(CONFIG), _placements(ask, ask.get(PUBLICATION).published))


STRUCTURE = Query("structure", 9, _structure, Structure)


def _link_targets(ask, _: str) -> LinkTargets:
    content = ask.get(RULES).content
    images = [name[len(content) + 1:] for name in ask.get(ARTICLE_FILES).others
              if name.lower().endswith(IMAGE_SUFFIXES)]
    return model.link_targets(ask.get(BASE_PATH), _placements(ask, ask.get(PUBLICATION).published), images,
                              ask.get(STANDALONE_PAGES))


LINK_TARGETS = Query("link-targets", 9, _link_targets, LinkTargets)


def _place(ask, slug: str) -> Place | None:
    return ask.get(STRUCTURE).places.get(slug)


PLACE = Query("place", 10, _place, Place | None)
"""An article's file and neighbours, by slug."""


@dataclass(frozen=True, slots=True)
class TermSummary:
    """A term as pages name it, without its articles."""

    key: str
    name: str
    path: str
    description: str
    count: int


@dataclass(frozen=True, slots=True)
class TaxonomySummary:
    """A taxonomy's terms, without their articles."""

    key: str
    title: str
    terms: tuple[TermSummary, ...]


def _taxonomies(ask, _: str) -> tuple[TaxonomySummary, ...]:
    return tuple(TaxonomySummary(t.key, t.title, tuple(TermSummary(term.key, term.name, term.path, term.description,
                                                                   len(term.articles)) for term in t.terms))
                 for t in ask.get(STRUCTURE).taxonomies)


TAXONOMIES = Query("taxonomies", 10, _taxonomies, tuple[TaxonomySummary, ...])
"""Every taxonomy's terms, with their names and counts."""


def _term_names(ask, _: str) -> dict[str, dict[str, str]]:
    return {t.key: {term.key: term.name for term in t.terms} for t in ask.get(STRUCTURE).taxonomies}


TERM_NAMES = Query("term-names", 10, _term_names, dict[str, dict[str, str]])
"""The display name of every term, by taxonomy and key (a new spelling that wins changes it)."""


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a listing: which articles, and whose listing."""

    pager: Pager
    taxonomy: str
    """'' for the home page's listing."""
    term: TermSummary | None


def listing_of(site_path: str) -> tuple[str, str, int]:
    """(taxonomy, term key, page number) of a listing page's site path ('' and '' for home)."""
    head, _, number = site_path.partition("page/")
    page = int(number.rstrip("/")) if number else 1
    parts = [part for part in head.split("/") if part]
    return (parts[0], parts[1], page) if len(parts) >= 2 else ("", "", page)


def _listing(ask, site_path: str) -> ListingPage | None:
    structure: Structure = ask.get(STRUCTURE)
    config: SiteConfig = ask.get(CONFIG)
    taxonomy, key, number = listing_of(site_path)
    if not taxonomy:
        pagers, term = model.paginate("", structure.order, config.per_page), None
    else:
        found = next((t for t in structure.taxonomy(taxonomy).terms if t.key == key), None)
        if found is None:
            return None
        members = model.pinned_first(found.articles, structure.pinned) if taxonomy == "category" else found.articles
        pagers = model.paginate(found.path, members, config.per_page)
        term = TermSummary(found.key, found.name, found.path, found.description, len(found.articles))
    return ListingPage(pagers[number - 1], taxonomy, term) if number <= len(pagers) else None


LISTING = Query("listing", 10, _listing, ListingPage | None)
"""One listing page (home, a category's, a tag's...), by its site path."""

def _front_page(ask, _: str) -> frontpage.FrontPage:
    return frontpage.front_page(ask.get(CONFIG).categories, ask.get(STRUCTURE))


FRONT_PAGE = Query("front-page", 10, _front_page, frontpage.FrontPage)
"""What the home page shows: the lead, the pinned articles, each category's newest."""

QUERIES = (FRONT_PAGE, SCHEDULE, EPOCH, PUBLICATION, SITE_PROBLEMS, STRUCTURE, LINK_TARGETS, PLACE, TAXONOMIES, TERM_NAMES,
           LISTING)
