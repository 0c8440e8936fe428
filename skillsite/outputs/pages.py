"""Site -> HTML pages: home, articles, listings, term indexes, archive, search, 404, redirects.

``page_list`` names every page (its template and output path) from the site's structure;
``page_values`` makes the values one page's template receives (see views.py), and
``render_page`` its HTML. A page is named ``"<template> <output path>"``: the query layer
makes each page by that name (queries/pages.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

import jinja2

from ..config import SiteConfig
from ..model import Card, Structure
from ..site import paginate
from ..urls import output_name, served_path
from ..views import Views


def page_name(template: str, site_path: str) -> str:
    """A page's name: its template and output file."""
    return f"{template} {output_name(site_path)}"


def split_name(name: str) -> tuple[str, str]:
    """(template, output path) of a page's name."""
    template, _, path = name.partition(" ")
    return template, path


def page_list(config: SiteConfig, structure: Structure) -> tuple[str, ...]:
    """Every page of the site, by name, in the order they are written."""
    return tuple(_pages(config, structure))


def _pages(config: SiteConfig, structure: Structure) -> Iterator[str]:
    for pager in paginate("", structure.order, config.per_page):
        yield page_name("index.html", pager.path)
    for slug in structure.order:
        yield page_name("article.html", f"articles/{slug}/")
    for taxonomy in structure.taxonomies:
        yield page_name("terms.html", f"{taxonomy.key}/")
        for term in taxonomy.terms:
            for pager in paginate(term.path, term.articles, config.per_page):
                yield page_name("listing.html", pager.path)
    yield page_name("archive.html", "archive/")
    if config.search:
        yield page_name("search.html", "search/")
    yield page_name("404.html", "404.html")
    for old_path, _ in structure.redirects:
        yield page_name("redirect.html", old_path)


class PageData:
    """What one page's values are made of, asked as the page needs it (queries/pages.py)."""

    views: Views
    listing: Callable[[str], object]
    """A listing page by site path (queries.site.ListingPage)."""
    taxonomies: Callable[[], tuple]
    """Every taxonomy's terms (queries.site.TaxonomySummary)."""
    order: Callable[[], tuple[str, ...]]
    """The published articles' slugs, newest first."""
    redirect: Callable[[str], str]
    """The slug an old site path redirects to."""


def page_values(data: PageData, template: str, path: str) -> dict:
    """The values the page ``template`` at output ``path`` receives."""
    views = data.views
    config = views.site.config
    site_path = served_path(path)
    if template == "index.html":
        listing = data.listing(site_path)
        title = config.title if listing.pager.number == 1 else f"{config.title}, page {listing.pager.number}"
        return {**views.common(site_path, title), **_listing_values(views, listing)}
    if template == "article.html":
        slug = site_path.split("/")[1]
        article = views.site.article(slug)
        meta = article.meta
        category = views.term_name("category", meta.category)
        common = views.common(site_path, meta.title, article.summary, feeds=views.term_feeds("category", meta.category),
                              article=article, crumbs=((category, f"category/{meta.category}/"),
                                                       (meta.title, article.path)))
        return {**common, "article": views.article(slug)}
    if template == "terms.html":
        key = site_path.rstrip("/")
        taxonomy = next(t for t in data.taxonomies() if t.key == key)
        return {**views.common(site_path, taxonomy.title, crumbs=((taxonomy.title, f"{key}/"),)),
                "taxonomy": taxonomy.title, "terms": [views.term(key, term) for term in taxonomy.terms]}
    if template == "listing.html":
        listing = data.listing(site_path)
        term, key = listing.term, listing.taxonomy
        title_of = next(t.title for t in data.taxonomies() if t.key == key)
        title = term.name if listing.pager.number == 1 else f"{term.name}, page {listing.pager.number}"
        common = views.common(site_path, title, term.description, feeds=views.term_feeds(key, term.key),
                              crumbs=((title_of, f"{key}/"), (term.name, term.path)))
        return {**common, **_listing_values(views, listing), "term": views.term(key, term), "taxonomy": title_of}
    if template == "archive.html":
        years = [{"year": year, "articles": views.cards(members)} for year, members in _years(views, data.order())]
        return {**views.common(site_path, "Archive"), "years": years}
    if template == "search.html":
        return views.common(site_path, "Search", f"Search the articles of {config.title}.")
    if template == "404.html":
        return views.common(site_path, "Page not found", noindex=True)
    if template == "redirect.html":
        target: Card = views.site.card(data.redirect(site_path))
        return {**views.common(site_path, target.title, noindex=True),
                "target": {"url": views.url(target.path), "absolute": config.absolute_url(target.path)}}
    raise ValueError(f"no page is made with {template}")


def _listing_values(views: Views, listing) -> dict:
    return {"articles": views.cards(listing.pager.articles), "pager": views.pager(listing.pager)}


def _years(views: Views, order: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """Slugs grouped by year, newest year first."""
    years: dict[int, list[str]] = defaultdict(list)
    zone = views.site.config.zone
    for slug in order:
        years[views.site.card(slug).date.astimezone(zone).year].append(slug)
    return [(year, years[year]) for year in sorted(years, reverse=True)]


def render_page(env: jinja2.Environment, template: str, values: dict) -> bytes:
    """The page's HTML."""
    return env.get_template(template).render(**values).encode("utf-8")
