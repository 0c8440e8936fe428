"""The pipeline: site.yaml and content/ in, the output folder out. Read it top to bottom."""

from __future__ import annotations

import functools
import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path
from types import MappingProxyType

import jinja2
from markdown_it import MarkdownIt

from .bodies import body_key, render_bodies
from .cache import CACHE_DIR, BuildCache
from .config import SiteConfig, load_config
from .digests import digest
from .feedcontract import check_feed_contract, contract_feed_paths
from .gitdates import with_git_dates
from .incremental import produce_pages, template_fingerprint, unchanged_on_disk
from .loader import Content, body_of, read_content
from .markdown import LinkTargets, make_markdown, render_markdown
from .model import BuildFailed, Diagnostic, KeptFile, OutputFile, RenderedMarkdown, SourceDocument
from .outputs.feeds import render_feeds
from .outputs.redirects import with_redirect_map
from .outputs.pages import Carried, PageMemory, PageRenderer, PageSpec, page_memory, page_specs
from .outputs.sitemap import render_sitemap
from .outputs.static import asset_urls, static_files, stylesheet_url
from .parallel import default_jobs
from .search import SearchIndex
from .snapshot import Previous, recall, remember
from .site import (FrontMatterFacts, HeldBack, Publication, Site, build_site, edited_articles, front_matter_facts,
                   held_back)
from .templates import make_environment, template_problem, theme_dirs
from .unchanged import inputs_fingerprint, next_change, output_intact
from .views import Views
from .links import dead_links
from .lock import LOCK_FILE, build_lock
from .writer import output_marker, refuse_dangerous_output, write_site


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What the command line can change about a build."""

    drafts: bool = False
    """Publish drafts too."""
    future: bool = False
    """Publish articles dated in the future too."""
    expired: bool = False
    """Publish expired articles too."""
    base_url: str | None = None
    """Replace site.yaml's base_url."""
    output: Path | None = None
    """Replace site.yaml's output folder."""
    now: datetime | None = None
    """The moment that decides what is published (default: the current time)."""
    strict: bool = False
    """Fail on warnings too (a broken feed contract among them), writing nothing."""
    jobs: int | None = None
    """Processes to render with (default: one per core)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a successful build did."""

    output_dir: Path
    """Where the site was written."""
    articles: int
    """Articles published."""
    pages: int
    """HTML pages written."""
    feeds: int
    """Feeds written."""
    files: int
    """All files written."""
    seconds: float
    """Wall time of the build."""
    held_back: tuple[HeldBack, ...]
    """What was held back (scheduled, expired, drafts)."""
    warnings: tuple[Diagnostic, ...] = field(default=())
    """Problems that were repaired."""


@dataclass(frozen=True, slots=True)
class Rendering:
    """A site made in memory, all but its pages' HTML: what ``build`` writes, ``serve``
    serves and ``check`` checks."""

    config: SiteConfig
    """The validated configuration."""
    facts: FrontMatterFacts
    """Every article read, published or not, what is published and what is held back."""
    read: tuple[SourceDocument, ...]
    """The same documents as read from their files, before git dated them."""
    site: Site
    """The site model."""
    rendered: Mapping[str, RenderedMarkdown]
    """Each published article's rendered body, by path."""
    pages: tuple[PageSpec, ...]
    """Every HTML page, described (rendered by ``page_files``)."""
    files: tuple[OutputFile | KeptFile, ...]
    """Every other file: feeds, sitemap, robots.txt, static files."""
    environment: jinja2.Environment
    """The templates."""
    templates: str
    """A digest of the templates, part of every page's key."""
    views: Views
    """The template values' maker (what the next build may carry over from this one)."""
    diagnostics: tuple[Diagnostic, ...]
    """Every problem found: errors (nothing may be published) and warnings."""
    content: Content
    """The content folder as read (what the next rendering in this process may take again)."""
    kept_pages: PageMemory | None
    """The pages, for the next rendering in this process (with ``keep_pages``: ``serve``)."""
    dead_links: tuple[Diagnostic, ...] = ()
    """Links and images of published articles that lead to no file of the site (warnings)."""

    @property
    def documents(self) -> tuple[SourceDocument, ...]:
        """Every article read (dated by git), published or not."""
        return self.facts.documents

    @property
    def publication(self) -> Publication:
        """What is published and what is held back."""
        return self.facts.publication

    def as_previous(self) -> Previous:
        """What the next rendering in this process may take from this one."""
        return Previous(MappingProxyType({}), MappingProxyType({}), self.site,
                        self.kept_pages or page_memory(self.pages, self.views), self.content,
                        (self.templates, self.environment), self.facts)


