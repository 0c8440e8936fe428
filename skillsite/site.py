"""The site model: what is published, in what order, grouped how, paginated how.

Pure functions over immutable values; nothing here reads or writes files.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain
from types import MappingProxyType

from .config import SiteConfig
from .markdown import LinkTargets, reading_minutes
from .model import Article, Diagnostic, Pager, RenderedMarkdown, SourceDocument, Taxonomy, Term
from .urls import alias_id, alias_path, article_path, listing_path, term_key, term_path

RELATED_COUNT = 3
"""Related articles shown under each article."""
RELATED_WINDOW = 60
"""How many of the newest articles of each tag and category are considered for each."""


@dataclass(frozen=True, slots=True)
class Publication:
    """Which documents are published now, and what is held back and why."""

    published: tuple[SourceDocument, ...]
    """Documents that appear on the site."""
    drafts: tuple[SourceDocument, ...]
    """Held back as drafts."""
    scheduled: tuple[SourceDocument, ...]
    """Held back until their date."""
    expired: tuple[SourceDocument, ...]
    """Held back since their expiry date."""


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
    return (*(HeldBack(d.path, "scheduled", d.meta.date.isoformat(" ", "minutes"))
              for d in sorted(publication.scheduled, key=lambda d: d.meta.date)),
            *(HeldBack(d.path, "expired", d.meta.expires.isoformat(" ", "minutes")) for d in publication.expired),
            *(HeldBack(d.path, "draft", "") for d in publication.drafts))


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the outputs need, linked by key."""

    config: SiteConfig
    """The site's configuration."""
    articles: tuple[Article, ...]
    """Published articles, newest first."""
    by_slug: Mapping[str, Article]
    """Articles by slug, in the same order (newest first)."""
    taxonomies: tuple[Taxonomy, ...]
    """Categories, tags, authors and audiences."""
    redirects: tuple[tuple[str, str], ...]
    """(old site path, slug of the article it moved to) for every alias."""
    sources: Mapping[str, tuple[SourceDocument, RenderedMarkdown]] = field(default_factory=dict)
    """What each article was made from, by file: the next build compares with it."""
    load_html: Callable[[str], str] | None = field(default=None, compare=False, repr=False)
    """Reads the body of an article whose HTML was left in the cache, by its file."""

    def html_of(self, article: Article) -> str:
        """The article's rendered body."""
        if article.html is not None:
            return article.html
        if self.load_html is None:
            raise LookupError(f"the body of {article.source_path} was not loaded")
        return self.load_html(article.source_path)

    def taxonomy(self, key: str) -> Taxonomy:
        """The taxonomy whose URL prefix is ``key``."""
        return next(t for t in self.taxonomies if t.key == key)


def select_published(documents: Iterable[SourceDocument], now: datetime, *, drafts: bool = False,
                     future: bool = False, expired: bool = False) -> Publication:
    """Split documents by whether they are published at ``now``."""
    groups: dict[str, list[SourceDocument]] = defaultdict(list)
    for document in documents:
        meta = document.meta
        if meta.draft and not drafts:
            groups["drafts"].append(document)
        elif meta.date > now and not future:
            groups["scheduled"].append(document)
        elif meta.expires is not None and meta.expires <= now and not expired:
            groups["expired"].append(document)
        else:
            groups["published"].append(document)
    return Publication(*(tuple(groups[name]) for name in ("published", "drafts", "scheduled", "expired")))


def next_moment(documents: Iterable[SourceDocument], now: datetime) -> datetime | None:
    """The next moment after ``now`` that publishes or unpublishes one of ``documents``."""
    moments = [d.meta.date for d in documents if d.meta.date > now]
    moments += [d.meta.expires for d in documents if d.meta.expires is not None and d.meta.expires > now]
    return min(moments) if moments else None


