"""Article bodies -> RenderedMarkdown: markdown-it-py, then the sanitiser.

One MarkdownIt per process (``make_markdown``); ``render_markdown`` is a pure function
of the document, the link targets and that parser.
"""

from __future__ import annotations

import posixpath
import re
import textwrap
from collections import defaultdict, deque
from html import unescape
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from .bodyhazards import body_hazards
from .bounds import cost_problem
from .suggest import articles_named, did_you_mean_file
from .model import Diagnostic, Heading, RenderedMarkdown, SourceDocument
from .sanitize import URL_SCHEMES, sanitize
from .urls import encode_url, heading_anchor, href, resolve_content_link

MARKDOWN_VERSION = "3"
"""Changes whenever the parser's options or plugins change: cached renders depend on it."""
MAX_NESTING = 100
"""markdown-it's limit on nested blocks (a list counts two: the list and its item). The
parser silently drops whatever lies deeper, and the rest of the document with it, so a
body that reaches it is refused at its line (``nesting_problem``)."""
INLINE_NESTING = 10
"""The nesting limit for text inside a block (links in emphasis in links...). Deeper text
is kept as plain text, never dropped; the lower limit bounds the time runs of '[' take
(the parser tries each as a link, up to this many levels deep)."""
SUMMARY_LIMIT = 300
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
"""Files beside an article that an image of it may show (an SVG only as an image: opened
on its own, a script in it would run)."""
WORDS_PER_MINUTE = 220

_TEMPLATE_LEFTOVER = re.compile(r"[{}]|\$\{")
# ASCII that may not appear in a URL; non-ASCII letters are fine (they are encoded quietly).
_INVALID_IN_URL = re.compile(r'[\x00-\x20"<>\\^`|]|%(?![0-9A-Fa-f]{2})')
_MARKDOWN_ATTRIBUTE = re.compile(r"""\s+markdown\s*=\s*(?:"1"|'1'|1)(?=[\s/>])""")
_HTML_TAG_SPLIT = re.compile(r"(<[^<>]+>)")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# Elements that structure a block (and <img>, which CommonMark would take for the start of
# an HTML block, swallowing the text after it); inline ones (<em>, <span>...) are text.
_BLOCK_ELEMENTS = frozenset({"address", "article", "aside", "blockquote", "details", "div", "dl", "dd", "dt",
                             "figcaption", "figure", "footer", "header", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
                             "li", "main", "nav", "ol", "p", "section", "summary", "table", "tbody", "td", "tfoot",
                             "th", "thead", "tr", "ul", "caption", "img"})
# Block elements whose content is a line of text, not paragraphs.
_SPAN_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "figcaption",
                          "summary", "caption"})
_HEADING_ID = re.compile(r"\s*\{#([^\s{}]+)\}\s*$")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?])")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_HTML_URL = re.compile(r"""\b(?:href|src|cite)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


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


def make_markdown() -> MarkdownIt:
    """The one configured parser: CommonMark, tables, strikethrough, footnotes, heading ids."""
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    # Link addresses reach the sanitiser as written, so that one place (_UrlRewriter)
    # checks, resolves and encodes every address, Markdown and raw HTML alike, and can
    # warn about the address the moderator wrote rather than an encoded copy.
    md.normalizeLink = lambda url: url
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.core.ruler.after("inline", "explicit_heading_ids", _explicit_heading_ids)
    md.core.ruler.after("block", "markdown_in_html", _markdown_in_html)
    md.core.ruler.push("heading_ids", _heading_ids)
    md.core.ruler.at("inline", _inline_with_own_nesting_limit)
    for name in _NEED_CLOSING_BRACKET:
        rule = md.inline.ruler.__rules__[md.inline.ruler.__find__(name)].fn
        md.inline.ruler.at(name, _only_before_a_closing_bracket(rule))
    return md


_NEED_CLOSING_BRACKET = ("link", "image", "footnote_inline", "footnote_ref")
"""Inline rules that match only text with a ']' further on."""


def _only_before_a_closing_bracket(rule):
    """``rule``, skipped where no ']' follows: each '[' of a text without one would
    otherwise be tried as a link to the end of the paragraph."""
    def guarded(state, silent: bool) -> bool:
        return state.pos < getattr(state.md, "last_bracket", len(state.src)) and rule(state, silent)
    return guarded


