"""One article file's bytes -> its front matter and body, or every problem with it.

Pure: the file is read by the one reader of inputs (inputs.py) and handed over here.
"""

from __future__ import annotations

from dataclasses import replace

from .config import Rules
from .frontmatter import FileProblem, FrontMatterReader, decode, split, strip_forbidden
from .model import Diagnostic, DocumentRead, SourceDocument

ARTICLE_SUFFIX = ".md"
MAX_ARTICLE_BYTES = 4 * 1024 * 1024
"""Larger files are refused: no real article is this long, and it keeps builds bounded."""


def too_large(name: str, size: int) -> Diagnostic:
    """The error for an article over MAX_ARTICLE_BYTES."""
    return Diagnostic(name, 0, f"the file is {size // 1024} KB, over the limit of {MAX_ARTICLE_BYTES // 1024} KB",
                      "split it into several articles")


def read_document(rules: Rules, name: str, content_path: str, raw: bytes,
                  reader: FrontMatterReader | None = None) -> DocumentRead:
    """The article in ``raw`` (the bytes of the file ``name``), without its body, and every
    problem found in it."""
    try:
        text, warnings = strip_forbidden(decode(raw, name), name)
        parts = split(text, name)
    except FileProblem as problem:
        return DocumentRead(None, (problem.diagnostic,))
    meta, lines, problems = (reader or FrontMatterReader(rules)).read(parts, name)
    document = None if meta is None else SourceDocument(name, content_path, meta, None, parts.body_line, lines)
    return DocumentRead(document, (*warnings, *problems))


def with_body(document: SourceDocument, raw: bytes) -> SourceDocument:
    """``document`` with the Markdown of its file's bytes (read again for rendering)."""
    text, _ = strip_forbidden(decode(raw, document.path), document.path)
    return replace(document, body=split(text, document.path).body)