@dataclass(frozen=True, slots=True)
class FrontMatterFacts:
    """What a rendering derived from the articles' front matter alone: duplicate feed ids,
    what is published, where links between articles point. While an edit changes bodies
    only, the next rendering in the same process takes them again (``serve``) instead of
    going over every article."""

    config: SiteConfig
    rules: tuple[bool, bool, bool]
    """Whether drafts, future and expired articles were published."""
    documents: tuple[SourceDocument, ...]
    """Every article read (dated by git), in order."""
    problems: tuple[Diagnostic, ...]
    """Feed ids used twice."""
    publication: Publication
    targets: LinkTargets
    since: datetime
    """The moment they were derived at."""
    until: datetime | None
    """When the clock changes what is published: from then on they are derived again."""


def front_matter_facts(config: SiteConfig, documents: tuple[SourceDocument, ...], now: datetime,
                       rules: tuple[bool, bool, bool], before: FrontMatterFacts | None = None) -> FrontMatterFacts:
    """The facts of ``documents``: ``before``'s where only bodies changed since (the same
    files in the same order, each with the same front matter), else derived anew."""
    if (before is not None and before.config == config and before.rules == rules
            and before.since <= now and (before.until is None or now < before.until)
            and _bodies_edited_only(before.documents, documents)):
        swapped = {old.path: new for old, new in zip(before.documents, documents) if old is not new}
        held = before.publication
        publication = Publication(*(tuple(swapped.get(d.path, d) for d in group) if swapped else group
                                    for group in (held.published, held.drafts, held.scheduled, held.expired)))
        return replace(before, documents=documents, publication=publication)
    drafts, future, expired = rules
    publication = select_published(documents, now, drafts=drafts, future=future, expired=expired)
    return FrontMatterFacts(config, rules, documents, tuple(guid_collisions(config, documents)), publication,
                            link_targets(config, publication.published), now, next_moment(documents, now))


def _bodies_edited_only(before: tuple[SourceDocument, ...], now: tuple[SourceDocument, ...]) -> bool:
    """True when ``now`` are the files of ``before``, in order, with the same front matter
    (and on the same lines: problems name them). Front matter is compared as written: one
    instant in two time zones is one date to ``==``, but two days in a feed id."""
    return len(before) == len(now) and all(
        old is new or (old.path == new.path and old.content_path == new.content_path
                       and repr(old.meta) == repr(new.meta) and old.field_lines == new.field_lines)
        for old, new in zip(before, now))


def link_targets(config: SiteConfig, published: Iterable[SourceDocument]) -> LinkTargets:
    """Where links between published articles point."""
    by_file, by_source = {}, {}
    for document in published:
        path = article_path(document.meta.slug)
        by_file[document.content_path] = path
        if document.meta.source:
            by_source[document.meta.source] = path
    return LinkTargets(config.base_path, MappingProxyType(by_file), MappingProxyType(by_source))


def feed_guid(config: SiteConfig, document: SourceDocument) -> str:
    """The article's feed id: its ``id``, else a tag: URI from the site's naming authority,
    the day it was first published and its first slug. Never the URL or the title."""
    meta = document.meta
    if meta.id:
        return meta.id
    first_slug = alias_id(meta.aliases[0]) if meta.aliases else meta.slug  # an old path: '/' and the path
    return f"tag:{config.feeds.id_authority}:{meta.date.date().isoformat()}:{first_slug}"


def guid_collisions(config: SiteConfig, documents: Iterable[SourceDocument]) -> list[Diagnostic]:
    """Two articles with one feed id: readers would merge them, or drop one."""
    owners: dict[str, str] = {}
    problems = []
    for document in documents:
        guid = feed_guid(config, document)
        other = owners.setdefault(guid, document.path)
        if other != document.path:
            line = document.field_lines.get("id", document.field_lines.get("slug", 1))
            problems.append(Diagnostic(document.path, line, f"the feed id '{guid}' is already used by {other}",
                                       "each article needs its own id: change or remove the id: field"))
    return problems


