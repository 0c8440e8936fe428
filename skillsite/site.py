"""The site model: what is published, in what order, grouped how, paginated how.

Pure functions over immutable values; nothing here reads or writes files. The structure
(``structure``) is made of the articles' placements alone, so an edit of a title, a
summary or a body leaves it as it was.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from .config import SiteConfig
from .markdown import LinkTargets, reading_minutes
from .model import (Article, Card, Diagnostic, FrontMatter, Pager, Place, Placement, RenderedMarkdown,
                    SourceDocument, Structure, Taxonomy, Term)
from .urls import alias_id, alias_path, article_path, listing_path, term_key, term_path

RELATED_COUNT = 3
"""Related articles shown under each article."""
RELATED_WINDOW = 60
"""How many of the newest articles of each tag and category are considered for each."""


@dataclass(frozen=True, slots=True)
class Publication:
    """Which articles are published now, and what is held back and why (by file)."""

    published: tuple[str, ...]
    """Files of the articles that appear on the site, in file order."""
    drafts: tuple[str, ...]
    """Held back as drafts."""
    scheduled: tuple[tuple[str, datetime], ...]
    """Held back until their date: (file, date), soonest first."""
    expired: tuple[tuple[str, datetime], ...]
    """Held back since their expiry date: (file, expiry)."""


@dataclass(frozen=True, slots=True)
class HeldBack:
    """An article a build did not publish, and why."""

    path: str
    """Its file."""
    reason: str
    """``scheduled``, ``expired`` or ``draft``."""
    when: str
    """For scheduled and expired articles, the moment (``YYYY-MM-DD HH:MM+hh:mm``)."""


def held_back(publication: Publication) -> tuple[HeldBack, ...]:
    """What ``publication`` holds back: scheduled articles first, soonest first."""
    return (*(HeldBack(path, "scheduled", date.isoformat(" ", "minutes")) for path, date in publication.scheduled),
            *(HeldBack(path, "expired", expires.isoformat(" ", "minutes")) for path, expires in publication.expired),
            *(HeldBack(path, "draft", "") for path in publication.drafts))


def placement(document: SourceDocument) -> Placement:
    """What decides the article's place in the site (see model.Placement)."""
    meta = document.meta
    return Placement(document.path, document.content_path, meta.slug, meta.date, meta.category, meta.tags,
                     meta.author, meta.audience, meta.aliases, meta.draft, meta.expires, meta.id, meta.source,
                     document.field_lines)


def schedule(placements: Iterable[Placement]) -> tuple[datetime, ...]:
    """Every moment that publishes or unpublishes an article, sorted."""
    return tuple(sorted({moment for p in placements for moment in (p.date, p.expires) if moment is not None}))


def select_published(placements: Iterable[Placement], passed: Callable[[datetime], bool], *, drafts: bool = False,
                     future: bool = False, expired: bool = False) -> Publication:
    """Split articles by whether they are published; ``passed(moment)``: has it come?"""
    groups: dict[str, list] = defaultdict(list)
    for p in placements:
        if p.draft and not drafts:
            groups["drafts"].append(p.path)
        elif not passed(p.date) and not future:
            groups["scheduled"].append((p.path, p.date))
        elif p.expires is not None and passed(p.expires) and not expired:
            groups["expired"].append((p.path, p.expires))
        else:
            groups["published"].append(p.path)
    groups["scheduled"].sort(key=lambda held: held[1])
    return Publication(*(tuple(groups[name]) for name in ("published", "drafts", "scheduled", "expired")))


def link_targets(base_path: str, published: Iterable[Placement], images: Iterable[str] = ()) -> LinkTargets:
    """Where links between published articles point, and which images articles may show
    from beside them (``images``: content paths)."""
    by_file, by_source = {}, {}
    for p in published:
        by_file[p.content_path] = article_path(p.slug)
        if p.source:
            by_source[p.source] = article_path(p.slug)
    return LinkTargets(base_path, by_file, by_source, frozenset(images))


def feed_guid(authority: str, p: Placement | FrontMatter) -> str:
    """The article's feed id: its ``id``, else a tag: URI from the site's naming authority,
    the day it was first published and its first slug. Never the URL or the title."""
    if p.id:
        return p.id
    first_slug = alias_id(p.aliases[0]) if p.aliases else p.slug  # an old path: '/' and the path
    return f"tag:{authority}:{p.date.date().isoformat()}:{first_slug}"


def guid_collisions(authority: str, placements: Iterable[Placement]) -> list[Diagnostic]:
    """Two articles with one feed id: readers would merge them, or drop one."""
    owners: dict[str, str] = {}
    problems = []
    for p in placements:
        guid = feed_guid(authority, p)
        other = owners.setdefault(guid, p.path)
        if other != p.path:
            line = p.lines.get("id", p.lines.get("slug", 1))
            problems.append(Diagnostic(p.path, line, f"the feed id '{guid}' is already used by {other}",
                                       "each article needs its own id: change or remove the id: field"))
    return problems