def render_site(site_dir: Path, options: BuildOptions = BuildOptions(), cache: BuildCache | None = None,
                made: dict | None = None, config: SiteConfig | None = None,
                previous: Previous | None = None, changed: frozenset[str] | None = None,
                keep_pages: bool = False, listed: Mapping[str, str] | None = None,
                kept: Callable[[str, str], bool] | None = None) -> Rendering:
    """Everything a build produces but the pages' HTML, in memory. Articles with errors are
    left out and their errors collected, so that one run finds every problem. Raises
    BuildFailed only for problems that stop everything (configuration, templates).
    What an edit left as it was is taken from ``previous`` (the last build's, see snapshot.py);
    ``changed``: the only article files that may have changed since ``previous`` was read
    (None: look at every file). ``made`` remembers feeds and the sitemap between builds in
    one process, and ``keep_pages`` indexes the pages by the articles they show, for a
    rendering kept for the next one (``serve``). ``listed``: the article files, with the
    digests of their bytes, as found just before (see unchanged.Inputs). A feed or sitemap for which
    ``kept(path, key)`` is true is not made again: the output holds it already."""
    now = options.now or datetime.now(timezone.utc)
    cache = cache or BuildCache(None)
    jobs = options.jobs or default_jobs()
    # site.yaml -> SiteConfig (errors exit 2), unless the caller read it already
    config = config or load_config(site_dir, options.base_url, options.output)
    # content/*.md -> SourceDocuments; every problem in every file is collected
    content = read_content(config, cache, jobs, previous.documents if previous else None,
                           previous.content if previous and changed is not None else None, changed or frozenset(),
                           listed)
    read, problems = content.documents, list(content.problems)
    # updated dates from git history, where the site is a git repository
    documents = tuple(with_git_dates(config, read))
    # duplicate feed ids; drafts, scheduled and expired articles held back; link targets
    facts = front_matter_facts(config, documents, now, (options.drafts, options.future, options.expired),
                               previous.facts if previous else None)
    problems += facts.problems
    publication = facts.publication
    # Markdown -> sanitised HTML, links between articles resolved
    rendered = render_bodies(publication.published, facts.targets, cache, jobs, previous.bodies if previous else None,
                             lambda document: body_of(config, document),
                             previous.site.sources if previous and previous.site and previous.site.config == config
                             else None, previous.facts.targets if previous and previous.facts else None)
    problems += [warning for body in rendered.values() for warning in body.warnings]
    # sort, taxonomies, previous/next, related (patched from the last build's where an edit moved nothing)
    site = build_site(config, publication.published, rendered, previous.site if previous else None,
                      _html_in_cache(cache, config, publication.published, rendered, facts.targets))
    # pages described; feeds, sitemap and static files made
    themes = theme_dirs(config)
    templates = digest(template_fingerprint(themes), *map(str, themes))
    statics = static_files(themes, config.site_dir)
    try:
        # the same templates compile the same: serve keeps those it compiled until one changes
        environment = (previous.templates[1] if previous and previous.templates and previous.templates[0] == templates
                       else make_environment(config))
        views = Views(site, stylesheet_url(statics, config.base_path), asset_urls(statics, config.base_path))
        edited = edited_articles(previous.site, site) if previous and previous.site and previous.pages else None
        renderer = PageRenderer(views, Carried(previous.pages, edited) if edited is not None else None,
                                index_shows=keep_pages)
        pages, kept_pages = _describe_pages(site, renderer)
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc)]) from None
    files = (*render_feeds(site, made, kept), *render_sitemap(site, pages, made, kept),
             *with_redirect_map(site, statics))
    # links and images that lead nowhere: the same check as ``check``'s
    paths = frozenset(chain((page.path for page in pages), (file.path for file in files)))
    dead = dead_links(config, site.articles, rendered, paths, (d.path for d in problems if d.severity == "error"))
    return Rendering(config, facts, tuple(read), site, rendered, pages, files, environment,
                     templates, views, tuple(problems), content, kept_pages, tuple(dead))


