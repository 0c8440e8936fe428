"""Article bodies -> RenderedMarkdown: markdown-it-py, then the sanitiser.

One MarkdownIt per process (``make_markdown``); ``render_markdown`` is a pure function
of the document, the link targets and that parser.
"""

from __future__ import annotations

import re
import textwrap

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from .addresses import LinkTargets, UrlRewriter, addresses_by_line
from .bodyhazards import body_hazards
from .bounds import cost_problem
from .embeds import embed_videos
from .headings import levels_of, place_headings
from .highlight import BUDGET, Budget, render_fence
from .images import sized_images
from .model import Diagnostic, Heading, RenderedMarkdown, SourceDocument
from .removals import removed_html
from .sanitize import sanitize
from .urls import heading_anchor, href

MARKDOWN_VERSION = "5"
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
WORDS_PER_MINUTE = 220

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


def make_markdown() -> MarkdownIt:
    """The one configured parser: CommonMark, tables, strikethrough, footnotes, heading ids;
    its renderer highlights code with Pygments (given a budget: see render_markdown)."""
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
    md.add_render_rule("fence", render_fence)
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
            token.content = _render_marked_html(state.md, token.content, state.env.get(BUDGET))


def _render_marked_html(md: MarkdownIt, html: str, budget: Budget | None) -> str:
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
            parts.append("\n" + md.render(textwrap.dedent(text).strip(), {BUDGET: budget}))

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
    env = {BUDGET: Budget()}
    tokens = embed_videos(md.parse(document.body, env))
    headings = _headings(tokens)
    url_lines = addresses_by_line(tokens, document.body_line)
    too_deep = nesting_problem(tokens, document)
    warnings: list[Diagnostic] = [too_deep] if too_deep else []
    warnings += body_hazards(tokens, document)
    warnings += removed_html(tokens, document)
    rewriter = UrlRewriter(document, targets, url_lines, warnings)
    html, placed = place_headings(sanitize(md.renderer.render(tokens, md.options, env), rewriter))
    infos = {url: info for url, question in rewriter.images.items() if (info := targets.image(question))}
    html = sized_images(html, infos.get, lambda path: href(targets.base_path, path))
    levels = levels_of([anchor for anchor, _ in headings], placed)
    toc = tuple(Heading(level, anchor, text) for level, (anchor, text) in zip(levels, headings))
    summary = document.meta.summary or _first_paragraph(tokens)
    return RenderedMarkdown(html, summary, toc, _count_words(tokens), tuple(warnings), tuple(rewriter.internal_links),
                            tuple(dict.fromkeys(rewriter.assets)),
                            tuple(sorted({rewriter.images[url] for url, info in infos.items() if info.versions})))


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


def _headings(tokens: list[Token]) -> list[tuple[str, str]]:
    """(id, text) of the body's Markdown headings, for the table of contents; their levels
    are placed with the raw HTML headings once the body is safe HTML (headings.py)."""
    return [(str(token.attrGet("id")), " ".join(_inline_text(tokens[index + 1]).split()))
            for index, token in enumerate(tokens) if token.type == "heading_open"]


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


