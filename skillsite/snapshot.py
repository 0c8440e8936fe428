"""The site model a build leaves for the next one, so that ``build`` patches it as ``serve``
does (see site.build_site) instead of making it again from 10,000 cache entries.

It holds the documents (without their Markdown), their renderings (without their HTML, which
stays in the cache's bodies table and is read only for the pages and feed items rendered),
the site's order, taxonomies and links, and what the pages were made of. It is JSON in the
cache, like every entry: data, never code. It is used only when it was made under the very
configuration of this build; HTML read back must have the digest the rendering names, or
the body is rendered again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType

import jinja2

from .bodies import body_key
from .cache import BuildCache, front_matter_from_json, front_matter_json, rendered_from_json, rendered_json
from .config import SiteConfig
from .digests import digest
from .loader import Content
from .model import Diagnostic, RenderedMarkdown, SourceDocument, Taxonomy, Term
from .outputs.pages import PageMemory
from .site import FrontMatterFacts, Site, article_of

VERSION = 3


@dataclass(frozen=True, slots=True)
class Previous:
    """What a build takes from the one before."""

    documents: Mapping[str, SourceDocument]
    """Documents read before, by digest (their ``body`` may be None: see bodies.py)."""
    bodies: Mapping[str, RenderedMarkdown]
    """Renderings made before, by body key (their ``html`` may be None: see Site.html_of)."""
    site: Site | None
    """The site model, to patch."""
    pages: PageMemory | None
    """What its pages were made of."""
    content: Content | None = None
    """The content folder as it read it (``serve`` only: see loader.read_content)."""
    templates: tuple[str, jinja2.Environment] | None = None
    """Its templates' fingerprint and their Environment, with the templates compiled so
    far (``serve`` only: a CLI build compiles the few it renders)."""
    facts: FrontMatterFacts | None = None
    """What it derived from the front matter alone (``serve`` only)."""


def remember(cache: BuildCache, config: SiteConfig, site: Site, read: tuple[SourceDocument, ...],
             problems: tuple[Diagnostic, ...], pages: PageMemory) -> None:
    """Leave this build's model in the cache for the next build. ``read`` are the documents
    as read from their files: git dates are found again by every build (a commit changes
    them, not the file). Documents with problems are marked to be read again, so that
    their warnings are reported again. Each document and rendering is a part of its own,
    named by its content: only the parts an edit made are written."""
    troubled = {problem.path for problem in problems}
    read_by_path = {d.path: d for d in read}
    for document in read:
        if not cache.has_snapshot_part(_DOCUMENT + document.digest):
            cache.remember_snapshot_part(_DOCUMENT + document.digest, _document_json(document))
    bodies = []
    for document, rendered in site.sources.values():
        key = (body_key(document, config.base_path), rendered.html_digest)
        if not cache.has_snapshot_part(_body_part(key)):
            cache.remember_snapshot_part(_body_part(key), {**rendered_json(rendered), "html": None})
        bodies.append(key)
    cache.remember_snapshot(config.output_dir, {
        "version": VERSION, "config": _config_key(config),
        "documents": {d.digest: d.path in troubled for d in read},  # to be read again?
        "bodies": bodies,
        "site": {
            "articles": [[a.source_path, a.previous, a.next, list(a.related),
                          _git_updated(site, read_by_path, a.source_path)] for a in site.articles],
            "taxonomies": [[t.key, t.title, [[term.key, term.name, term.path, list(term.articles), term.description]
                                             for term in t.terms]] for t in site.taxonomies],
            "redirects": [list(redirect) for redirect in site.redirects],
        },
        "pages": {"fingerprint": pages.fingerprint, "inputs": dict(pages.inputs), "card_keys": dict(pages.card_keys)},
    })


_DOCUMENT = "document:"


def _body_part(key: tuple[str, str]) -> str:
    """A rendering's part: by body key and HTML digest (one body may render otherwise where
    its links to other articles resolve otherwise)."""
    return f"body:{key[0]}:{key[1]}"


def recall(cache: BuildCache, config: SiteConfig) -> Previous | None:
    """The model the last build into this output left, or None when there is none this
    build can trust (another configuration, another version, a part gone). Its HTML is
    checked when it is read (see BuildCache.html): a body no longer cached is rendered again."""
    data = cache.snapshot(config.output_dir)
    if not data or data.get("version") != VERSION or data.get("config") != _config_key(config):
        return None
    try:
        documents = {key: _document_from(key, cache.snapshot_part(_DOCUMENT + key)) for key in data["documents"]}
        read_again = {key for key, again in data["documents"].items() if again}
        bodies = {body: rendered_from_json(cache.snapshot_part(_body_part((body, html))))
                  for body, html in data["bodies"]}
        pages = data["pages"]
        memory = PageMemory(pages["fingerprint"], pages["inputs"], pages["card_keys"])
    except (KeyError, TypeError, ValueError):  # a part gone (None) or damaged
        return None
    cache.keep("documents", documents)
    cache.keep("bodies", bodies)
    # a document that had problems is read again, so that its warnings are reported again
    unread = {key: document for key, document in documents.items() if key not in read_again}
    return Previous(MappingProxyType(unread), MappingProxyType(bodies), _site_from(data["site"], config, documents,
                                                                                     bodies), memory)


def _site_from(data: dict, config: SiteConfig, documents: Mapping[str, SourceDocument],
               bodies: Mapping[str, RenderedMarkdown]) -> Site | None:
    """The site as the last build made it (None when the snapshot does not add up)."""
    try:
        by_path = {d.path: d for d in documents.values()}
        sources = {}
        articles = []
        for path, previous, newer, related, dated in data["articles"]:
            document = by_path[path]
            if dated is not None:  # as the build made it: ``updated`` from git
                document = replace(document, meta=replace(document.meta, updated=datetime.fromisoformat(dated)))
            rendered = bodies[body_key(document, config.base_path)]
            sources[path] = (document, rendered)
            articles.append(article_of(config, document, rendered, previous, newer, tuple(related)))
        taxonomies = tuple(Taxonomy(key, title, tuple(Term(t_key, name, path, tuple(slugs), description)
                                                      for t_key, name, path, slugs, description in terms))
                           for key, title, terms in data["taxonomies"])
        redirects = tuple((old, slug) for old, slug in data["redirects"])
    except (KeyError, TypeError, ValueError):
        return None
    return Site(config, tuple(articles), MappingProxyType({a.slug: a for a in articles}), taxonomies, redirects,
                MappingProxyType(sources))


def _git_updated(site: Site, read: Mapping[str, SourceDocument], path: str) -> str | None:
    """The ``updated`` git gave an article, if git gave it one (see gitdates.py)."""
    updated = site.sources[path][0].meta.updated
    as_read = read.get(path)
    return updated.isoformat() if updated and as_read and as_read.meta.updated != updated else None


def _config_key(config: SiteConfig) -> str:
    return digest(repr(config))


def _document_json(document: SourceDocument) -> dict:
    return {"path": document.path, "content_path": document.content_path, "meta": front_matter_json(document.meta),
            "body_line": document.body_line, "lines": dict(document.field_lines)}


def _document_from(key: str, entry: dict) -> SourceDocument:
    return SourceDocument(entry["path"], entry["content_path"], front_matter_from_json(entry["meta"]), None,
                          entry["body_line"], entry["lines"], key)