def _describe_pages(site: Site, renderer: PageRenderer) -> tuple[tuple[PageSpec, ...], PageMemory | None]:
    """Every page of the site, and (where the renderer indexes the pages by the articles
    they show) what the next rendering may carry over from them. Where the site was
    patched and the last build's pages are at hand (``serve``), only the pages that show an
    edited article are described again: the site has the very same pages, and the others
    are the same."""
    carried = renderer.carries
    memory = carried.memory if carried else None
    # a page kept from a build holds that build's site and views (its values are made from
    # them); every so often all pages are described again, so that old builds are let go
    if memory is None or memory.shown_on is None or memory.patched >= _PATCHES_IN_A_ROW:
        pages = tuple(page_specs(site, renderer))
        shown_on = renderer.shown_on()
        return pages, None if shown_on is None else page_memory(pages, renderer.views, shown_on)
    touched = frozenset(chain.from_iterable(memory.shown_on.get(slug, ()) for slug in carried.edited))
    described = {page.path: page for page in page_specs(site, renderer, touched)}
    pages = tuple(described.get(page.path, page) for page in memory.specs)
    inputs = {**memory.inputs, **{path: page.inputs for path, page in described.items()}}
    return pages, PageMemory(memory.fingerprint, inputs, dict(renderer.views.card_keys_made()), pages,
                             memory.shown_on, memory.patched + 1)


_PATCHES_IN_A_ROW = 16
"""Builds in a row that describe only the pages an edit touched (``serve``)."""


def _html_in_cache(cache: BuildCache, config: SiteConfig, published: Iterable[SourceDocument],
                   rendered: Mapping[str, RenderedMarkdown], targets: LinkTargets) -> Callable[[str], str] | None:
    """Reads, by file, the HTML of the bodies taken from the last build without it; renders
    the body again where the cache no longer holds that very HTML."""
    left = {d.path: d for d in published if rendered[d.path].html is None}
    if not left:
        return None

    def html_of(path: str) -> str:
        document, body = left[path], rendered[path]
        html = cache.html(body_key(document, config.base_path), body.html_digest)
        if html is None:  # the same links resolve as they did for that rendering: the same HTML
            html = render_markdown(_markdown(), replace(document, body=body_of(config, document)), targets).html
        return html

    return html_of


@functools.cache
def _markdown() -> MarkdownIt:
    return make_markdown()


def page_files(rendering: Rendering, reusable: Callable[[str, str], bool], jobs: int,
               pages: Sequence[PageSpec] | None = None) -> Iterator[OutputFile | KeptFile]:
    """Every page (or those of ``pages``): kept where ``reusable(path, key)``, else
    rendered. Raises BuildFailed on a template error."""
    pages = rendering.pages if pages is None else pages
    for page in produce_pages(pages, rendering.environment, rendering.templates, reusable, jobs):
        if isinstance(page, Diagnostic):
            raise BuildFailed([page])
        yield page


