"""The pipeline: site.yaml and content/ in, the output folder out. Read it top to bottom."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import jinja2

from .config import SiteConfig, load_config
from .feedcontract import check_feed_contract, contract_feed_paths
from .loader import load_documents
from .markdown import LinkTargets, make_markdown, render_markdown
from .model import BuildFailed, Diagnostic, OutputFile, RenderedMarkdown, SourceDocument
from .outputs.feeds import render_feeds
from .outputs.pages import PageRenderer, render_pages
from .outputs.sitemap import render_sitemap
from .outputs.static import asset_urls, static_files, stylesheet_url
from .search import index_site
from .gitdates import with_git_dates
from .site import Publication, Site, build_site, guid_collisions, link_targets, select_published
from .templates import make_environment, template_problem, theme_dirs
from .views import Views
from .writer import refuse_dangerous_output, write_site


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
    publication: Publication
    """What was held back (drafts, scheduled, expired)."""
    warnings: tuple[Diagnostic, ...] = field(default=())
    """Problems that were repaired."""


@dataclass(frozen=True, slots=True)
class Rendering:
    """A site rendered in memory: what ``build`` writes, ``serve`` serves and ``check`` checks."""

    config: SiteConfig
    """The validated configuration."""
    documents: tuple[SourceDocument, ...]
    """Every article read, published or not."""
    publication: Publication
    """What is published and what is held back."""
    site: Site
    """The site model."""
    rendered: Mapping[str, RenderedMarkdown]
    """Each published article's rendered body, by path."""
    files: tuple[OutputFile, ...]
    """Every file of the site (of its valid articles, when there are errors)."""
    diagnostics: tuple[Diagnostic, ...]
    """Every problem found: errors (nothing may be published) and warnings."""


class MarkdownCache:
    """Rendered bodies kept between two renderings in one process (``serve``): a body is
    rendered again only when its document or the set of link targets changed."""

    def __init__(self) -> None:
        self._targets: LinkTargets | None = None
        self._entries: dict[str, tuple[SourceDocument, RenderedMarkdown]] = {}

    def render(self, md, documents: tuple[SourceDocument, ...], targets: LinkTargets) -> dict[str, RenderedMarkdown]:
        """Each document's rendered body, by path, reusing what has not changed."""
        if targets != self._targets:
            self._targets, self._entries = targets, {}
        rendered = {}
        for document in documents:
            entry = self._entries.get(document.path)
            if entry is None or entry[0] != document:
                entry = (document, render_markdown(md, document, targets))
                self._entries[document.path] = entry
            rendered[document.path] = entry[1]
        return rendered


def render_site(site_dir: Path, options: BuildOptions = BuildOptions(),
                cache: MarkdownCache | None = None) -> Rendering:
    """Everything a build produces, in memory. Articles with errors are left out and their
    errors collected, so that one run finds every problem. Raises BuildFailed only for
    problems that stop everything (configuration, templates)."""
    now = options.now or datetime.now(timezone.utc)
    # site.yaml -> SiteConfig (errors exit 2)
    config = load_config(site_dir, options.base_url, options.output)
    # content/*.md -> SourceDocuments; every problem in every file is collected
    documents, problems = load_documents(config)
    # updated dates from git history, where the site is a git repository
    documents = with_git_dates(config, documents)
    problems += guid_collisions(config, documents)
    # drafts, scheduled and expired articles are held back
    publication = select_published(documents, now, drafts=options.drafts, future=options.future,
                                   expired=options.expired)
    # Markdown -> sanitised HTML, links between articles resolved
    targets = link_targets(config, publication.published)
    rendered = (cache or MarkdownCache()).render(make_markdown(), publication.published, targets)
    problems += [warning for body in rendered.values() for warning in body.warnings]
    # sort, taxonomies, previous/next
    site = build_site(config, publication.published, rendered)
    # pages, feeds, sitemap, static files -> OutputFiles
    files = render_outputs(config, site)
    return Rendering(config, tuple(documents), publication, site, rendered, tuple(files), tuple(problems))


def build(site_dir: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Build the site in ``site_dir``. Raises BuildFailed and writes nothing on any error."""
    started = time.perf_counter()
    rendering = render_site(site_dir, options)
    if any(d.severity == "error" for d in rendering.diagnostics):
        raise BuildFailed(rendering.diagnostics)
    config = rendering.config
    refuse_dangerous_output(config.output_dir, config.site_dir, config.content_dir)
    # the feed contract: the previous output's feed items keep their ids, and moved ones redirect
    warnings = rendering.diagnostics + tuple(check_feed_contract(
        previous_feeds(config.output_dir, rendering.site), rendering.site, rendering.publication.published))
    if options.strict and warnings:
        raise BuildFailed([replace(warning, severity="error") for warning in warnings])
    # staging folder, containment and collision checks, search index, atomic swap
    search_warnings = write_site(list(rendering.files), config.output_dir, post_write=index_site)
    files = rendering.files
    return BuildResult(
        output_dir=config.output_dir, articles=len(rendering.site.articles),
        pages=sum(f.path.endswith(".html") for f in files),
        feeds=sum(f.origin.endswith("feed") for f in files), files=len(files),
        seconds=time.perf_counter() - started, publication=rendering.publication,
        warnings=warnings + search_warnings,
    )


def previous_feeds(output_dir: Path, site: Site) -> dict[str, bytes]:
    """The feeds of the output about to be replaced, by path: what subscribers already have."""
    found = {}
    for name in contract_feed_paths(site):
        try:
            found[name] = (output_dir / name).read_bytes()
        except OSError:  # not built before, or not a file
            continue
    return found


def render_outputs(config: SiteConfig, site: Site) -> list[OutputFile]:
    """Every file of the built site."""
    themes = theme_dirs(config)
    statics = static_files(themes, config.site_dir)
    try:
        env = make_environment(config)
        renderer = PageRenderer(env, Views(site, stylesheet_url(statics, config.base_path),
                                           asset_urls(statics, config.base_path)))
        pages = list(render_pages(site, renderer))
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc)]) from None
    feeds = list(render_feeds(site))
    return [*pages, *feeds, *render_sitemap(site, pages), *statics]
