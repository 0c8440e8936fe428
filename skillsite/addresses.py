"""Every address in an article's body, links and images, Markdown's and raw HTML's alike:
resolved (to another article's page by its file, against a curated article's source, under
the base URL), repaired where it can be (a space becomes %20) or dropped, each change a
warning at the line the address is written on.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it.token import Token

from .images import ImageInfo
from .model import Diagnostic, SourceDocument
from .sanitize import MEDIA_ELEMENTS, URL_SCHEMES
from .suggest import articles_named, did_you_mean_file
from .urls import encode_url, href, resolve_content_link

_TEMPLATE_LEFTOVER = re.compile(r"[{}]|\$\{")
# ASCII that may not appear in a URL; non-ASCII letters are fine (they are encoded quietly).
_INVALID_IN_URL = re.compile(r'[\x00-\x20"<>\\^`|]|%(?![0-9A-Fa-f]{2})')
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
"""Files beside an article that an image of it may show (an SVG only as an image: opened
on its own, a script in it would run)."""
_HTML_URL = re.compile(r"""\b(?:href|src|cite|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LinkTargets:
    """Where links between articles point: the published articles, by file and by source."""

    base_path: str
    """The base URL's path ('/' or '/forum/')."""
    by_file: Mapping[str, str]
    """Content path (``jobs/cv.md``) -> site path of the article."""
    by_source: Mapping[str, str]
    """A curated article's ``source`` URL -> its site path here."""
    images: frozenset[str] = frozenset()
    """Content paths of the images in the content folder (published beside the articles
    that show them)."""

    def answer(self, question: str) -> str | None:
        """The site path for ``file:<content path>`` or ``source:<URL>``; for
        ``name:<file name>``, the content paths of the articles with that file name (or,
        where none has it, the one closest to it), one per line; for ``asset:<content
        path>``, that path when an image is there. None when there is none."""
        kind, _, key = question.partition(":")
        if kind == "name":
            return articles_named(self.by_file, key)
        if kind == "asset":
            return key if key in self.images else None
        return (self.by_file if kind == "file" else self.by_source).get(key)

    def image(self, question: str) -> ImageInfo | None:
        """The size and versions of the image file ``asset:<content path>`` or
        ``static:<output path>``: only the query layer reads files (queries/images.py)."""
        return None


def addresses_by_line(tokens: list[Token], body_line: int) -> dict[str, deque[int]]:
    """URL -> the file lines where it is written, in document order, for warnings. An
    address in raw HTML is keyed as the sanitiser hands it over: entities decoded."""
    lines: dict[str, deque[int]] = defaultdict(deque)
    for token in tokens:
        if token.map is None:
            continue
        line = body_line + token.map[0]
        if token.type == "html_block":
            for offset, url in _html_urls(token.content):
                lines[url].append(line + offset)
        for child in token.children or ():
            url = child.attrGet("href") or child.attrGet("src")
            if url:
                lines[str(url)].append(line)
            elif child.type == "html_inline":
                for _, url in _html_urls(child.content):
                    lines[url].append(line)
            elif child.type in ("softbreak", "hardbreak"):
                line += 1
    return lines


def _html_urls(html: str):
    """(line offset, address with entities decoded) of each address in raw HTML; lines are
    counted as the search goes (counting from the start for each was quadratic)."""
    offset, counted_to = 0, 0
    for match in _HTML_URL.finditer(html):
        offset += html.count("\n", counted_to, match.start())
        counted_to = match.start()
        yield offset, unescape(next(g for g in match.groups() if g is not None))


class UrlRewriter:
    """Resolves every href/src of one article; repairs or drops what is broken."""

    def __init__(self, document: SourceDocument, targets: LinkTargets, lines: dict[str, deque[int]],
                 warnings: list[Diagnostic]):
        self._document = document
        self._targets = targets
        self._lines = lines
        self._warnings = warnings
        self._line = document.body_line
        self.internal_links: list[tuple[str, int]] = []
        """(address on this site, line) for every link and image kept, for ``check``."""
        self.assets: list[tuple[str, str]] = []
        """(path under the article's page, content path) of each image beside the article."""
        self.images: dict[str, str] = {}
        """An image's address as the page has it -> the question that finds its file
        (``asset:<content path>`` or ``static:<output path>``)."""

    def _lookup(self, question: str) -> str | None:
        return self._targets.answer(question)

    def _line_of(self, url: str) -> int:
        """The line of this occurrence of ``url`` (the sanitiser meets them in order); an
        address not found as written (one the Markdown renderer made) is taken to be on
        the line of the address before it. Never a search of the body: one per address
        was quadratic."""
        lines = self._lines.get(url)
        return lines.popleft() if lines else self._line

    def _warn(self, url: str, message: str, hint: str) -> None:
        self._warnings.append(Diagnostic(self._document.path, self._line, message, hint, "warning"))

    def __call__(self, element: str, attribute: str, value: str) -> str | None:
        self._line = self._line_of(value)
        beside = len(self.assets)
        url = self._resolve(element, value)
        if url is not None and element == "img" and attribute == "src":
            self._note_image(url, self.assets[-1][1] if len(self.assets) > beside else None)
        if url is not None and element in MEDIA_ELEMENTS and urlsplit(url).scheme not in ("", "https"):
            self._warn(value, f"'{value.strip()}' was removed: a video or a sound, its poster and its captions load "
                              "only from https:// addresses or from this site",
                       "use its https:// address, or put the file in the site's static/ folder or beside the article")
            return None
        if url is not None and not url.startswith("#") and not urlsplit(url).scheme:
            self.internal_links.append((url, self._line))
        return url

    def _resolve(self, element: str, value: str) -> str | None:
        url = value.strip()
        if not url:
            return None
        if _TEMPLATE_LEFTOVER.search(url):
            self._warn(value, f"the address '{url}' is a template expression left over from another "
                              f"site generator; the {'image' if element == 'img' else 'link'} was removed",
                       "replace it with a real address")
            return None
        if url.startswith("#"):
            return encode_url(url)
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            self._warn(value, f"the address '{url}' is not valid; it was removed", "fix or remove the address")
            return None
        if scheme:
            if scheme not in URL_SCHEMES:
                self._warn(value, f"'{scheme}:' addresses are not allowed; '{url}' was removed",
                           "link to http:// or https:// addresses only")
                return None
            return self._repaired(value, url)
        if url.startswith("//"):
            return self._repaired(value, "https:" + url)
        path, hash_, fragment = url.partition("#")
        if path.endswith(".md"):
            link = self._article_link(value, path, hash_ + fragment)
            if link is not None or not path.startswith("/"):
                return link
        if element == "img" and not path.startswith("/") and (beside := self._beside(path)) is not None:
            self.assets.append(beside)  # published with the article, in its page's folder
            return self._repaired(value, url)
        source = self._document.meta.source
        if source:
            absolute = urljoin(source, url)
            own = self._lookup(f"source:{absolute.partition('#')[0]}")
            if own is not None:
                return href(self._targets.base_path, own) + (hash_ + fragment)
            return self._repaired(value, absolute)
        if url.startswith("/"):
            return self._repaired(value, self._targets.base_path + url[1:])
        return self._repaired(value, url)

    def _note_image(self, url: str, beside: str | None) -> None:
        """Keeps which file of the site an image's address shows, if any: beside the
        article, or (an address under the base URL) in static/."""
        base = self._targets.base_path
        if beside is not None:
            self.images[url] = f"asset:{beside}"
        elif url.startswith(base) and not url.startswith("//") and not urlsplit(url).scheme:
            self.images[url] = f"static:{unquote(url[len(base):].partition('#')[0].partition('?')[0])}"

    def _beside(self, path: str) -> tuple[str, str] | None:
        """(path under the article's page, content path) of an image that sits in the
        article's folder or below it, named relative to the article's file; else None."""
        relative = posixpath.normpath(unquote(path))
        if relative.startswith("../") or relative in ("..", ".") or not relative.lower().endswith(IMAGE_SUFFIXES):
            return None
        target = resolve_content_link(self._document.content_path, relative)
        return (relative, target) if target and self._lookup(f"asset:{target}") else None

    def _article_link(self, value: str, path: str, fragment: str) -> str | None:
        """A link to an article's file: relative to this one's, or (with a leading '/')
        to the content folder."""
        if path.startswith("/"):
            site_path = self._lookup(f"file:{unquote(path[1:])}")
            return href(self._targets.base_path, site_path) + encode_url(fragment) if site_path else None
        target = resolve_content_link(self._document.content_path, unquote(path))
        site_path = self._lookup(f"file:{target}") if target else None
        if site_path is None:
            named = self._lookup(f"name:{posixpath.basename(unquote(path))}")
            self._warn(value, f"the link to '{path}' does not lead to a published article; the link was removed"
                              f"{did_you_mean_file(named, self._document.content_path)}",
                       "check the file name and folder (paths are relative to this article's file)")
            return None
        return href(self._targets.base_path, site_path) + encode_url(fragment)

    def _repaired(self, value: str, url: str) -> str:
        encoded = encode_url(url)
        if _INVALID_IN_URL.search(value.strip()):
            self._warn(value, f"the address '{value.strip()}' contains characters not allowed in a URL; "
                              f"it was encoded as '{encoded}'", "write spaces as %20 or fix the address")
        return encoded