def build(site_dir: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Build the site in ``site_dir``. Raises BuildFailed and writes nothing on any error,
    another build of the site running among them."""
    with build_lock(site_dir / CACHE_DIR, f"{CACHE_DIR}/{LOCK_FILE}"), fewer_collections():
        return _build(site_dir, options)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The garbage collector runs rarely while a site is built: the site model is tens of
    thousands of long-lived objects, and each full collection walks them all (at 10,000
    articles, collections cost over a second of a rebuild). Cycles are still collected."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _build(site_dir: Path, options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    now = options.now or datetime.now(timezone.utc)
    options = replace(options, now=now)
    config = load_config(site_dir, options.base_url, options.output)
    cache = BuildCache.open(site_dir)
    full_build = False
    try:
        # nothing changed since the last build, and its output is intact: nothing to do
        inputs = inputs_fingerprint(config, (options.drafts, options.future, options.expired), theme_dirs(config),
                                    cache)
        last = cache.last_build(config.output_dir)
        if last is not None and _still_current(last, inputs.fingerprint, now, config.output_dir, cache):
            return _result_of(last, config.output_dir, started, options.strict)
        full_build = True
        output = config.output_dir
        previous = cache.outputs(output) if output.is_dir() else {}
        output_prefix = os.path.join(output, "")

        def reusable(path: str, key: str) -> bool:
            """True when the output holds the file this build would make of ``key``."""
            recorded = previous.get(path)
            return (recorded is not None and recorded.get("key") == key
                    and unchanged_on_disk(output_prefix + path, recorded))  # a str path: this runs per page

        rendering = render_site(site_dir, options, cache, config=config, previous=recall(cache, config),
                                listed=inputs.articles, kept=reusable)
        if any(d.severity == "error" for d in rendering.diagnostics):
            raise BuildFailed(rendering.diagnostics)
        refuse_dangerous_output(config.output_dir, config.site_dir, config.content_dir)
        # the feed contract: the previous output's feed items keep their ids, and moved ones redirect
        warnings = rendering.diagnostics + rendering.dead_links + tuple(check_feed_contract(
            previous_feeds(config.output_dir, rendering.site), rendering.site, rendering.publication.published))
        if options.strict and warnings:
            raise BuildFailed([replace(warning, severity="error") for warning in warnings])
        # pages kept or rendered; staging folder, search index, atomic swap
        folders = cache.output_folders(output)
        pages = page_files(rendering, reusable, options.jobs or default_jobs())
        try:
            manifest, search_warnings, written = write_site(
                chain(pages, rendering.files, [output_marker()]), output, previous,
                SearchIndex() if config.search else None, folders.get("standby"))
        finally:
            pages.close()  # a failed write stops the page workers now: they hold the build lock too
        cache.remember_outputs(output, manifest)
        cache.remember_output_folders(output, {"live": written, "standby": folders.get("live")})  # swapped
        remember(cache, config, rendering.site, rendering.read, warnings,
                 page_memory(rendering.pages, rendering.views))
        summary = {
            "inputs": inputs.fingerprint, "next_change": next_change(rendering.documents, now),
            "articles": len(rendering.site.articles), "pages": len(rendering.pages),
            "feeds": sum(f.origin.endswith("feed") for f in rendering.files), "files": len(manifest),
            "held_back": [[h.path, h.reason, h.when] for h in held_back(rendering.publication)],
            "warnings": [[d.path, d.line, d.message, d.hint, d.severity] for d in warnings + search_warnings],
        }
        cache.remember_build(output, summary)
    finally:
        cache.save(prune=full_build)
    return _result_of(summary, config.output_dir, started, strict=False)


def _still_current(last: dict, inputs: str, now: datetime, output: Path, cache: BuildCache) -> bool:
    """True when the last build's output is what this build would write."""
    due = last.get("next_change")
    return (last.get("inputs") == inputs and (due is None or now < datetime.fromisoformat(due))
            and output_intact(output, cache.outputs(output)))


def _result_of(summary: dict, output_dir: Path, started: float, strict: bool) -> BuildResult:
    warnings = tuple(Diagnostic(*fields) for fields in summary["warnings"])
    if strict and warnings:
        raise BuildFailed([replace(warning, severity="error") for warning in warnings])
    return BuildResult(
        output_dir=output_dir, articles=summary["articles"], pages=summary["pages"], feeds=summary["feeds"],
        files=summary["files"], seconds=time.perf_counter() - started,
        held_back=tuple(HeldBack(*fields) for fields in summary["held_back"]), warnings=warnings)


def previous_feeds(output_dir: Path, site: Site) -> dict[str, bytes]:
    """The feeds of the output about to be replaced, by path: what subscribers already have."""
    found = {}
    for name in contract_feed_paths(site):
        try:
            found[name] = (output_dir / name).read_bytes()
        except OSError:  # not built before, or not a file
            continue
    return found
