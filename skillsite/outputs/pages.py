"""Site -> HTML pages: home, articles, listings, term indexes, archive, search, 404, redirects.

Pages are described first (``page_specs``: template, path and the values it receives), and
rendered after (``render_page``), so that the build can skip pages whose values have not
changed since the last build and render the others in several processes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import jinja2

from ..model import Article, OutputFile
from ..site import Site, paginate
from ..urls import output_name
from ..views import Views


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page to render: which template, where, with what."""

    path: str
    """The output file's path (``articles/x/index.html``)."""
    template: str
    """The template's name."""
    context: dict
    """The values the template receives (see views.py)."""


def render_page(env: jinja2.Environment, spec: PageSpec) -> OutputFile:
    """The page's HTML."""
    html = env.get_template(spec.template).render(**spec.context)
    return OutputFile(spec.path, html.encode("utf-8"), spec.template)


class PageRenderer:
    """Describes pages: the common values every page receives, and its own."""

    def __init__(self, views: Views):
        self.views = views

    def page(self, template: str, path: str, title: str, description: str = "", *,
             feeds=None, noindex=False, subject: Article | None = None, crumbs=(), **context) -> PageSpec:
        """``subject`` is the article a page shows; ``crumbs`` its breadcrumbs below Home."""
        common = self.views.common(path, title, description, feeds=feeds, noindex=noindex, article=subject,
                                   crumbs=crumbs)
        return PageSpec(output_name(path), template, {**common, **context})


def page_specs(site: Site, renderer: PageRenderer) -> Iterator[PageSpec]:
    """Every HTML page of the site, described."""
    views = renderer.views
    config = site.config
    slugs = tuple(a.slug for a in site.articles)
    for pager in paginate("", slugs, config.per_page):
        title = config.title if pager.number == 1 else f"{config.title}, page {pager.number}"
        yield renderer.page("index.html", pager.path, title, articles=views.cards(pager.articles),
                            pager=views.pager(pager))
    categories = {term.key: term for term in site.taxonomy("category").terms}
    for article in site.articles:
        category = categories[article.meta.category]
        yield renderer.page("article.html", article.path, article.meta.title, article.summary,
                            feeds=views.category_feeds(article.meta.category), subject=article,
                            crumbs=((category.name, category.path), (article.meta.title, article.path)),
                            article=views.article(article))
    for taxonomy in site.taxonomies:
        terms = [views.term(taxonomy, term) for term in taxonomy.terms]
        yield renderer.page("terms.html", f"{taxonomy.key}/", taxonomy.title, taxonomy=taxonomy.title, terms=terms,
                            crumbs=((taxonomy.title, f"{taxonomy.key}/"),))
        for term, term_view in zip(taxonomy.terms, terms, strict=True):
            feeds = views.term_feeds(taxonomy.key, term.key)
            for pager in paginate(term.path, term.articles, config.per_page):
                title = term.name if pager.number == 1 else f"{term.name}, page {pager.number}"
                yield renderer.page("listing.html", pager.path, title, term.description, feeds=feeds,
                                    crumbs=((taxonomy.title, f"{taxonomy.key}/"), (term.name, term.path)),
                                    term=term_view, taxonomy=taxonomy.title,
                                    articles=views.cards(pager.articles), pager=views.pager(pager))
    yield renderer.page("archive.html", "archive/", "Archive", years=_archive_years(site, views))
    if config.search:
        yield renderer.page("search.html", "search/", "Search", f"Search the articles of {config.title}.")
    yield renderer.page("404.html", "404.html", "Page not found", noindex=True)
    for old_path, slug in site.redirects:
        target = site.by_slug[slug]
        yield renderer.page("redirect.html", old_path, target.meta.title, noindex=True,
                            target={"url": views.url(target.path), "absolute": config.absolute_url(target.path)})


def _archive_years(site: Site, views: Views) -> list[dict]:
    """Articles grouped by year, newest year first."""
    years: dict[int, list[str]] = defaultdict(list)
    zone = site.config.zone
    for article in site.articles:
        years[article.meta.date.astimezone(zone).year].append(article.slug)
    return [{"year": year, "articles": views.cards(years[year])} for year in sorted(years, reverse=True)]
