"""Links and images of imported articles, pointed at where things are now.

A link to another imported article's file (``./resume.md``, a ``post_url`` or ``relref``
already turned into its file) becomes a link by file to that article's new file, so it
keeps working whatever the slug; a link to an old address of an imported article does
too. A file the article shows or offers is copied beside it and named by its new name.
Anything else that leads nowhere on the site is reported at its line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from ..urls import article_path
from .assets import IMAGE_SUFFIXES, AssetNames, find_asset
from .body import CONVERTED, NOWHERE, Body, Edit, note, prose
from .source import Source

# a destination may hold spaces (kramdown reads them, CommonMark would not: the import mends them)
_INLINE = re.compile(r"""\]\(\s*(<[^>\n]{0,500}>|[^)\n]{0,500}?)(?:\s+"[^"\n]{0,500}"|\s+'[^'\n]{0,500}')?\s*\)""")
_DEFINITION = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)  # not [^1]: notes
_HTML = re.compile(r"""\b(?:src|href)\s*=\s*("[^"]*"|'[^']*')""")
ARTICLE_SUFFIXES = (".md", ".mdx", ".markdown")
_OWN_FOLDERS = ("category/", "tag/", "author/", "audience/", "archive/", "search/", "page/")


@dataclass(frozen=True, slots=True)
class Addresses:
    """What answers on the site once the import is written."""

    targets: Mapping[Path, Path]
    """Each imported source file (resolved) -> the article file it becomes."""
    pages: frozenset[str]
    """Site paths of every article page and old address (existing and imported)."""
    moved: Mapping[str, Path]
    """Old addresses of imported articles (site paths) -> their new files."""
    files: frozenset[str]
    """Site paths of the site's own static files."""


def destinations(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every link and image address in the prose of ``text``: Markdown
    links, reference definitions and HTML src/href, without their <> or quotes."""
    for start, end in prose(text):
        for pattern in (_INLINE, _DEFINITION, _HTML):
            for match in pattern.finditer(text, start, end):
                begin, finish = match.span(1)
                if text[begin] in "<\"'":
                    begin, finish = begin + 1, finish - 1
                yield begin, finish


def references(text: str) -> list[str]:
    """The addresses ``destinations`` finds, in order."""
    return [text[start:end] for start, end in sorted(set(destinations(text)))]


def assets_of(text: str, source: Source, given: tuple[Path, ...]) -> dict[str, Path]:
    """Address -> file, for every address of the article naming a file to bring along."""
    found = {}
    for address in references(text):
        path = _path_part(address)
        if path is not None and (asset := find_asset(path, source, given)) is not None:
            found[address] = asset
    return found


def relink(body: Body, source: Source, target: Path, slug: str, addresses: Addresses,
           assets: Mapping[str, Path], names: AssetNames) -> Body:
    """``body`` with its links and images pointed at the article files and copied files
    they mean now; those that lead nowhere are noted."""
    text = body.text
    edits: list[Edit] = []
    done = 0
    for start, end in sorted(set(destinations(text))):
        if start < done:  # one address found by two patterns
            continue
        done = end
        address = text[start:end]
        path = _path_part(address)
        if path is None or "{{" in path or "{%" in path:  # template syntax: reported where it stands
            continue
        rest = address[len(path):]
        if address in assets:
            edits.append(Edit(start, end, names.name_for(assets[address]) + rest))
            continue
        decoded = unquote(path.replace("\\_", "_"))
        if decoded.endswith(ARTICLE_SUFFIXES):
            if (edit := _article_link(start, end, decoded, rest, source, target, addresses)) is not None:
                edits.append(edit)
            continue
        site_path = _site_path(decoded, slug)
        if site_path is None:
            continue
        moved = addresses.moved.get(site_path) or addresses.moved.get(site_path + "/")
        if moved is not None:
            new = _relative(moved, target) + rest
            edits.append(Edit(start, end, new, (CONVERTED, f"link {address}", "links by file")))
        elif not _answers(site_path, addresses):
            kind = "an image" if PurePosixPath(decoded).suffix.lower() in IMAGE_SUFFIXES else "a link"
            edits.append(note(start, NOWHERE, address, f"{kind}: nothing on this site or among the imported "
                                                         "files is there"))
    return body.edited(edits)


def _path_part(address: str) -> str | None:
    """The path of an address on the original site; None for an address elsewhere or a fragment."""
    if not address or address.startswith(("#", "//")) or urlsplit(address).scheme:
        return None
    return re.split(r"[?#]", address, maxsplit=1)[0] or None


def _article_link(start: int, end: int, decoded: str, rest: str, source: Source, target: Path,
                  addresses: Addresses) -> Edit | None:
    base = source.site_root if decoded.startswith("/") and source.site_root else source.path.parent
    linked = Path(os.path.normpath(base / decoded.lstrip("/")))
    address = decoded + rest
    new_file = addresses.targets.get(linked)
    if new_file is None:
        why = "that file was not imported" if linked.is_file() else "there is no such file"
        return note(start, NOWHERE, address, f"a link to an article's file: {why}")
    new = _relative(new_file, target) + rest
    if new == address:
        return None
    return Edit(start, end, new, (CONVERTED, f"link {address}", "links by file"))


def _relative(file: Path, from_article: Path) -> str:
    return Path(os.path.relpath(file, from_article.parent)).as_posix()


def _site_path(decoded: str, slug: str) -> str | None:
    """The site path an address leads to from the article's page (None: off the site)."""
    joined = urljoin(f"/{article_path(slug)}", decoded)
    return joined.lstrip("/") if joined.startswith("/") else None


def _answers(site_path: str, addresses: Addresses) -> bool:
    if site_path in ("", "index.html") or site_path.startswith(_OWN_FOLDERS):
        return True
    return (site_path in addresses.pages or f"{site_path}/" in addresses.pages or site_path in addresses.files
            or site_path.removesuffix("index.html") in addresses.pages)
