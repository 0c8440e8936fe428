"""Queries over the site's own files: site.yaml, the articles' front matter and bodies.

Strata (see query.py): 1-3 the configuration and the content folder; 4-5 each article's
front matter; the site's structure is 6-10 (queries/site.py); 20-23 each article's body
and what pages show of it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePosixPath

from markdown_it import MarkdownIt

from ..config import CONFIG_NAME, MAX_CONFIG_BYTES, Rules, SiteConfig, config_unreadable, parse_config
from ..documents import ARTICLE_SUFFIX, MAX_ARTICLE_BYTES, read_document, too_large, with_body
from ..frontmatter import FrontMatterReader
from ..inputs import GIT_HEAD, OPTIONS, TREE, InputProblem, read_input
from ..markdown import LinkTargets, make_markdown, render_markdown
from ..model import Article, BuildFailed, Card, Diagnostic, DocumentRead, Placement, RenderedMarkdown
from ..query import Query
from .. import site as model


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line changed about a build (the OPTIONS input's value)."""

    drafts: bool = False
    future: bool = False
    expired: bool = False
    base_url: str | None = None
    output: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleFiles:
    """The content folder, walked."""

    articles: tuple[str, ...]
    """The article files (``.md``), by name, in order."""
    others: tuple[str, ...]
    """Every other file: images and files beside their articles."""
    problems: tuple[Diagnostic, ...]
    """Links, special files and unreadable folders found, and files named like articles
    that are not (``Other.MD``)."""


def _config(ask, _: str) -> SiteConfig:
    options: Options = ask.get(OPTIONS)
    try:
        raw = read_input(ask, CONFIG_NAME, MAX_CONFIG_BYTES)
    except InputProblem as problem:
        raise BuildFailed([config_unreadable(problem, ask.reader.site_dir)], 2) from None
    output = None if options.output is None else ask.reader.site_dir / options.output
    return parse_config(raw, ask.reader.site_dir, options.base_url, output)


CONFIG = Query("config", 1, _config)
"""site.yaml, validated (a value made again in each process: reading it costs a millisecond)."""


def _rules(ask, _: str) -> Rules:
    config: SiteConfig = ask.get(CONFIG)
    return Rules(config.categories, config.audiences, config.timezone, ask.reader.name(config.content_dir),
                 config.feeds.id_authority)


RULES = Query("rules", 2, _rules, Rules)
"""What reading an article depends on in site.yaml: an edit of the site's title re-reads none."""


def _base_path(ask, _: str) -> str:
    return ask.get(CONFIG).base_path


BASE_PATH = Query("base-path", 2, _base_path, str)
"""The path of the base URL, which every internal link starts with."""


def _article_files(ask, _: str) -> ArticleFiles:
    content = ask.get(RULES).content
    listing = ask.get(TREE, content)
    articles, others, problems = [], [], list(listing.problems)
    if not listing.exists:
        problems.append(Diagnostic(content, 0, "the content folder does not exist",
                                   "create it and put the articles (.md files) in it, or set content: in site.yaml"))
    for relative in listing.files:
        name = f"{content}/{relative}"
        if relative.endswith(ARTICLE_SUFFIX):
            articles.append(name)
        elif relative.lower().endswith(ARTICLE_SUFFIX):
            problems.append(Diagnostic(name, 0, f"'{PurePosixPath(relative).name}' looks like an article, but only "
                                       f"files ending in '{ARTICLE_SUFFIX}' (lowercase) are read",
                                       f"rename it to end in {ARTICLE_SUFFIX}"))
        else:
            others.append(name)
    return ArticleFiles(tuple(articles), tuple(others), tuple(problems))


ARTICLE_FILES = Query("article-files", 3, _article_files, ArticleFiles)


@functools.lru_cache(maxsize=4)
def _front_matter_reader(rules: Rules) -> FrontMatterReader:
    return FrontMatterReader(rules)


