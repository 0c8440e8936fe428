"""Hugo's shortcodes in an article: converted where they have a Markdown or safe-HTML
equivalent, kept as text (and reported) where they have none.

``highlight`` becomes fenced code; ``figure`` a figure with its caption; ``youtube``,
``vimeo``, ``x``/``tweet``, ``instagram``, ``gist`` and the usual theme embeds a link to what
they embedded; ``ref``/``relref`` links by file; callouts (``note``, ``notice``, ``alert``,
``hint``...) an aside; ``details`` a <details>. Escapes (``{{</* x */>}}``) become the
literal text Hugo showed, in code too (Hugo decodes them there: it is how a code sample
shows a shortcode).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from .blocks import ASIDE_CLASSES, aside_close, aside_open, code_in_place, figure, media_link
from .body import CONVERTED, KEPT, LEFT_OUT, Body, Edit, code_spans, in_code, note, with_included
from .source import Source, read_text, split_front_matter

_SHORTCODE = re.compile(r"\{\{([<%])/\*(.{0,600}?)\*/([>%])\}\}"  # bounded: text full of '{{<' stays linear
                        r"|\{\{([<%])\s*(/?)\s*([\w.\-/]+)(.{0,600}?)(/?)\s*([>%])\}\}", re.DOTALL)
_INCLUDE = re.compile(r"\{\{([<%])\s*(?:include|readfile|readFile)\s(.{0,600}?)[>%]\}\}", re.DOTALL)
_PARAM = re.compile(r'\s*(?:([\w-]+)\s*=\s*)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)', re.DOTALL)
_EMBEDS = {  # name -> (the embedded thing's address from its id and params, the link's text)
    "youtube": (lambda i, p: f"https://www.youtube.com/watch?v={i}", "Watch the video on YouTube"),
    "vimeo": (lambda i, p: f"https://vimeo.com/{i}", "Watch the video on Vimeo"),
    "vimeo_simple": (lambda i, p: f"https://vimeo.com/{i}", "Watch the video on Vimeo"),
    "bilibili": (lambda i, p: f"https://www.bilibili.com/video/{i}/", "Watch the video on Bilibili"),
    "tencent": (lambda i, p: f"https://v.qq.com/x/page/{i}.html", "Watch the video on Tencent Video"),
    "gitlab": (lambda i, p: f"https://gitlab.com/-/snippets/{i}", "See the code on GitLab"),
    "instagram": (lambda i, p: f"https://www.instagram.com/p/{i}/", "See the post on Instagram"),
}
_POSTS = ("tweet", "twitter", "twitter_simple", "x")
_CALLOUTS = set(ASIDE_CLASSES) | {"notice", "alert", "callout", "admonition", "hint"}
_UNWRAPPED = {"rawhtml", "raw", "html", "katex", "math", "center", "markdown", "md"}
_TRANSFORMED = {"highlight", "code", "code-toggle", "mermaid", "comment"}


class _Params:
    """A shortcode's positional and named parameters."""

    def __init__(self, text: str):
        self.positional: list[str] = []
        self.named: dict[str, str] = {}
        for match in _PARAM.finditer(text):
            value = match.group(2)
            if value[0] in "\"`":
                value = value[1:-1].replace('\\"', '"') if value[0] == '"' else value[1:-1]
            if match.group(1):
                self.named[match.group(1)] = value
            else:
                self.positional.append(value)

    def get(self, name: str, position: int | None = None, default: str = "") -> str:
        if name in self.named:
            return self.named[name]
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return default


_INCLUDING = {"include", "readfile", "readFile"}


