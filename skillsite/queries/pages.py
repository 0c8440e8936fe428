"""Queries for the HTML pages: which pages there are, and each page's HTML, made of exactly
the values it shows (each asked of the layer, so each is a dependency of its own)."""

from __future__ import annotations

from ..model import Diagnostic, Structure
from ..outputs.pages import PageData, page_list, page_values, render_page, split_name
from ..outputs.static import STYLESHEET
from ..query import TOP, Query
from ..templates import render_or_problem
from ..views import Views
from .content import ARTICLE, BODY, CARD, CONFIG
from .site import FRONT_PAGE, LISTING, PLACE, STRUCTURE, TAXONOMIES, TERM_NAMES
from .standalone import PAGE_BODY, PAGE_DOCUMENT, STANDALONE_PAGES
from .theme import ASSETS, TEMPLATES, TRANSLATIONS, environment, template_loop


def _page_list(ask, _: str) -> tuple[str, ...]:
    return page_list(ask.get(CONFIG), ask.get(STRUCTURE), ask.get(STANDALONE_PAGES))


PAGE_LIST = Query("page-list", 11, _page_list, tuple[str, ...])
"""Every page, as ``"<template> <output path>"``."""


def _order(ask, _: str) -> tuple[str, ...]:
    return ask.get(STRUCTURE).order


ORDER = Query("order", 11, _order, tuple[str, ...])
"""The published articles' slugs, newest first."""


def _redirect(ask, site_path: str) -> str | None:
    structure: Structure = ask.get(STRUCTURE)
    return next((slug for old, slug in structure.redirects if old == site_path), None)


REDIRECT = Query("redirect", 11, _redirect, str | None)
"""The slug an old site path (an alias) leads to."""


def _browse(ask, _: str) -> tuple[tuple[str, str], ...]:
    return tuple((t.key, t.title) for t in ask.get(TAXONOMIES) if t.key != "author" and t.terms)


BROWSE = Query("browse", 11, _browse, tuple[tuple[str, str], ...])
"""The indexes the search page offers to browse: the taxonomies with terms, authors left out."""


class _AskedSite:
    """The site as views read it (views.SiteReader): one query per value read."""

    def __init__(self, ask):
        self._ask = ask
        self.config = ask.get(CONFIG)

    def _file(self, slug: str) -> str:
        return self._ask.get(PLACE, slug).source_path

    def card(self, slug: str):
        return self._ask.get(CARD, self._file(slug))

    def article(self, slug: str):
        return self._ask.get(ARTICLE, self._file(slug))

    def place(self, slug: str):
        return self._ask.get(PLACE, slug)

    def html(self, slug: str) -> str:
        return self._ask.get(BODY, self._file(slug)).html

    def term_names(self, taxonomy: str):
        return self._ask.get(TERM_NAMES)[taxonomy]

    def browse(self):
        return self._ask.get(BROWSE)

    def translations(self):
        return self._ask.get(TRANSLATIONS)


def _standalone(ask, slug: str) -> tuple:
    name = next(page.path for page in ask.get(STANDALONE_PAGES) if page.slug == slug)
    return ask.get(PAGE_DOCUMENT, name).document, ask.get(PAGE_BODY, name)


def _channels(ask) -> tuple:
    from .outputs import CHANNELS  # the feeds' queries are made of the pages' (PAGE_LIST)
    return ask.get(CHANNELS)


def _page(ask, name: str) -> bytes | Diagnostic:
    template, path = split_name(name)
    assets = ask.get(ASSETS)
    data = PageData()
    data.views = Views(_AskedSite(ask), assets.get(STYLESHEET, ""), assets)
    data.listing = lambda site_path: ask.get(LISTING, site_path)
    data.taxonomies = lambda: ask.get(TAXONOMIES)
    data.order = lambda: ask.get(ORDER)
    data.redirect = lambda site_path: ask.get(REDIRECT, site_path)
    data.front_page = lambda: ask.get(FRONT_PAGE)
    data.standalone = lambda slug: _standalone(ask, slug)
    data.channels = lambda: _channels(ask)
    templates = ask.get(TEMPLATES)
    loop = template_loop(templates, template)
    if loop is not None:
        return loop
    env = environment(templates)
    # a template's error is a value, not a raise: the page is made again once the template is fixed
    return render_or_problem(lambda: render_page(env, template, page_values(data, template, path)))


PAGE = Query("page", TOP, _page, costly=True)
"""A page's HTML (kept as its digest: the output folder holds it), or its template's error."""

QUERIES = (PAGE_LIST, ORDER, REDIRECT, BROWSE, PAGE)
