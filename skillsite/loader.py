"""Walk content/ in a fixed order and read every article, collecting every problem.

This is the only module that reads the content folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import SiteConfig
from .frontmatter import FileProblem, FrontMatterReader, decode, split, strip_forbidden
from .model import Diagnostic, SourceDocument

ARTICLE_SUFFIX = ".md"
MAX_ARTICLE_BYTES = 4 * 1024 * 1024
"""Larger files are refused: no real article is this long, and it keeps builds bounded."""


def is_debris(name: str) -> bool:
    """Editor and OS leftovers that must never be published or read."""
    return (name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swo", ".tmp", ".bak"))
            or name in ("Thumbs.db", "desktop.ini"))


def article_files(content_dir: Path) -> list[Path]:
    """The article files under ``content_dir``, sorted; symlinks and debris are skipped."""
    found = []
    for root, dirs, files in os.walk(content_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not is_debris(d) and not os.path.islink(os.path.join(root, d)))
        for name in files:
            path = Path(root, name)
            if name.endswith(ARTICLE_SUFFIX) and not is_debris(name) and not path.is_symlink():
                found.append(path)
    return sorted(found)


def display_path(path: Path, site_dir: Path) -> str:
    """How a file is named in messages: relative to the site folder when inside it."""
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return path.as_posix()


def load_documents(config: SiteConfig) -> tuple[list[SourceDocument], list[Diagnostic]]:
    """Every article under the content folder, and every problem found in any of them."""
    reader = FrontMatterReader(config)
    documents: list[SourceDocument] = []
    problems: list[Diagnostic] = []
    if not config.content_dir.is_dir():
        return [], [Diagnostic(display_path(config.content_dir, config.site_dir), 0, "the content folder does not exist",
                               "create it and put the articles (.md files) in it, or set content: in site.yaml")]
    for file in article_files(config.content_dir):
        path = display_path(file, config.site_dir)
        document, file_problems = _load_one(file, path, config, reader)
        problems.extend(file_problems)
        if document is not None:
            documents.append(document)
    problems.extend(_slug_collisions(documents))
    return documents, problems


def _load_one(file: Path, path: str, config: SiteConfig, reader: FrontMatterReader):
    size = file.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        return None, [Diagnostic(path, 0, f"the file is {size // 1024} KB, over the limit of {MAX_ARTICLE_BYTES // 1024} KB",
                                 "split it into several articles")]
    try:
        text, warnings = strip_forbidden(decode(file.read_bytes(), path), path)
        split_file = split(text, path)
    except FileProblem as problem:
        return None, [problem.diagnostic]
    meta, lines, problems = reader.read(split_file, path)
    if meta is None:
        return None, warnings + problems
    content_path = file.relative_to(config.content_dir).as_posix()
    return SourceDocument(path, content_path, meta, split_file.body, split_file.body_line, lines), warnings + problems


def _slug_collisions(documents: list[SourceDocument]) -> list[Diagnostic]:
    """Two articles (or an article and another's old alias) claiming one URL. Slugs are
    claimed first, so an alias is the one blamed, whatever the order of the files."""
    owners: dict[str, str] = {}
    problems = []
    claims = [(d, d.meta.slug, "slug") for d in documents] + [(d, a, "alias") for d in documents for a in d.meta.aliases]
    for document, name, kind in claims:
        other = owners.setdefault(name, document.path)
        if other != document.path:
            field = "slug" if kind == "slug" else "aliases"
            line = document.field_lines.get(field, 1)
            hint = ("two articles cannot share a URL; give one of them a different slug: field" if kind == "slug"
                    else "an alias keeps an old URL working; remove it if that URL now belongs to the other article")
            problems.append(Diagnostic(document.path, line, f"{kind} '{name}' is already used by {other}",
                                       f"{hint} (both want /articles/{name}/)"))
    return problems
