"""Queries over the standalone pages (standalone.py): each page file's front matter and
body, and which pages are published. A page's strata match an article's (see query.py)."""

from __future__ import annotations

import functools

from ..config import Rules
from ..documents import MAX_ARTICLE_BYTES, too_large
from ..inputs import OPTIONS, InputProblem, read_input
from ..model import RenderedMarkdown
from ..query import Query
from ..standalone import PageEntry, PageMatterReader, PageRead, page_entry, published_pages, read_page, with_page_body
from .content import ARTICLE_FILES, RULES, rendered_file


@functools.lru_cache(maxsize=4)
def _reader(rules: Rules) -> PageMatterReader:
    return PageMatterReader(rules)


def _page_document(ask, name: str) -> PageRead:
    rules: Rules = ask.get(RULES)
    try:
        raw = read_input(ask, name, MAX_ARTICLE_BYTES)
    except InputProblem as problem:
        return PageRead(None, (too_large(name, problem.size) if problem.size else problem.diagnostic,))
    return read_page(rules, name, name[len(rules.content) + 1:], raw, _reader(rules))


PAGE_DOCUMENT = Query("page-document", 4, _page_document, PageRead)
"""A page file's front matter (without its body), and every problem in it."""


def _page_entry(ask, name: str) -> PageEntry | None:
    document = ask.get(PAGE_DOCUMENT, name).document
    return None if document is None else page_entry(document)


PAGE_ENTRY = Query("page-entry", 5, _page_entry, PageEntry | None)
"""What the site's structure needs of a page: a title edit stops here."""


def _standalone_pages(ask, _: str) -> tuple[PageEntry, ...]:
    entries = (ask.get(PAGE_ENTRY, name) for name in ask.get(ARTICLE_FILES).pages)
    return published_pages((entry for entry in entries if entry is not None), ask.get(OPTIONS).drafts)


STANDALONE_PAGES = Query("standalone-pages", 8, _standalone_pages, tuple[PageEntry, ...])
"""The published pages, by slug."""


def _page_body(ask, name: str) -> RenderedMarkdown | None:
    return rendered_file(ask, name, ask.get(PAGE_DOCUMENT, name).document, with_page_body)


PAGE_BODY = Query("page-body", 21, _page_body, RenderedMarkdown | None, costly=True)
"""A page's body as safe HTML, with its summary and the links it makes."""

QUERIES = (PAGE_DOCUMENT, PAGE_ENTRY, STANDALONE_PAGES, PAGE_BODY)