_CONTAINERS = frozenset({"blockquote_open", "list_item_open", "footnote_reference_open"})
"""Blocks whose content markdown-it parses as blocks again, one level deeper."""


class _InlineParser:
    """The parser as inline rules see it: the same MarkdownIt, with INLINE_NESTING."""

    def __init__(self, md: MarkdownIt):
        self._md = md
        self.options = OptionsDict({**md.options, "maxNesting": INLINE_NESTING})
        self.last_bracket = -1
        """Where the last ']' of the text being parsed is."""

    def __getattr__(self, name: str):
        return getattr(self._md, name)


def _inline_with_own_nesting_limit(state) -> None:
    """markdown-it's core ``inline`` rule, run under INLINE_NESTING: 100,000 '[' take a
    second instead of ten."""
    md = _InlineParser(state.md)
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            md.last_bracket = token.content.rfind("]")
            state.md.inline.parse(token.content, md, state.env, token.children)


def nesting_problem(tokens: list[Token], document: SourceDocument) -> Diagnostic | None:
    """An error at the first line nested so deeply that markdown-it dropped what lies
    inside it (and everything after it), or None."""
    for token in tokens:
        # a container opened at this level has its content parsed at MAX_NESTING: dropped
        if token.type in _CONTAINERS and token.level >= MAX_NESTING - 1:
            line = document.body_line + (token.map[0] if token.map else 0)
            return Diagnostic(document.path, line,
                              f"lists and block quotes are nested too deeply here (over {MAX_NESTING} levels, "
                              "a list counting two): the rest of the article would be lost",
                              "nest lists and quotes a few levels deep at most; put the rest in paragraphs")
    return None


def _markdown_in_html(state) -> None:
    """Kramdown's ``<aside markdown="1">``: Markdown inside an HTML block is rendered
    (Jekyll sites are full of it). CommonMark alone would show its [links](...) as text."""
    for token in state.tokens:
        if token.type == "html_block" and _MARKDOWN_ATTRIBUTE.search(token.content):
            token.content = _render_marked_html(state.md, token.content)


def _render_marked_html(md: MarkdownIt, html: str) -> str:
    """``html`` with the content of elements marked markdown="1" rendered as Markdown: as
    inline text in paragraph-like elements, as blocks elsewhere. Inline HTML (<em>,
    <span>...) stays part of the Markdown text around it."""
    parts: list[str] = []
    run: list[str] = []  # Markdown text (and inline tags) waiting to be rendered
    modes: list[tuple[str, str | None]] = []  # open block elements: (tag, "block" | "span" | None)

    def flush() -> None:
        text = "".join(run)
        run.clear()
        mode = modes[-1][1] if modes else None
        if mode is None or not text.strip():
            parts.append(text)
        elif mode == "span":
            parts.append(md.renderInline(text.strip()))
        else:
            parts.append("\n" + md.render(textwrap.dedent(text).strip()))

    for piece in _HTML_TAG_SPLIT.split(html):
        tag = _HTML_TAG.match(piece)
        if not tag or tag.group(2).lower() not in _BLOCK_ELEMENTS:
            run.append(_MARKDOWN_ATTRIBUTE.sub("", piece))
            continue
        flush()
        name = tag.group(2).lower()
        if tag.group(1):  # a closing tag
            if modes and modes[-1][0] == name:
                modes.pop()
        elif not piece.endswith("/>") and name not in ("img", "hr"):
            inherited = modes[-1][1] if modes else None
            marked = _MARKDOWN_ATTRIBUTE.search(piece)
            modes.append((name, ("span" if name in _SPAN_BLOCKS else "block") if marked else inherited))
        parts.append(_MARKDOWN_ATTRIBUTE.sub("", piece))
    flush()
    return "".join(parts)


def _explicit_heading_ids(state) -> None:
    """``## Title {#my-id}`` (kramdown, Pandoc, Docusaurus): the heading gets that id, so
    links written for the article's original site keep landing on it."""
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[index + 1]
        last = inline.children[-1] if inline.children else None
        match = _HEADING_ID.search(last.content) if last is not None and last.type == "text" else None
        if match:
            token.attrSet("id", match.group(1))
            last.content = last.content[: match.start()]
            inline.content = _HEADING_ID.sub("", inline.content)