def build_site(config: SiteConfig, documents: Iterable[SourceDocument],
               rendered: Mapping[str, RenderedMarkdown], previous: Site | None = None,
               load_html: Callable[[str], str] | None = None) -> Site:
    """The site model from the published documents and their rendered bodies (by path).
    Given the ``previous`` site, an edit that leaves every article's place in the site as
    it was (see ``_placement``) only replaces the edited articles: the order, taxonomies,
    neighbours and related articles are the previous site's, the very same objects."""
    documents = tuple(documents)
    sources = MappingProxyType({d.path: (d, rendered[d.path]) for d in documents})
    if previous is not None:
        patched = _patched(previous, config, sources, load_html)
        if patched is not None:
            return patched
    articles = sorted((_article(config, d, rendered[d.path]) for d in documents),
                      key=lambda a: (-a.meta.date.timestamp(), a.slug))
    articles = _link_neighbours(articles)
    taxonomies = (
        _categories(config, articles),
        _terms("tag", "Tags", ((a, a.meta.tags) for a in articles)),
        _terms("author", "Authors", ((a, (a.meta.author,)) for a in articles)),
        _audiences(config, articles),
    )
    redirects = tuple(sorted({(alias_path(alias), a.slug) for a in articles for alias in a.meta.aliases}))
    return Site(config, tuple(articles), MappingProxyType({a.slug: a for a in articles}), taxonomies, redirects,
                sources, load_html)


def _placement(document: SourceDocument) -> tuple:
    """What decides an article's place in the site: its order, its terms (as written: the
    spellings name the terms), its neighbours and related articles, its redirects."""
    meta = document.meta
    return meta.slug, meta.date, meta.category, meta.tags, meta.author, meta.audience, meta.aliases


def _same_source(before: tuple[SourceDocument, RenderedMarkdown], now: tuple[SourceDocument, RenderedMarkdown]) -> bool:
    """True when an article is made from the same document and rendering as before (the
    digest stands for the file; git may have dated the front matter differently)."""
    (old_document, old_body), (document, body) = before, now
    if old_document is document and old_body is body:
        return True
    return (old_document.digest == document.digest != "" and old_document.meta == document.meta
            and old_document.content_path == document.content_path and old_body == body)


def _patched(previous: Site, config: SiteConfig, sources: Mapping[str, tuple[SourceDocument, RenderedMarkdown]],
             load_html: Callable[[str], str] | None) -> Site | None:
    """``previous`` with its edited articles replaced, or None when an edit moved anything
    (or the configuration changed): then the site is built afresh."""
    if previous.config != config or previous.sources.keys() != sources.keys():
        return None
    edited = {}
    for path, now in sources.items():
        before = previous.sources[path]
        if _same_source(before, now):
            continue
        if _placement(before[0]) != _placement(now[0]):
            return None
        edited[now[0].meta.slug] = _article(config, *now)
    if not edited:
        return replace(previous, sources=sources, load_html=load_html)
    articles = tuple(replace(edited[a.slug], previous=a.previous, next=a.next, related=a.related)
                     if a.slug in edited else a for a in previous.articles)
    return Site(config, articles, MappingProxyType({a.slug: a for a in articles}), previous.taxonomies,
                previous.redirects, sources, load_html)


def edited_articles(previous: Site | None, site: Site) -> frozenset[str] | None:
    """The slugs of the articles ``site`` replaced in ``previous`` when it was patched from
    it (see ``build_site``); None when it was built afresh."""
    if previous is None or site.taxonomies is not previous.taxonomies:
        return None
    return frozenset(a.slug for a, b in zip(site.articles, previous.articles, strict=True) if a is not b)


def article_of(config: SiteConfig, document: SourceDocument, body: RenderedMarkdown, previous: str | None,
               newer: str | None, related: tuple[str, ...]) -> Article:
    """An article with its place in the site as a build found it (see snapshot.py)."""
    return _article(config, document, body, previous, newer, related)


def _article(config: SiteConfig, document: SourceDocument, body: RenderedMarkdown, previous: str | None = None,
             newer: str | None = None, related: tuple[str, ...] = ()) -> Article:
    meta = document.meta
    return Article(
        meta=meta, source_path=document.path, path=article_path(meta.slug),
        guid=feed_guid(config, document), html=body.html, html_digest=body.html_digest, summary=body.summary,
        toc=body.toc,
        reading_minutes=reading_minutes(body.words), author_key=term_key(meta.author),
        tag_keys=tuple(dict.fromkeys(term_key(t) for t in meta.tags)), previous=previous, next=newer, related=related,
    )


