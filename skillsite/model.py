"""The immutable values that flow through the pipeline.

Objects refer to each other by key (an article's slug, a term's key), never by holding
each other, so every stage is a pure function of plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .printable import printable


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the input, reported as ``path:line: message``."""

    path: str
    """The file, relative to the site folder (e.g. ``content/jobs/cv.md``)."""
    line: int
    """1-based line in that file; 0 when the problem concerns the whole file."""
    message: str
    """What is wrong, naming the field."""
    hint: str = ""
    """How to fix it, in words a moderator can act on."""
    severity: Literal["error", "warning"] = "error"
    """Errors stop the build; warnings are reported and the build goes on."""

    def format(self) -> str:
        """The one-or-two-line form printed to moderators; what came from the site (a file
        name, an address) is made printable, so it can neither break the line nor read as
        a command to a terminal or a CI runner."""
        path, message = printable(self.path), printable(self.message)
        hint = "\n".join(map(printable, self.hint.split("\n")))  # hints may run to several lines of their own
        where = f"{path}:{self.line}" if self.line else path
        text = f"{where}: {self.severity}: {message}"
        return f"{text}\n  hint: {hint}" if hint else text


class BuildFailed(Exception):
    """The input has errors; nothing was written. ``exit_code`` says which kind."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], exit_code: int = 1):
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = tuple(diagnostics)
        self.exit_code = exit_code


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """An article's validated front matter, with types applied."""

    title: str
    """The headline."""
    date: datetime
    """First publication, time-zone aware."""
    author: str
    """The author's name as written."""
    category: str
    """Key of one of site.yaml's categories."""
    slug: str
    """The article's URL name: ``/articles/<slug>/``."""
    tags: tuple[str, ...] = ()
    """Tags as written."""
    audience: tuple[str, ...] = ()
    """Keys of site.yaml's audiences."""
    summary: str | None = None
    """The moderator's summary; None to use the first paragraph."""
    aliases: tuple[str, ...] = ()
    """Old slugs, oldest first: they redirect here and keep the feed id."""
    draft: bool = False
    """Drafts publish only with ``--drafts``."""
    updated: datetime | None = None
    """Last significant update."""
    expires: datetime | None = None
    """The article is unpublished from this moment on."""
    id: str | None = None
    """A URI that pins the feed GUID."""
    source: str | None = None
    """URL of the original, for curated articles."""
    image: str | None = None
    """URL of a picture for sharing."""
    lang: str | None = None
    """BCP 47 language tag when it differs from the site's."""


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One article file, read and validated but not yet rendered."""

    path: str
    """Site-relative path (``content/jobs/cv.md``), used in messages."""
    content_path: str
    """Path inside the content folder (``jobs/cv.md``), used to resolve links."""
    meta: FrontMatter
    """The validated front matter."""
    body: str | None
    """The Markdown after the front matter, with LF line endings; None in a document as
    the query layer keeps it (the body is read again from the file when rendered)."""
    body_line: int
    """The file line on which ``body`` starts."""
    field_lines: Mapping[str, int]
    """Front-matter field name -> the line it is written on, for later messages."""


@dataclass(frozen=True, slots=True)
class DocumentRead:
    """What reading one article file gave."""

    document: SourceDocument | None
    """The article, without its body (None when its front matter has errors)."""
    problems: tuple[Diagnostic, ...] = ()
    """What is wrong with it, warnings too."""


@dataclass(frozen=True, slots=True)
class Placement:
    """What decides an article's place in the site: whether and when it is published, its
    URL, its feed id, its terms, and where links to it come from. An edit that leaves these
    alone (a title, a summary, a body) leaves the site's structure as it was."""

    path: str
    """Its file, site-relative."""
    content_path: str
    """Its file inside the content folder (links by file name it so)."""
    slug: str
    date: datetime
    category: str
    tags: tuple[str, ...]
    author: str
    audience: tuple[str, ...]
    aliases: tuple[str, ...]
    draft: bool
    expires: datetime | None
    id: str | None
    source: str | None
    lines: Mapping[str, int]
    """The lines of its fields, for messages about collisions."""


@dataclass(frozen=True, slots=True)
class Card:
    """What a listing shows of an article."""

    title: str
    path: str
    """Site path of its page."""
    summary: str
    date: datetime
    modified: datetime
    """``updated`` (from front matter or git) when set, else ``date``."""
    reading_minutes: int
    author_key: str
    category: str
    tag_keys: tuple[str, ...]
    lang: str | None
    draft: bool


