"""Site -> HTML pages: home, articles, listings, term indexes, archive, standalone pages,
the subscribe page, search, 404, redirects; and the feeds' stylesheet for browsers.

``page_list`` names every page (its template and output path) from the site's structure;
``page_values`` makes the values one page's template receives (see views.py), and
``render_page`` its HTML. A page is named ``"<template> <output path>"``: the query layer
makes each page by that name (queries/pages.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

import jinja2

from ..config import SiteConfig
from ..model import Card, Structure
from ..site import paginate
from ..standalone import page_path
from ..urls import output_name, served_path
from ..views import Html, Views, text_direction
from .feeds import STYLESHEET as FEED_STYLE

SUBSCRIBE = "subscribe/"


def page_name(template: str, site_path: str) -> str:
    """A page's name: its template and output file."""
    return f"{template} {output_name(site_path)}"


def split_name(name: str) -> tuple[str, str]:
    """(template, output path) of a page's name."""
    template, _, path = name.partition(" ")
    return template, path


def page_list(config: SiteConfig, structure: Structure, pages: Sequence = ()) -> tuple[str, ...]:
    """Every page of the site, by name, in the order they are written; ``pages``: the
    published standalone pages (standalone.PageEntry)."""
    return tuple(_pages(config, structure, pages))


def _pages(config: SiteConfig, structure: Structure, pages: Sequence) -> Iterator[str]:
    yield page_name("index.html", "")
    for slug in structure.order:
        yield page_name("article.html", f"articles/{slug}/")
    for taxonomy in structure.taxonomies:
        yield page_name("terms.html", f"{taxonomy.key}/")
        for term in taxonomy.terms:
            for pager in paginate(term.path, term.articles, config.per_page):
                yield page_name("listing.html", pager.path)
    yield page_name("archive.html", "archive/")
    for page in pages:
        yield page_name("page.html", page_path(page.slug))
    yield page_name("subscribe.html", SUBSCRIBE)
    if config.search:
        yield page_name("search.html", "search/")
    yield page_name("404.html", "404.html")
    yield page_name(FEED_STYLE, FEED_STYLE)
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
    front_page: Callable[[], object]
    """What the home page shows (frontpage.FrontPage)."""
    standalone: Callable[[str], tuple]
    """A standalone page by slug: (its standalone.PageDocument, its RenderedMarkdown)."""
    channels: Callable[[], tuple]
    """Every feed (outputs.feeds.Channel)."""


def page_values(data: PageData, template: str, path: str) -> dict:
    """The values the page ``template`` at output ``path`` receives."""
    views = data.views
    text = views.text
    config = views.site.config
    site_path = served_path(path)
    if template == "index.html":
        return {**views.common(site_path, config.title), "front": _front(views, data.front_page())}
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
        title = views.taxonomy_title(key)
        return {**views.common(site_path, title, crumbs=((title, f"{key}/"),)),
                "taxonomy": title, "terms": [views.term(key, term) for term in taxonomy.terms]}
    if template == "listing.html":
        listing = data.listing(site_path)
        key = listing.taxonomy
        term = views.term(key, listing.term)
        title_of = views.taxonomy_title(key)
        number = listing.pager.number
        title = term["heading"] if number == 1 else text.plain("page_numbered", title=term["heading"],
                                                                number=text.number(number))
        common = views.common(site_path, title, term["description"], feeds=views.term_feeds(key, listing.term.key),
                              crumbs=((title_of, f"{key}/"), (term["heading"], listing.term.path)))
        return {**common, "articles": views.cards(listing.pager.articles), "pager": views.pager(listing.pager),
                "term": term, "taxonomy": title_of}
    if template == "archive.html":
        years = [{"year": year, "heading": text.number(year, grouping=False), "articles": views.cards(members)}
                 for year, members in _years(views, data.order())]
        return {**views.common(site_path, text.archive), "years": years}
    if template == "page.html":
        document, body = data.standalone(site_path.rstrip("/"))
        meta = document.meta
        lang = meta.lang or config.language
        return {**views.common(site_path, meta.title, body.summary, crumbs=((meta.title, site_path),)),
                "standalone": {"title": meta.title, "html": Html(body.html), "draft": meta.draft,
                               "updated": views.date(meta.updated) if meta.updated else None,
                               "lang": lang if lang != config.language else None, "dir": text_direction(lang)}}
    if template == "subscribe.html":
        title = text.subscribe_title
        return {**views.common(site_path, title, text.subscribe_intro, crumbs=((title, SUBSCRIBE),)),
                **_subscriptions(views, data.channels())}
    if template == "search.html":
        return views.common(site_path, text.search_title, text.plain("search_description", site=config.title))
    if template == "404.html":
        return views.common(site_path, text.not_found_title, noindex=True)
    if template == FEED_STYLE:
        return {**views.common(site_path, text.feed_page_title, noindex=True), "months": text.months(),
                "digits": text.get("digits", "0123456789"), "subscribe": views.url(SUBSCRIBE)}
    if template == "redirect.html":
        target: Card = views.site.card(data.redirect(site_path))
        return {**views.common(site_path, target.title, noindex=True),
                "target": {"url": views.url(target.path), "absolute": config.absolute_url(target.path)}}
    raise ValueError(f"no page is made with {template}")


def _front(views: Views, front) -> dict:
    categories = {group.key: group for group in views.site.config.categories}
    return {
        "lead": views.cards((front.lead,))[0] if front.lead else None,
        "pinned": views.cards(front.pinned),
        "sections": [{"key": section.category, "title": views.term_name("category", section.category),
                      "url": views.url(f"category/{section.category}/"),
                      "description": categories[section.category].description, "count": section.count,
                      "articles": views.cards(section.articles)} for section in front.sections],
    }


def _subscriptions(views: Views, channels) -> dict:
    """The site's feeds and each category's, for the subscribe page; the taxonomies whose
    terms have feeds of their own beyond those are named in one sentence."""
    shown, others = [], []
    for channel in channels:
        taxonomy = channel.folder.split("/")[0] if channel.folder else ""
        if taxonomy in ("", "category"):
            key = channel.folder.split("/")[1] if channel.folder else ""
            title = views.site.config.title if not key else views.term_name("category", key)
            shown.append({"title": title, "description": channel.description, "url": views.url(channel.folder),
                          "anchor": f"category-{key}" if key else "site", "feeds": views.feeds_of(title, channel.folder)})
        elif taxonomy not in others:
            others.append(taxonomy)
    kinds = views.text.list_of([views.taxonomy_title(key).lower() for key in others])
    return {"subscriptions": shown, "more_feeds": views.text.plain("more_feeds", kinds=kinds) if others else ""}


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