def _document(ask, name: str) -> DocumentRead:
    rules: Rules = ask.get(RULES)
    try:
        raw = read_input(ask, name, MAX_ARTICLE_BYTES)
    except InputProblem as problem:
        return DocumentRead(None, (too_large(name, problem.size) if problem.size else problem.diagnostic,))
    content_path = name[len(rules.content) + 1:] if name.startswith(rules.content + "/") else name
    return read_document(rules, name, content_path, raw, _front_matter_reader(rules))


DOCUMENT = Query("document", 4, _document, DocumentRead, costly=True)
"""An article file's front matter (without its body), and every problem in it."""


def _placement(ask, name: str) -> Placement | None:
    document = ask.get(DOCUMENT, name).document
    return None if document is None else model.placement(document)


PLACEMENT = Query("placement", 5, _placement, Placement | None)


def _git_dates(ask, _: str) -> dict[str, str]:
    config: SiteConfig = ask.get(CONFIG)
    if not config.dates_from_git:
        return {}
    content = ask.reader.name(config.content_dir)
    return ask.reader.git_dates(content) if ask.get(GIT_HEAD, content) else {}


GIT_DATES = Query("git-dates", 5, _git_dates, dict[str, str])
"""File -> the time of the last commit that modified it (read again when HEAD moves)."""


# --- link targets and bodies ----------------------------------------------------------------------

class _AskedTargets:
    """The link targets as a body sees them: each answer it asks for is a dependency of
    its own, so a body is rendered again only when a link it resolved resolves otherwise."""

    def __init__(self, ask):
        self._ask = ask
        self.base_path = ask.get(BASE_PATH)

    def answer(self, question: str) -> str | None:
        return self._ask.get(LINK, question)

    def image(self, question: str):
        from .images import IMAGE_INFO
        return self._ask.get(IMAGE_INFO, question)


def _link(ask, question: str) -> str | None:
    from .site import LINK_TARGETS
    targets: LinkTargets = ask.get(LINK_TARGETS)
    return targets.answer(question)


LINK = Query("link", 20, _link, str | None)
"""Where a link from one article to another (by file or by source URL) leads."""


@functools.cache
def _markdown() -> MarkdownIt:
    return make_markdown()


# The queries below are asked for published articles only; a change may still reach the
# memo of an article that is gone or has errors now: it is then None, and forgotten.

def _body(ask, name: str) -> RenderedMarkdown | None:
    document = ask.get(DOCUMENT, name).document
    if document is None:
        return None
    try:
        raw = read_input(ask, name, MAX_ARTICLE_BYTES)
    except InputProblem:
        return None
    return render_markdown(_markdown(), with_body(document, raw), _AskedTargets(ask))


BODY = Query("body", 21, _body, costly=True)
"""An article's body as safe HTML, with its summary, headings, links and warnings: kept as
its digest only (the HTML is a site's size over again), made again in a later build where a
page or feed showing it is made again; what else is made of it (ARTICLE, its problems) is
kept."""


def _article(ask, name: str) -> Article | None:
    document = ask.get(DOCUMENT, name).document
    body = ask.get(BODY, name)
    if document is None or body is None:
        return None
    committed = ask.get(GIT_DATES).get(name)
    meta = document.meta
    if committed and meta.updated is None:
        moment = datetime.fromisoformat(committed)
        if moment > meta.date:
            document = replace(document, meta=replace(meta, updated=moment.astimezone(ask.get(RULES).zone)))
    return model.article(ask.get(RULES).id_authority, document, body)


ARTICLE = Query("article", 22, _article, Article | None)
"""A published article: its front matter (dated by git), summary, headings, feed id."""


def _card(ask, name: str) -> Card | None:
    article = ask.get(ARTICLE, name)
    return None if article is None else model.card(article)


CARD = Query("card", 23, _card, Card | None)
"""What listings show of an article: a body edit that keeps the summary stops here."""

QUERIES = (CONFIG, RULES, BASE_PATH, ARTICLE_FILES, DOCUMENT, PLACEMENT, GIT_DATES, LINK, BODY, ARTICLE, CARD)
