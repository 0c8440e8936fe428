"""The pipeline: site.yaml and content/ in, the output folder out. Read it top to bottom."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import jinja2

from .config import SiteConfig, load_config
from .loader import load_documents
from .markdown import LinkTargets, make_markdown, render_markdown
from .model import BuildFailed, Diagnostic, OutputFile, RenderedMarkdown, SourceDocument
from .outputs.feeds import render_feeds
from .outputs.pages import PageRenderer, render_pages
from .outputs.sitemap import render_sitemap
from .outputs.static import static_files, stylesheet_url
from .site import Publication, build_site, link_targets, select_published
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


def build(site_dir: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Build the site in ``site_dir``. Raises BuildFailed and writes nothing on any error."""
    started = time.perf_counter()
    now = options.now or datetime.now(timezone.utc)
    # site.yaml -> SiteConfig (errors exit 2)
    config = load_config(site_dir, options.base_url, options.output)
    refuse_dangerous_output(config.output_dir, config.site_dir, config.content_dir)
    # content/*.md -> SourceDocuments; every problem in every file is collected
    documents, problems = load_documents(config)
    # drafts, scheduled and expired articles are held back
    publication = select_published(documents, now, drafts=options.drafts, future=options.future,
                                   expired=options.expired)
    # Markdown -> sanitised HTML, links between articles resolved
    rendered, render_warnings = render_documents(publication.published, link_targets(config, publication.published))
    problems += render_warnings
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise BuildFailed(problems)
    # sort, taxonomies, previous/next
    site = build_site(config, publication.published, rendered)
    # pages, feeds, sitemap, static files -> OutputFiles
    files = render_outputs(config, site)
    # staging folder, containment and collision checks, atomic swap
    write_site(files, config.output_dir)
    return BuildResult(
        output_dir=config.output_dir, articles=len(site.articles),
        pages=sum(f.path.endswith(".html") for f in files),
        feeds=sum(f.origin.endswith("feed") for f in files), files=len(files),
        seconds=time.perf_counter() - started, publication=publication, warnings=tuple(problems),
    )


def render_documents(documents: tuple[SourceDocument, ...], targets: LinkTargets
                     ) -> tuple[dict[str, RenderedMarkdown], list[Diagnostic]]:
    """Each document's body rendered, by path, and the warnings raised on the way."""
    md = make_markdown()
    rendered = {d.path: render_markdown(md, d, targets) for d in documents}
    return rendered, [w for r in rendered.values() for w in r.warnings]


def render_outputs(config: SiteConfig, site) -> list[OutputFile]:
    """Every file of the built site."""
    themes = theme_dirs(config)
    statics = static_files(themes, config.site_dir)
    try:
        env = make_environment(config)
        renderer = PageRenderer(env, Views(site, stylesheet_url(statics, config.base_path)))
        pages = list(render_pages(site, renderer))
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc)]) from None
    feeds = list(render_feeds(site))
    return [*pages, *feeds, *render_sitemap(site, pages), *statics]