def slug_collisions(placements: Sequence[Placement]) -> list[Diagnostic]:
    """Two articles (or an article and another's old alias) claiming one URL. Slugs are
    claimed first, so an alias is the one blamed, whatever the order of the files."""
    owners: dict[str, str] = {}
    problems = []
    claims = [(p, p.slug, "slug") for p in placements] + [(p, a, "alias") for p in placements for a in p.aliases]
    for p, name, kind in claims:  # by the address claimed: an old path may spell a slug's (/articles/x/)
        other = owners.setdefault(alias_path(name) if kind == "alias" else article_path(name), p.path)
        if other != p.path:
            field = "slug" if kind == "slug" else "aliases"
            hint = ("two articles cannot share a URL; give one of them a different slug: field" if kind == "slug"
                    else "an alias keeps an old URL working; remove it if that URL now belongs to the other article")
            problems.append(Diagnostic(p.path, p.lines.get(field, 1), f"{kind} '{name}' is already used by {other}",
                                       f"{hint} (both want /{alias_path(name)})"))
    return problems


def structure(config: SiteConfig, published: Iterable[Placement]) -> Structure:
    """The site's structure from the placements of the published articles."""
    newest_first = sorted(published, key=lambda p: (-p.date.timestamp(), p.slug))
    slugs = [p.slug for p in newest_first]
    related = _related(newest_first)
    last = len(slugs) - 1
    places = {p.slug: Place(p.path, slugs[index + 1] if index < last else None, slugs[index - 1] if index else None,
                            related[index]) for index, p in enumerate(newest_first)}
    taxonomies = (
        _groups("category", "Categories", config.categories, ((p, (p.category,)) for p in newest_first)),
        _terms("tag", "Tags", ((p, p.tags) for p in newest_first)),
        _terms("author", "Authors", ((p, (p.author,)) for p in newest_first)),
        _groups("audience", "Audiences", config.audiences, ((p, p.audience) for p in newest_first)),
    )
    redirects = tuple(sorted({(alias_path(alias), p.slug) for p in newest_first for alias in p.aliases}))
    return Structure(tuple(slugs), places, taxonomies, redirects)


def _related(newest_first: list[Placement], count: int = RELATED_COUNT, window: int = RELATED_WINDOW
             ) -> list[tuple[str, ...]]:
    """Up to ``count`` related articles for each: two points for every tag they share, one
    for the same category, counted among the ``window`` newest articles of each of its tags
    and of its category (so the work grows with the site, not with its square); ties go to
    the newer article."""
    rank = {p.slug: index for index, p in enumerate(newest_first)}
    tag_keys = {p.slug: tuple(dict.fromkeys(term_key(t) for t in p.tags)) for p in newest_first}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in newest_first:
        for key in tag_keys[p.slug]:
            groups[("tag", key)].append(p.slug)
        groups[("category", p.category)].append(p.slug)
    windows = {group: members[:window] for group, members in groups.items()}
    related = []
    for p in newest_first:
        # each tag's window counted twice: two points per shared tag, one for the category
        tagged = [windows[("tag", key)] for key in tag_keys[p.slug]]
        scores = Counter(chain(*tagged, *tagged, windows[("category", p.category)]))
        scores.pop(p.slug, None)
        best = heapq.nsmallest(count, [(-score, rank[slug], slug) for slug, score in scores.items()])
        related.append(tuple(slug for _, _, slug in best))
    return related


def _groups(taxonomy: str, title: str, declared, memberships) -> Taxonomy:
    """Categories or audiences: the terms site.yaml declares, in its order."""
    members = defaultdict(list)
    for p, keys in memberships:
        for key in keys:
            members[key].append(p.slug)
    return Taxonomy(taxonomy, title, tuple(
        Term(group.key, group.title, term_path(taxonomy, group.key), tuple(members[group.key]), group.description)
        for group in declared))


def _terms(taxonomy: str, title: str, memberships) -> Taxonomy:
    """Free-form terms (tags, authors): spellings that share a key are one term, shown
    under its most used spelling (ties: the first in sort order)."""
    members: dict[str, list[str]] = defaultdict(list)
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p, names in memberships:
        for name in dict.fromkeys(names):
            key = term_key(name)
            if not members[key] or members[key][-1] != p.slug:
                members[key].append(p.slug)
            spellings[key][name] += 1
    terms = []
    for key in sorted(members):
        name = min(spellings[key], key=lambda n: (-spellings[key][n], n))
        terms.append(Term(key, name, term_path(taxonomy, key), tuple(members[key])))
    return Taxonomy(taxonomy, title, tuple(terms))


def article(authority: str, document: SourceDocument, body: RenderedMarkdown) -> Article:
    """A published article from its document (dated by git) and its rendered body."""
    meta = document.meta
    return Article(meta=meta, source_path=document.path, path=article_path(meta.slug),
                   guid=feed_guid(authority, meta), summary=body.summary, toc=body.toc,
                   reading_minutes=reading_minutes(body.words), author_key=term_key(meta.author),
                   tag_keys=tuple(dict.fromkeys(term_key(t) for t in meta.tags)))


def card(article: Article) -> Card:
    """What listings show of ``article``."""
    meta = article.meta
    return Card(meta.title, article.path, article.summary, meta.date, article.last_modified, article.reading_minutes,
                article.author_key, meta.category, article.tag_keys, meta.lang, meta.draft)


def paginate(first_path: str, slugs: tuple[str, ...], per_page: int) -> tuple[Pager, ...]:
    """Split a listing into pages: ``first_path``, then ``first_path/page/2/``..."""
    count = max(1, -(-len(slugs) // per_page))
    paths = [listing_path(first_path, n) for n in range(1, count + 1)]
    return tuple(
        Pager(number=n, count=count, path=paths[n - 1], articles=slugs[(n - 1) * per_page: n * per_page],
              previous_path=paths[n - 2] if n > 1 else None, next_path=paths[n] if n < count else None)
        for n in range(1, count + 1))
