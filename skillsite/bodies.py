"""The Markdown stage: every published article's body rendered, reusing what the cache
holds and spreading the rest over processes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import replace

from .cache import FINGERPRINT, BuildCache
from .digests import digest
from .markdown import LinkTargets, make_markdown, render_markdown
from .model import RenderedMarkdown, SourceDocument
from .parallel import map_in_processes


def body_key(document: SourceDocument, base_path: str) -> str:
    """Everything a rendering reads, besides the links to other articles (see ``lookups``).
    The document's digest stands for its file, path and body where the loader made one."""
    meta = document.meta
    source = document.digest or digest(document.path, document.content_path, str(document.body_line), document.body)
    return _body_key(source, meta.source or "", meta.summary or "", base_path)


@functools.lru_cache(maxsize=1 << 16)  # asked for several times per article and build
def _body_key(source: str, link: str, summary: str, base_path: str) -> str:
    return digest(FINGERPRINT, source, link, summary, base_path)


def still_valid(rendered: RenderedMarkdown, targets: LinkTargets) -> bool:
    """True when every link the body resolved to another article resolves the same way now."""
    return all(targets.answer(question) == answer for question, answer in rendered.lookups)


def render_bodies(documents: tuple[SourceDocument, ...], targets: LinkTargets, cache: BuildCache,
                  jobs: int = 1, known: Mapping[str, RenderedMarkdown] | None = None,
                  read_body: Callable[[SourceDocument], str] | None = None,
                  sources: Mapping[str, tuple[SourceDocument, RenderedMarkdown]] | None = None,
                  sources_targets: LinkTargets | None = None) -> Mapping[str, RenderedMarkdown]:
    """Each document's rendered body, by path: from ``known`` (by body key: the last build's
    renderings, without their HTML) or the cache where still valid, else rendered.
    ``read_body`` reads the Markdown of a document that came without it. ``sources``: the
    last site's (``serve``, under the same configuration): the very document it was made
    from has the same rendering, while its links resolve the same way; they surely do
    where ``sources_targets``, the link targets of that site, are ``targets`` themselves."""
    rendered: dict[str, RenderedMarkdown] = {}
    missing: list[tuple[SourceDocument, str]] = []
    links_as_before = sources_targets is targets
    for document in documents:
        before = sources.get(document.path) if sources else None
        if before is not None and before[0] is document and (links_as_before or still_valid(before[1], targets)):
            rendered[document.path] = before[1]
            continue
        key = body_key(document, targets.base_path)
        cached = known.get(key) if known else None
        if cached is None:
            cached = cache.body(key)
        if cached is not None and still_valid(cached, targets):
            rendered[document.path] = cached
        else:
            if document.body is None:
                document = replace(document, body=read_body(document))
            missing.append((document, key))
    # forked workers inherit the documents: only their numbers travel to them
    shared = (make_markdown(), targets, [document for document, _ in missing])
    fresh = map_in_processes(_render, shared, range(len(missing)), jobs)
    for (document, key), body in zip(missing, fresh, strict=True):
        cache.remember_body(key, body)
        rendered[document.path] = body
    return {document.path: rendered[document.path] for document in documents}


def _render(shared, index: int) -> RenderedMarkdown:
    md, targets, documents = shared
    return render_markdown(md, documents[index], targets)