def _link_neighbours(newest_first: list[Article]) -> list[Article]:
    """Previous (older) and next (newer) article, the forum's "Previous topic - Next topic",
    and the related articles of each (see ``_related``)."""
    related = _related(newest_first)
    last = len(newest_first) - 1
    return [replace(article, previous=newest_first[index + 1].slug if index < last else None,
                    next=newest_first[index - 1].slug if index > 0 else None, related=related[index])
            for index, article in enumerate(newest_first)]


def _related(newest_first: list[Article], count: int = RELATED_COUNT, window: int = RELATED_WINDOW
             ) -> list[tuple[str, ...]]:
    """Up to ``count`` related articles for each: two points for every tag they share, one
    for the same category, counted among the ``window`` newest articles of each of its tags
    and of its category (so the work grows with the site, not with its square); ties go to
    the newer article."""
    rank = {article.slug: index for index, article in enumerate(newest_first)}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for article in newest_first:
        for key in article.tag_keys:
            groups[("tag", key)].append(article.slug)
        groups[("category", article.meta.category)].append(article.slug)
    windows = {group: members[:window] for group, members in groups.items()}
    related = []
    for article in newest_first:
        # each tag's window counted twice: two points per shared tag, one for the category
        tagged = [windows[("tag", key)] for key in article.tag_keys]
        scores = Counter(chain(*tagged, *tagged, windows[("category", article.meta.category)]))
        scores.pop(article.slug, None)
        best = heapq.nsmallest(count, [(-score, rank[slug], slug) for slug, score in scores.items()])
        related.append(tuple(slug for _, _, slug in best))
    return related


def _categories(config: SiteConfig, articles: list[Article]) -> Taxonomy:
    members = defaultdict(list)
    for article in articles:
        members[article.meta.category].append(article.slug)
    return Taxonomy("category", "Categories", tuple(
        Term(c.key, c.title, term_path("category", c.key), tuple(members[c.key]), c.description)
        for c in config.categories))


def _audiences(config: SiteConfig, articles: list[Article]) -> Taxonomy:
    members = defaultdict(list)
    for article in articles:
        for key in article.meta.audience:
            members[key].append(article.slug)
    return Taxonomy("audience", "Audiences", tuple(
        Term(a.key, a.title, term_path("audience", a.key), tuple(members[a.key]), a.description)
        for a in config.audiences))


def _terms(taxonomy: str, title: str, memberships) -> Taxonomy:
    """Free-form terms (tags, authors): spellings that share a key are one term, shown
    under its most used spelling (ties: the first in sort order)."""
    members: dict[str, list[str]] = defaultdict(list)
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for article, names in memberships:
        for name in dict.fromkeys(names):
            key = term_key(name)
            if not members[key] or members[key][-1] != article.slug:
                members[key].append(article.slug)
            spellings[key][name] += 1
    terms = []
    for key in sorted(members):
        name = min(spellings[key], key=lambda n: (-spellings[key][n], n))
        terms.append(Term(key, name, term_path(taxonomy, key), tuple(members[key])))
    return Taxonomy(taxonomy, title, tuple(terms))


def paginate(first_path: str, slugs: tuple[str, ...], per_page: int,
             wanted: Callable[[str], bool] | None = None) -> tuple[Pager, ...]:
    """Split a listing into pages: ``first_path``, then ``first_path/page/2/``...
    (``wanted``: only the pages whose site path it accepts)."""
    count = max(1, -(-len(slugs) // per_page))
    paths = [listing_path(first_path, n) for n in range(1, count + 1)]
    return tuple(
        Pager(number=n, count=count, path=paths[n - 1], articles=slugs[(n - 1) * per_page: n * per_page],
              previous_path=paths[n - 2] if n > 1 else None, next_path=paths[n] if n < count else None)
        for n in range(1, count + 1) if wanted is None or wanted(paths[n - 1]))
