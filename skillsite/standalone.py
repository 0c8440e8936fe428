"""Standalone pages: an About, Contact or Code of conduct page, written like an article
but with a title and a body only, published at ``/<slug>/``.

A page is a Markdown file in the content folder's ``pages/`` folder (``content/pages/
about.md`` is ``/about/``). A folder rather than a ``type: page`` field, so that a page
needs none of an article's fields (date, author, category) and a moderator sees at a
glance which files are pages. Pages are in the sitemap and can be linked from the menu
(``{title: About, url: /about/}``) and from articles (``[about us](../pages/about.md)``);
they are in no feed, listing or search index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .config import Rules
from .frontmatter import FileProblem, FrontMatterReader, decode, split, strip_forbidden
from .model import Diagnostic
from .urls import own_folders

FOLDER = "pages"
"""The folder of the content folder that holds the pages."""
FIELDS = ("title", "slug", "summary", "lang", "draft", "updated")


@dataclass(frozen=True, slots=True)
class PageMatter:
    """A page's validated front matter."""

    title: str
    """Its heading."""
    slug: str
    """Its URL name: ``/<slug>/``."""
    summary: str | None = None
    """A sentence for search engines; None to use the first paragraph."""
    lang: str | None = None
    """BCP 47 language tag when it differs from the site's."""
    draft: bool = False
    """Drafts publish only with ``--drafts``."""
    updated: datetime | None = None
    """The date of its last significant update, shown on the page."""
    source: None = None
    """Pages are the site's own: never curated from elsewhere (the Markdown stage asks)."""


@dataclass(frozen=True, slots=True)
class PageDocument:
    """One page file, read and validated (the Markdown stage reads it as it reads articles)."""

    path: str
    """Site-relative path (``content/pages/about.md``)."""
    content_path: str
    """Path inside the content folder (``pages/about.md``), for links to and from it."""
    meta: PageMatter
    body: str | None
    """The Markdown after the front matter; None as the query layer keeps it."""
    body_line: int
    field_lines: dict[str, int]


@dataclass(frozen=True, slots=True)
class PageRead:
    """What reading one page file gave."""

    document: PageDocument | None
    problems: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class PageEntry:
    """A published page, as the site's structure needs it."""

    slug: str
    path: str
    """Its file."""
    content_path: str
    line: int
    """The line of its slug (1 when the file name gives it), for messages."""
    draft: bool = False


def is_page_file(content: str, name: str) -> bool:
    """Whether the file ``name`` (site-relative) is a page: directly in ``<content>/pages/``."""
    prefix = f"{content}/{FOLDER}/"
    return name.startswith(prefix) and "/" not in name[len(prefix):]


def page_path(slug: str) -> str:
    """Site path of a page."""
    return f"{slug}/"


class PageMatterReader(FrontMatterReader):
    """Validates a page's front matter: a title, and optionally slug, summary, lang, draft, updated."""

    required = ("title",)
    where = "a page's front matter (a page has a title and a body only)"

    def __init__(self, rules: Rules):
        super().__init__(rules)
        self._fields = {name: self._fields[name] for name in FIELDS}

    @staticmethod
    def _value(values: dict) -> PageMatter:
        return PageMatter(**values)

    @staticmethod
    def _order_problems(values: dict, lines: dict, path: str) -> list[Diagnostic]:
        slug = values.get("slug")
        if slug in own_folders():
            return [Diagnostic(path, lines.get("slug", 1), f"the page's address /{slug}/ belongs to the site's own pages",
                               "give the page another slug: field (or rename its file)")]
        return []


def read_page(rules: Rules, name: str, content_path: str, raw: bytes, reader: PageMatterReader) -> PageRead:
    """The page in ``raw`` (the bytes of the file ``name``), without its body, and every problem in it."""
    try:
        text, warnings = strip_forbidden(decode(raw, name), name)
        parts = split(text, name)
    except FileProblem as problem:
        return PageRead(None, (problem.diagnostic,))
    meta, lines, problems = reader.read(parts, name)
    document = None if meta is None else PageDocument(name, content_path, meta, None, parts.body_line, lines)
    return PageRead(document, (*warnings, *problems))


def page_entry(document: PageDocument) -> PageEntry:
    """What the structure needs of a page."""
    return PageEntry(document.meta.slug, document.path, document.content_path, document.field_lines.get("slug", 1),
                     document.meta.draft)


def with_page_body(document: PageDocument, raw: bytes) -> PageDocument:
    """``document`` with the Markdown of its file's bytes."""
    text, _ = strip_forbidden(decode(raw, document.path), document.path)
    return replace(document, body=split(text, document.path).body)


def page_collisions(pages: Sequence[PageEntry], aliases: Iterable[tuple[str, str, str]]) -> list[Diagnostic]:
    """Two pages at one address, or a page where an article's old address redirects from
    (``aliases``: (old site path, the article's file, the alias))."""
    problems, owners = [], {}
    for page in pages:
        other = owners.setdefault(page.slug, page.path)
        if other != page.path:
            problems.append(Diagnostic(page.path, page.line, f"slug '{page.slug}' is already used by {other}",
                                       "two pages cannot share an address; give one of them another slug: field"))
    by_path = {f"{page.slug}/": page for page in pages}
    for old, article, alias in aliases:
        page = by_path.get(old)
        if page is not None:
            problems.append(Diagnostic(page.path, page.line, f"the page's address /{old} is an old address of "
                                       f"{article} (aliases: '{alias}')", "give the page another slug: field, or "
                                       "remove the alias from the article if that old address is the page's now"))
    return problems


def published_pages(entries: Iterable[PageEntry], drafts: bool) -> tuple[PageEntry, ...]:
    """The pages a build publishes (drafts only with ``--drafts``), by slug."""
    return tuple(sorted((entry for entry in entries if drafts or not entry.draft), key=lambda e: (e.slug, e.path)))
