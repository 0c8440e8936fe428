"""Site -> HTML pages: home, articles, listings, term indexes, archive, search, 404, redirects.

Pages are described first (``page_specs``: template, path, a digest of what the page is
made of, and a way to make the values it receives), and rendered after (``render_page``).
The digest is taken from the site model (articles, terms, configuration), not from the
template values, so a build can tell which pages an edit touched without making the values
of the thousands it did not; only pages it renders get their values made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import jinja2

from ..digests import digest
from ..model import Article, OutputFile, Pager
from ..site import Site, paginate
from ..urls import output_name, served_path
from ..views import Views


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page to render: which template, where, made of what."""

    path: str
    """The output file's path (``articles/x/index.html``)."""
    template: str
    """The template's name."""
    inputs: str
    """A digest of everything the page shows, at the level of the site model: pages with
    the same template, path and inputs have the same HTML."""
    values: Callable[[], dict]
    """The values the template receives (see views.py), made when the page is rendered."""


def render_page(env: jinja2.Environment, spec: PageSpec) -> OutputFile:
    """The page's HTML."""
    html = env.get_template(spec.template).render(**spec.values())
    return OutputFile(spec.path, html.encode("utf-8"), spec.template)


@dataclass(frozen=True, slots=True)
class PageMemory:
    """What a build remembers of its page descriptions for the next one."""

    fingerprint: str
    """The views fingerprint the inputs were made under."""
    inputs: Mapping[str, str]
    """Each page's inputs, by output path."""
    card_keys: Mapping[str, str]
    """The card keys made, by slug (see Views.card_key)."""
    specs: tuple[PageSpec, ...] | None = None
    """The pages themselves (kept in memory by ``serve``, not in the cache)."""
    shown_on: Mapping[str | None, tuple[str, ...]] | None = None
    """The pages that show each article, by slug (with ``specs``)."""
    patched: int = 0
    """How many builds in a row took ``specs`` and described again only the pages an
    edit touched (see build._describe_pages)."""


def page_memory(pages: Iterable[PageSpec], views: Views,
                shown_on: Mapping[str | None, tuple[str, ...]] | None = None) -> PageMemory:
    """What the next build may carry over from these pages (given ``shown_on``, the pages
    too, so that it describes again only the pages an edit touched)."""
    pages = tuple(pages)
    return PageMemory(views.fingerprint, {page.path: page.inputs for page in pages}, dict(views.card_keys_made()),
                      None if shown_on is None else pages, shown_on)


@dataclass(frozen=True, slots=True)
class Carried:
    """What page descriptions take from the build before, when the site was patched from
    that build's (see site.build_site): its pages' inputs stay valid for every page that
    shows none of the ``edited`` articles, and its card keys for every other article."""

    memory: PageMemory
    """The last build's pages."""
    edited: frozenset[str]
    """Slugs of the articles replaced since."""


class PageRenderer:
    """Describes pages: the common values every page receives, and its own."""

    def __init__(self, views: Views, carried: Carried | None = None, index_shows: bool = False):
        """``index_shows``: remember which pages show each article (see ``shown_on``)."""
        self.views = views
        self._carried = carried if carried and carried.memory.fingerprint == views.fingerprint else None
        if self._carried:
            views.adopt_card_keys({slug: key for slug, key in carried.memory.card_keys.items()
                                   if slug not in carried.edited})
        self._shown_on: dict[str | None, list[str]] | None = defaultdict(list) if index_shows else None

    @property
    def carries(self) -> Carried | None:
        """What is carried from the last build (None: its pages were made otherwise)."""
        return self._carried

    def shown_on(self) -> Mapping[str | None, tuple[str, ...]] | None:
        """The pages described so far that show each article, by slug (with ``index_shows``)."""
        if self._shown_on is None:
            return None
        return {slug: tuple(paths) for slug, paths in self._shown_on.items()}

    def page(self, template: str, path: str, title: str, description: str = "", *, inputs: tuple = (),
             values: Callable[[], dict] = dict, feeds_of: tuple[str, str] | None = None, noindex: bool = False,
             subject: Article | None = None, crumbs: tuple[tuple[str, str], ...] = (),
             shows: tuple[str | None, ...] = ()) -> PageSpec:
        """``inputs``: the model values the page's own ``values()`` are made from (reprs
        must say everything they hold); ``feeds_of``: the (taxonomy, term key) whose feeds
        the page announces; ``subject``: the article a page shows; ``crumbs``: its
        breadcrumbs below Home; ``shows``: the slugs of every article whose values it
        shows (where it shows any: then its inputs may be carried from the last build
        only when none of them was edited). ``inputs`` may be a callable making them."""
        views = self.views
        carried = self._carried
        file = output_name(path)
        if self._shown_on is not None:
            for slug in shows:
                self._shown_on[slug].append(file)
        key = carried.memory.inputs.get(file) if carried else None
        if key is None or not carried.edited.isdisjoint(shows):
            made_of = (title, description, feeds_of and views.term_name(*feeds_of), noindex,
                       subject and views.article_key(subject), crumbs, inputs() if callable(inputs) else inputs)
            key = digest(views.fingerprint, template, path, repr(made_of))

        def page_values() -> dict:
            feeds = views.term_feeds(*feeds_of) if feeds_of else None
            common = views.common(path, title, description, feeds=feeds, noindex=noindex, article=subject,
                                  crumbs=crumbs)
            return {**common, **values()}

        return PageSpec(file, template, key, page_values)