def convert_shortcodes(body: Body, source: Source) -> Body:
    """``body`` with Hugo's shortcodes converted (see the module's docstring)."""
    body = with_included(body, lambda text: _includes(text, source))
    text = body.text
    spans = code_spans(text)
    edits: list[Edit] = []
    closers_done: set[int] = set()
    done = 0
    tags = list(_SHORTCODE.finditer(text))
    closers = _pairs(tags)
    for match in tags:
        if match.start() < done or match.start() in closers_done:
            continue
        if match.group(1):  # an escape: the literal shortcode
            literal = "{{" + match.group(1) + match.group(2) + match.group(3) + "}}"
            edits.append(Edit(match.start(), match.end(), literal, (CONVERTED, match.group(), f"the text {literal}")))
            continue
        if in_code(spans, match.start()):
            continue
        name, closing = match.group(6), match.group(5)
        if closing:
            edits.append(note(match.start(), KEPT, match.group(), "kept as text: it closes nothing"))
            continue
        closer = closers.get(match.start())
        params = _Params(match.group(7))
        if closer is not None and name in _TRANSFORMED | {n for n in [name] if n.endswith(".inline")}:
            edits.append(_transformed(text, match, closer, name, params, source))
            done = closer.end()
        elif closer is not None and (name in _CALLOUTS or name in ("details", "quote") or name in _UNWRAPPED):
            opening, ending, outcome = _wrapper(text, match, closer, name, params)
            edits.append(Edit(match.start(), match.end(), opening, (CONVERTED, match.group(), outcome)))
            edits.append(Edit(closer.start(), closer.end(), ending))
            closers_done.add(closer.start())
        else:
            edit = _single(match, name, params, source)
            if edit.finding and edit.finding[0] == KEPT and closer is not None:
                edit = note(match.start(), KEPT, match.group(), "kept as text, with its closing tag: it has no "
                                                                "equivalent here")
            edits.append(edit)
    return body.edited(edits)


def _pairs(tags: list[re.Match]) -> dict[int, re.Match]:
    """Where each opening shortcode starts -> the tag that closes it (shortcodes of one name
    may nest), in one pass over the tags."""
    open_ones: dict[str, list[re.Match]] = {}
    pairs = {}
    for match in tags:
        if match.group(1) or match.group(8):  # an escape, or a shortcode closing itself
            continue
        stack = open_ones.setdefault(match.group(6), [])
        if not match.group(5):
            stack.append(match)
        elif stack:
            pairs[stack.pop().start()] = match
    return pairs


def _indent(text: str, at: int) -> str:
    """The indentation of the line ``at`` is on, when only whitespace comes before it."""
    start = text.rfind("\n", 0, at) + 1
    before = text[start:at]
    return before if not before.strip() else ""


def _wrapper(text: str, match: re.Match, closer: re.Match, name: str, params: _Params) -> tuple[str, str, str]:
    indent = _indent(text, match.start())
    if name in _UNWRAPPED:
        return "", "", "removed: its content stays"
    if name == "details":
        summary = html.escape(params.get("summary", 0, "Details"))
        opened = " open" if params.get("open") in ("true", "open") else ""
        return (f"<details{opened}>\n{indent}<summary>{summary}</summary>\n", f"\n{indent}</details>\n",
                "a <details> block")
    if name == "quote":
        source, url, author = params.get("source"), params.get("url"), params.get("author", 0)
        credit = ", ".join(filter(None, [author, f"[{source}]({url})" if source and url else source]))
        return ("<blockquote>\n", f"\n{indent}— {credit}\n\n{indent}</blockquote>\n" if credit
                else f"\n{indent}</blockquote>\n", "a block quote")
    kind = params.get("type", 0, name) if name in ("notice", "alert", "callout", "admonition", "hint") else name
    title = params.get("title", 1 if name in ("notice", "admonition") else None)
    return aside_open(kind, title, indent), aside_close(indent), "an aside"


def _transformed(text: str, match: re.Match, closer: re.Match, name: str, params: _Params, source: Source) -> Edit:
    inner = text[match.end():closer.start()]
    written = match.group()
    whole = (match.start(), closer.end())
    if name == "comment":
        return Edit(*whole, "", (CONVERTED, written, "removed with the comment it opens"))
    if name.endswith(".inline"):  # a template of the original site's, run where it stands
        if "{{" in inner or inner.strip().lower().startswith(("<style", "<script")):
            return Edit(*whole, "", (LEFT_OUT, written, "left out: template code of the original site"))
        return Edit(*whole, inner.strip("\n"), (CONVERTED, written, "removed: its content stays"))
    language = {"highlight": params.get("lang", 0), "mermaid": "mermaid",
                "code-toggle": params.get("lang", None, "toml"), "code": params.get("lang", None, "")}[name]
    if not language and name == "code":
        language = Path(params.get("file")).suffix.lstrip(".")
    new, outcome = code_in_place(text, match.start(), closer.end(), inner, language)
    return Edit(*whole, new, (CONVERTED, written, outcome))