@dataclass(frozen=True, slots=True)
class Place:
    """An article's neighbours in the site."""

    source_path: str
    """Its file."""
    previous: str | None
    """Slug of the next-older article."""
    next: str | None
    """Slug of the next-newer article."""
    related: tuple[str, ...]
    """Slugs of the articles most like it (shared tags, then category), most alike first."""


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of an article, for its table of contents."""

    level: int
    """Level on the page (2-6), after shifting under the page title."""
    anchor: str
    """The heading's id."""
    text: str
    """Plain text of the heading."""


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """An article body turned into safe HTML."""

    html: str
    """Sanitised HTML; internal links root-relative, external absolute."""
    summary: str
    """Plain-text summary: the front matter's, else the first paragraph."""
    toc: tuple[Heading, ...]
    """The article's headings in order."""
    words: int
    """Word count, for reading time."""
    warnings: tuple[Diagnostic, ...]
    """Problems repaired while rendering (bad URLs and the like)."""
    links: tuple[tuple[str, int], ...] = ()
    """Addresses on this site that the body links to or loads, as written in the page
    (root-relative or relative), with the line of each."""
    assets: tuple[tuple[str, str], ...] = ()
    """Images beside the article that it shows: (path under its page's folder, content
    path of the file), published with it."""
    versioned: tuple[str, ...] = ()
    """The images of this site it shows that have smaller versions, each by the question
    that finds its file (``asset:...``, ``static:...``: see images.py)."""


@dataclass(frozen=True, slots=True)
class Article:
    """A published article with everything pages and feeds need."""

    meta: FrontMatter
    """Its front matter."""
    source_path: str
    """Site-relative path of its file."""
    path: str
    """Site path of its page (``articles/<slug>/``)."""
    guid: str
    """The feed id; never changes once published."""
    summary: str
    """Plain-text summary."""
    toc: tuple[Heading, ...]
    """Headings, for a table of contents."""
    reading_minutes: int
    """Estimated reading time."""
    author_key: str
    """Key of the author's term."""
    tag_keys: tuple[str, ...]
    """Keys of its tag terms, in the order written."""
    @property
    def slug(self) -> str:
        """The article's URL name."""
        return self.meta.slug

    @property
    def last_modified(self) -> datetime:
        """``updated`` when set, else ``date``."""
        return self.meta.updated or self.meta.date


@dataclass(frozen=True, slots=True)
class Term:
    """One tag, author, audience or category, and its articles."""

    key: str
    """URL name of the term."""
    name: str
    """Display name."""
    path: str
    """Site path of its first listing page."""
    articles: tuple[str, ...]
    """Slugs of its articles, newest first."""
    description: str = ""
    """Longer text shown on its page (categories, audiences)."""


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A way of grouping articles: categories, tags, authors, audiences."""

    key: str
    """``category``, ``tag``, ``author`` or ``audience``: the URL prefix."""
    title: str
    """Plural display name, e.g. "Tags"."""
    terms: tuple[Term, ...]
    """Its terms, sorted for display."""


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a paginated listing."""

    number: int
    """1-based page number."""
    count: int
    """Number of pages."""
    path: str
    """Site path of this page."""
    articles: tuple[str, ...]
    """Slugs shown on this page."""
    previous_path: str | None
    """Site path of the page before, if any."""
    next_path: str | None
    """Site path of the page after, if any."""


@dataclass(frozen=True, slots=True)
class Structure:
    """The site's structure: what is published, in what order, grouped how. Made of the
    articles' placements alone: titles, summaries and bodies are not part of it."""

    order: tuple[str, ...]
    """Slugs of the published articles, newest first."""
    places: Mapping[str, Place]
    """Each article's file and neighbours, by slug."""
    taxonomies: tuple[Taxonomy, ...]
    """Categories, tags, authors and audiences."""
    redirects: tuple[tuple[str, str], ...]
    """(old site path, slug of the article it moved to) for every alias."""

    def taxonomy(self, key: str) -> Taxonomy:
        """The taxonomy whose URL prefix is ``key``."""
        return next(t for t in self.taxonomies if t.key == key)


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site."""

    path: str
    """Path inside the output folder, with '/' separators."""
    content: bytes
    """The exact bytes to write."""
    origin: str = ""
    """What produced it, for collision messages."""
    key: str = ""
    """The digest of what it was made from, when known (pages): the next build keeps the
    file if its key is the same."""


@dataclass(frozen=True, slots=True)
class KeptFile:
    """An output file the last build wrote and this one keeps as it is."""

    path: str
    """Path inside the output folder."""
    key: str
    """The digest of what it was made from (unchanged)."""
    origin: str = ""
    """What produced it, for collision messages and counts (a page: its template)."""