def page_specs(site: Site, renderer: PageRenderer, only: frozenset[str] | None = None) -> Iterator[PageSpec]:
    """Every HTML page of the site, described (``only``: just the pages with these paths)."""
    views = renderer.views
    config = site.config
    slugs = tuple(site.by_slug)  # in the site's order

    wanted: Callable[[str], bool] = (  # by site path
        (lambda path: True) if only is None else frozenset(map(served_path, only)).__contains__)

    def listing(pager: Pager, **extra) -> Callable[[], dict]:
        return lambda: {**extra, "articles": views.cards(pager.articles), "pager": views.pager(pager)}

    def card_keys(pager: Pager) -> Callable[[], tuple]:
        return lambda: (pager, tuple(views.card_key(slug) for slug in pager.articles))

    for pager in paginate("", slugs, config.per_page, wanted):
        title = config.title if pager.number == 1 else f"{config.title}, page {pager.number}"
        yield renderer.page("index.html", pager.path, title, inputs=card_keys(pager), values=listing(pager),
                            shows=pager.articles)
    categories = {term.key: term for term in site.taxonomy("category").terms}
    for article in [article for article in site.articles if wanted(article.path)]:
        category = categories[article.meta.category]
        yield renderer.page("article.html", article.path, article.meta.title, article.summary,
                            feeds_of=("category", article.meta.category), subject=article,
                            crumbs=((category.name, category.path), (article.meta.title, article.path)),
                            values=lambda article=article: {"article": views.article(article)},
                            shows=(article.slug, article.previous, article.next, *article.related))
    for taxonomy in site.taxonomies:
        term_inputs = tuple((t.key, t.name, t.description, len(t.articles)) for t in taxonomy.terms)
        if wanted(f"{taxonomy.key}/"):
            yield renderer.page("terms.html", f"{taxonomy.key}/", taxonomy.title,
                                crumbs=((taxonomy.title, f"{taxonomy.key}/"),), inputs=term_inputs,
                                values=lambda taxonomy=taxonomy: {
                                    "taxonomy": taxonomy.title,
                                    "terms": [views.term(taxonomy, term) for term in taxonomy.terms]})
        for term, made_of in zip(taxonomy.terms, term_inputs, strict=True):
            for pager in paginate(term.path, term.articles, config.per_page, wanted):
                title = term.name if pager.number == 1 else f"{term.name}, page {pager.number}"
                yield renderer.page("listing.html", pager.path, title, term.description,
                                    feeds_of=(taxonomy.key, term.key),
                                    crumbs=((taxonomy.title, f"{taxonomy.key}/"), (term.name, term.path)),
                                    inputs=lambda made_of=made_of, pager=pager: (made_of, card_keys(pager)()),
                                    values=listing(pager, term=views.term(taxonomy, term), taxonomy=taxonomy.title),
                                    shows=pager.articles)
    if wanted("archive/"):
        # the cards in order say it all: their dates make the years
        yield renderer.page("archive.html", "archive/", "Archive", inputs=lambda: tuple(map(views.card_key, slugs)),
                            values=lambda: {"years": [{"year": year, "articles": views.cards(members)}
                                                      for year, members in _archive_years(site)]}, shows=slugs)
    if config.search and wanted("search/"):
        yield renderer.page("search.html", "search/", "Search", f"Search the articles of {config.title}.")
    if wanted("404.html"):
        yield renderer.page("404.html", "404.html", "Page not found", noindex=True)
    for old_path, slug in [redirect for redirect in site.redirects if wanted(redirect[0])]:
        target = site.by_slug[slug]
        yield renderer.page("redirect.html", old_path, target.meta.title, noindex=True, inputs=(target.path,),
                            shows=(slug,),
                            values=lambda target=target: {"target": {
                                "url": views.url(target.path), "absolute": config.absolute_url(target.path)}})


def _archive_years(site: Site) -> list[tuple[int, list[str]]]:
    """Slugs grouped by year, newest year first."""
    years: dict[int, list[str]] = defaultdict(list)
    zone = site.config.zone
    for article in site.articles:
        years[article.meta.date.astimezone(zone).year].append(article.slug)
    return [(year, years[year]) for year in sorted(years, reverse=True)]