def _includes(text: str, source: Source) -> list[Edit]:
    """The text of each Markdown file an ``include``/``readfile`` shortcode names, in its place."""
    if "include" not in text and "readfile" not in text.lower():
        return []
    spans = code_spans(text)
    edits = []
    for match in _INCLUDE.finditer(text):
        if in_code(spans, match.start()):
            continue
        params = _Params(match.group(2))
        name = params.get("file", 0) or params.get("path")
        found = _included_file(source, name)
        if found is not None:
            parts = split_front_matter(included := read_text(found, str(found)), str(found))
            included = parts[2] if parts else included
            edits.append(Edit(match.start(), match.end(), included.strip("\n"),
                              (CONVERTED, match.group(), f"the text of {name}")))
    return edits


def _included_file(source: Source, name: str) -> Path | None:
    """The Markdown file an include names: beside the article, or in a folder above it within content/."""
    if not name or ".." in Path(name).parts or Path(name).suffix not in (".md", ".markdown"):
        return None
    root = _content_root(source.path)
    folders = [source.path.parent, *(f for f in source.path.parent.parents if root is None or f.is_relative_to(root))]
    return next((folder / name for folder in folders[:6] if (folder / name).is_file()), None)


def _content_root(path: Path) -> Path | None:
    return next((folder for folder in path.parents if folder.name == "content"), None)


def _single(match: re.Match, name: str, params: _Params, source: Source) -> Edit:
    written = match.group()
    whole = (match.start(), match.end())
    if name in _EMBEDS:
        address, words = _EMBEDS[name]
        identity = params.get("id", 0)
        if identity:
            title = params.get("title")
            text = f"Watch “{title}” on {words.rsplit(' on ', 1)[1]}" if title and " on " in words else words
            return Edit(*whole, media_link(text, address(identity, params)), (CONVERTED, written, "a link to it"))
    if name in _POSTS:
        user, identity = params.get("user", 0), params.get("id", 1) or params.get("id", 0)
        if identity and identity.isdigit():
            has_user = user and user != identity
            url = f"https://x.com/{user}/status/{identity}" if has_user else f"https://x.com/i/status/{identity}"
            text = f"See the post by @{user} on X" if has_user else "See the post on X"
            return Edit(*whole, media_link(text, url), (CONVERTED, written, "a link to the post"))
    if name == "gist" and len(params.positional) >= 2:
        user, identity = params.positional[:2]
        url = f"https://gist.github.com/{user}/{identity}"
        return Edit(*whole, media_link(f"See the code on GitHub Gist ({user}/{identity})", url),
                    (CONVERTED, written, "a link to the gist"))
    if name == "video" and params.get("src", 0):
        return Edit(*whole, media_link("Watch the video", params.get("src", 0)), (CONVERTED, written, "a link to it"))
    if name == "figure" and params.get("src", 0):
        caption = " ".join(filter(None, [f"**{params.get('title')}**" if params.get("title") else "",
                                         params.get("caption"), params.get("attr")]))
        alt = params.get("alt") or params.get("title") or params.get("caption")
        return Edit(*whole, figure(params.get("src", 0), alt, caption, params.get("link")),
                    (CONVERTED, written, "a figure"))
    if name in ("ref", "relref"):
        return _reference(match, params.get("path", 0), source)
    if name == "param":
        value = source.fields.get(params.get("name", 0))
        if isinstance(value, str):
            return Edit(*whole, value, (CONVERTED, written, "the value of that field"))
    if name in _INCLUDING:
        return note(match.start(), KEPT, written, "kept as text: the file it includes was not found")
    return note(match.start(), KEPT, written, "kept as text: it has no equivalent here")


def _reference(match: re.Match, target: str, source: Source) -> Edit:
    """``ref``/``relref``: the file it names, relative to this article's file."""
    path, _, fragment = target.partition("#")
    root = _content_root(source.path)
    candidates = []
    for base in filter(None, [source.path.parent, root]):
        relative = path.lstrip("/") if path.startswith("/") else path
        start = root if path.startswith("/") and root is not None else base
        for name in (relative, f"{relative}.md", f"{relative.rstrip('/')}/index.md", f"{relative.rstrip('/')}/_index.md"):
            candidates.append(start / name)
    found = next((c for c in candidates if c.is_file() and c.suffix == ".md"), None)
    if found is None:
        return note(match.start(), KEPT, match.group(), "kept as text: the page it names was not found")
    link = Path(os.path.relpath(found, source.path.parent)).as_posix() + (f"#{fragment}" if fragment else "")
    return Edit(match.start(), match.end(), link, (CONVERTED, match.group(), f"a link to {link}"))