def _heading_ids(state) -> None:
    """Every heading without an explicit id gets one made of its text, as mdit_py_plugins'
    anchors plugin makes them ('title', 'title-1', 'title-2'... never an explicit id), but
    in linear time: that plugin counts from 1 again for each heading of the same text, so
    50,000 identical headings took minutes."""
    taken = {str(token.attrGet("id")) for token in state.tokens if token.type == "heading_open" and token.attrGet("id")}
    next_suffix: dict[str, int] = {}  # per base id, the suffix to try first: those below are taken
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open" or token.attrGet("id"):
            continue
        children = state.tokens[index + 1].children or ()
        base = heading_anchor("".join(c.content for c in children if c.type in ("text", "code_inline"))) or "section"
        unique, suffix = base, next_suffix.get(base, 0)
        if suffix:
            unique = f"{base}-{suffix}"
        while unique in taken:
            suffix += 1
            unique = f"{base}-{suffix}"
        next_suffix[base] = suffix + 1
        taken.add(unique)
        token.attrSet("id", unique)


def render_markdown(md: MarkdownIt, document: SourceDocument, targets: LinkTargets) -> RenderedMarkdown:
    """The article's body as safe HTML, with its summary, headings and word count."""
    if (too_costly := cost_problem(document)) is not None:  # refused before the parser makes a token
        return RenderedMarkdown("", document.meta.summary or "", (), 0, (too_costly,))
    tokens = md.parse(document.body, {})
    toc = _shift_headings(tokens)
    url_lines = _url_lines(tokens, document.body_line)
    too_deep = nesting_problem(tokens, document)
    warnings: list[Diagnostic] = [too_deep] if too_deep else []
    warnings += body_hazards(tokens, document)
    rewriter = _UrlRewriter(document, targets, url_lines, warnings)
    html = sanitize(md.renderer.render(tokens, md.options, {}), rewriter)
    summary = document.meta.summary or _first_paragraph(tokens)
    return RenderedMarkdown(html, summary, toc, _count_words(tokens), tuple(warnings), tuple(rewriter.internal_links),
                            tuple(dict.fromkeys(rewriter.assets)))


def _inline_text(token: Token) -> str:
    """The plain text of an inline token."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _shift_headings(tokens: list[Token]) -> tuple[Heading, ...]:
    """Put the body's headings under the page's <h1>, never skipping a level, and
    return them for the table of contents."""
    stack: list[tuple[int, int]] = []  # (level written, level on the page)
    headings = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        written = int(token.tag[1])
        while stack and stack[-1][0] >= written:
            stack.pop()
        level = min(stack[-1][1] + 1, 6) if stack else 2
        stack.append((written, level))
        token.tag = f"h{level}"
        inline = tokens[index + 1]
        tokens[index + 2].tag = token.tag  # heading_close
        headings.append(Heading(level, str(token.attrGet("id")), " ".join(_inline_text(inline).split())))
    return tuple(headings)


def _url_lines(tokens: list[Token], body_line: int) -> dict[str, deque[int]]:
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


def _first_paragraph(tokens: list[Token]) -> str:
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open":
            # footnote marks are left out, so no space may be left before punctuation
            text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(_inline_text(tokens[index + 1]).split()))
            if text:
                return _shorten(text)
    return ""


def _shorten(text: str) -> str:
    if len(text) <= SUMMARY_LIMIT:
        return text
    cut = text[:SUMMARY_LIMIT].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def _count_words(tokens: list[Token]) -> int:
    words = 0
    for token in tokens:
        if token.type == "inline":
            text = _inline_text(token)
            cjk = len(_CJK.findall(text))
            words += len(text.split()) + cjk // 2
        elif token.type in ("fence", "code_block"):
            words += len(token.content.split())
    return words


def reading_minutes(words: int) -> int:
    """Minutes an average reader needs for ``words`` words."""
    return max(1, round(words / WORDS_PER_MINUTE))


class _UrlRewriter:
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
        url = self._resolve(element, value)
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
