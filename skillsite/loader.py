"""Walk content/ in a fixed order and read every article, collecting every problem.

This is the only module that reads the content folder.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from .config import SiteConfig
from .cache import FINGERPRINT, BuildCache
from .digests import digest
from .frontmatter import FileProblem, FrontMatterReader, SplitFile, decode, split, strip_forbidden
from .model import Diagnostic, SourceDocument
from .parallel import map_in_processes
from .urls import alias_path, article_path, is_valid_slug

ARTICLE_SUFFIX = ".md"
MAX_ARTICLE_BYTES = 4 * 1024 * 1024
"""Larger files are refused: no real article is this long, and it keeps builds bounded."""


def is_debris(name: str) -> bool:
    """Editor and OS leftovers that must never be published or read."""
    return (name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swo", ".tmp", ".bak"))
            or name in ("Thumbs.db", "desktop.ini"))


def article_paths(content_dir: Path) -> list[str]:
    """The article files under ``content_dir`` as sorted path strings (cheap to compare);
    symlinks and debris are skipped."""
    found: list[str] = []
    _collect_articles(str(content_dir), found)
    return sorted(found, key=lambda path: path.split(os.sep))


def _collect_articles(folder: str, found: list[str]) -> None:
    # scandir tells symlinks and folders apart without a system call per file
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if is_debris(entry.name) or entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            _collect_articles(entry.path, found)
        elif entry.name.endswith(ARTICLE_SUFFIX):
            found.append(entry.path)


def article_files(content_dir: Path) -> list[Path]:
    """The article files under ``content_dir``, sorted; symlinks and debris are skipped."""
    return [Path(path) for path in article_paths(content_dir)]


def display_path(path: Path, site_dir: Path) -> str:
    """How a file is named in messages: relative to the site folder when inside it."""
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True, slots=True)
class FileRead:
    """What reading one article file gave."""

    document: SourceDocument | None
    """The article (None when its front matter has errors)."""
    problems: tuple[Diagnostic, ...]
    """What is wrong with it."""


@dataclass(frozen=True, slots=True)
class Content:
    """The content folder, read."""

    documents: list[SourceDocument]
    """The articles read without errors, in file order."""
    problems: list[Diagnostic]
    """Every problem found in any of them."""
    files: Mapping[str, FileRead | Diagnostic]
    """What reading each article file gave, by file, in order, or the problem that stopped
    it (what ``read_content`` may take again)."""


def load_documents(config: SiteConfig, cache: BuildCache | None = None, jobs: int = 1,
                   known: Mapping[str, SourceDocument] | None = None) -> tuple[list[SourceDocument], list[Diagnostic]]:
    """Every article under the content folder, and every problem found in any of them
    (see ``read_content``)."""
    content = read_content(config, cache, jobs, known)
    return content.documents, content.problems


def read_content(config: SiteConfig, cache: BuildCache | None = None, jobs: int = 1,
                 known: Mapping[str, SourceDocument] | None = None, before: Content | None = None,
                 changed: frozenset[str] = frozenset(), listed: Mapping[str, str] | None = None) -> Content:
    """Every article under the content folder, and every problem found in any of them.
    An article read before (same file, same bytes, same site settings) comes from ``known``
    (by digest: the last build's documents, without their Markdown) or from the cache
    without being read again; the front matter of the rest is read in ``jobs`` processes.
    With ``before`` (the same folder read before: the same files, where only those in
    ``changed`` may have changed since, as a file watcher tells) nothing else is looked at,
    unless ``changed`` names a file it did not have: then every file is. ``listed``: the
    article files, with the digests of their bytes, as found just before (see unchanged.Inputs)."""
    if not config.content_dir.is_dir():
        problem = Diagnostic(display_path(config.content_dir, config.site_dir), 0, "the content folder does not exist",
                             "create it and put the articles (.md files) in it, or set content: in site.yaml")
        return Content([], [problem], {})
    cache = cache or BuildCache(None)
    settings = _validation_settings(config)
    content_prefix = os.path.join(config.content_dir, "")
    if before is not None and changed <= before.files.keys():
        files: dict[str, FileRead | Diagnostic | None] = dict(before.files)  # the changed ones replaced in place
        to_read = [file for file in files if file in changed]
    else:
        files, to_read = {}, list(listed) if listed is not None else article_paths(config.content_dir)
    listed = listed or {}
    found: dict[str, tuple[str, str, str, dict | None]] = {}  # (path, content path, cache key, cached entry)
    fresh: dict[str, tuple[SplitFile, list[Diagnostic]]] = {}  # articles to read, by file: their parts
    site_prefix = os.path.join(config.site_dir, "")
    for file in to_read:
        # the usual case (content inside the site folder) without pathlib: this runs per article
        path = (file[len(site_prefix):].replace(os.sep, "/") if file.startswith(site_prefix)
                else display_path(Path(file), config.site_dir))
        try:
            file_digest, raw = listed.get(file), None
            if file_digest is None:
                file_digest, raw = cache.digest_of(file, lambda status: _read(file, path, status))
            key = _document_key(settings, path, file_digest)
            before_doc = known.get(key) if known else None
            cached = (cache.document(key) if before_doc is None else
                      {"meta": before_doc.meta, "lines": before_doc.field_lines, "body_line": before_doc.body_line,
                       "body": None, "problems": []})
            if cached is None:
                if raw is None:
                    raw = _read(file, path, os.stat(file))
                    read_digest = digest(raw)
                    if read_digest != file_digest:  # changed since its digest was taken: keyed by what is read
                        key = _document_key(settings, path, read_digest)
                text, warnings = strip_forbidden(decode(raw, path), path)
                fresh[file] = (split(text, path), warnings)
        except FileProblem as problem:
            files[file] = problem.diagnostic
            continue
        files[file] = None  # read below
        found[file] = (path, file[len(content_prefix):].replace(os.sep, "/"), key, cached)
    reader = FrontMatterReader(config)
    shared = (reader, {file: (found[file][0], parts) for file, (parts, _) in fresh.items()})
    read = map_in_processes(_read_front_matter, shared, list(fresh), jobs, chunk=64)
    for file, (meta, lines, front_problems) in zip(list(fresh), read, strict=True):
        parts, text_warnings = fresh[file]
        path, content_path, key, _ = found[file]
        entry = {"meta": meta, "lines": lines, "body_line": parts.body_line, "body": parts.body,
                 "problems": [*text_warnings, *front_problems]}
        found[file] = (path, content_path, key, entry)
        if meta is not None:
            cache.remember_document(key, entry)
    for file, (path, content_path, key, entry) in found.items():
        document = (SourceDocument(path, content_path, entry["meta"], entry["body"], entry["body_line"],
                                   entry["lines"], key) if entry["meta"] is not None else None)
        files[file] = FileRead(document, tuple(entry["problems"]))
    # files that could not be read first, then what was found in the others, all in file order
    problems = [result for result in files.values() if isinstance(result, Diagnostic)]
    documents = []
    for result in files.values():
        if isinstance(result, FileRead):
            problems.extend(result.problems)
            if result.document is not None:
                documents.append(result.document)
    problems.extend(_slug_collisions(documents))
    return Content(documents, problems, MappingProxyType(files))


def body_of(config: SiteConfig, document: SourceDocument) -> str:
    """The Markdown of a document taken without it (see ``known``), read from its file again."""
    file = os.path.join(config.content_dir, *document.content_path.split("/"))
    text, _ = strip_forbidden(decode(_read(file, document.path, os.stat(file)), document.path), document.path)
    return split(text, document.path).body


@functools.lru_cache(maxsize=1 << 16)  # serve asks again for every article at every save
def _document_key(settings: str, path: str, file_digest: str) -> str:
    return digest(FINGERPRINT, settings, path, file_digest)


def _validation_settings(config: SiteConfig) -> str:
    """What front matter validation depends on besides the file itself."""
    return "|".join((",".join(c.key for c in config.categories), ",".join(a.key for a in config.audiences),
                     config.timezone))


def _read(file: str, path: str, status: os.stat_result) -> bytes:
    if status.st_size > MAX_ARTICLE_BYTES:
        raise FileProblem(Diagnostic(path, 0, f"the file is {status.st_size // 1024} KB, over the limit of "
                                     f"{MAX_ARTICLE_BYTES // 1024} KB", "split it into several articles"))
    with open(file, "rb") as handle:
        return handle.read()


def _read_front_matter(shared, file: str):
    reader, parts = shared
    path, split_file = parts[file]
    return reader.read(split_file, path)


def _slug_collisions(documents: list[SourceDocument]) -> list[Diagnostic]:
    """Two articles (or an article and another's old alias) claiming one URL. Slugs are
    claimed first, so an alias is the one blamed, whatever the order of the files."""
    names = [d.meta.slug for d in documents] + [a for d in documents for a in d.meta.aliases]
    if len(set(names)) == len(names) and all(is_valid_slug(a) for d in documents for a in d.meta.aliases):
        return []  # the usual case, made cheap: serve asks at every save
    owners: dict[str, str] = {}
    problems = []
    claims = [(d, d.meta.slug, "slug") for d in documents] + [(d, a, "alias") for d in documents for a in d.meta.aliases]
    for document, name, kind in claims:  # by the address claimed: an old path may spell a slug's (/articles/x/)
        other = owners.setdefault(alias_path(name) if kind == "alias" else article_path(name), document.path)
        if other != document.path:
            field = "slug" if kind == "slug" else "aliases"
            line = document.field_lines.get(field, 1)
            hint = ("two articles cannot share a URL; give one of them a different slug: field" if kind == "slug"
                    else "an alias keeps an old URL working; remove it if that URL now belongs to the other article")
            problems.append(Diagnostic(document.path, line, f"{kind} '{name}' is already used by {other}",
                                       f"{hint} (both want /{alias_path(name)})"))
    return problems
