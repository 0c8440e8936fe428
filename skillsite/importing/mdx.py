"""Docusaurus's MDX in an article -> Markdown and plain HTML.

MDX import and export lines go (never inside code: code samples keep every line); a
component imported from a Markdown file of the site is replaced by that file's text;
``<Tabs>``/``<TabItem>`` become labelled sections; other components are left out and
reported. JSX attributes become HTML (``className``, ``src={require('@site/static/x.png')}``,
``src={Imported}``), ``style={{...}}`` and ``{/* comments */}`` go, and the ``<head>``
block gives the article its image and is removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .body import CONVERTED, LEFT_OUT, Body, Edit, code_spans, in_code, with_included
from .source import Source, read_text, split_front_matter

_ESM = re.compile(r"^(?:import|export)\s[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*", re.MULTILINE)
_IMPORT = re.compile(r"""import\s+(?:(\w+)|\{([^}]*)\})\s+from\s+['"]([^'"]+)['"]""")
_HEAD = re.compile(r"^<head>[ \t]*\n(.{0,5000}?)^</head>[ \t]*$", re.MULTILINE | re.DOTALL)
_META = re.compile(r"""<meta\s+(?:property|name)=["']([^"']+)["']\s+content=["']([^"']*)["']""")
_JSX_COMMENT = re.compile(r"\{/\*.{0,5000}?\*/\}", re.DOTALL)
_TAG_START = re.compile(r"<(/?)([A-Za-z][\w.]*)")
_ATTRIBUTE = re.compile(r"""\s*([\w:.-]+)(?:\s*=\s*("[^"]*"|'[^']*'|\{|[^\s>]+))?""")
_JSX_PUNCTUATION = re.compile(r"[{}'\"`]")
_REQUIRE = re.compile(r"""^\s*require\(\s*['"]([^'"]+)['"]\s*\)(?:\.default)?\s*$""")
_TABS = {"Tabs", "TabItem"}


@dataclass(frozen=True, slots=True)
class Head:
    """What a Docusaurus ``<head>`` block said of the page."""

    image: str | None = None
    description: str | None = None


@dataclass
class _Scan:
    edits: list[Edit] = field(default_factory=list)
    head: Head = field(default_factory=Head)


_LONGEST_TAG = 2000
"""A tag runs at most this far (a JSX tag with its attributes): text full of '<' stays linear."""


def convert_mdx(body: Body, source: Source) -> tuple[Body, Head]:
    """``body`` with MDX made Markdown and HTML (see the module's docstring), and its <head>."""
    body = with_included(body, lambda text: _partials(text, source))
    text = body.text
    spans = code_spans(text)
    imports = _imports(text, spans)
    scan = _Scan()
    taken: list[tuple[int, int]] = []
    for match in _ESM.finditer(text):
        if not in_code(spans, match.start()):
            first = match.group().split("\n")[0]
            scan.edits.append(Edit(match.start(), _line_end(text, match.end()), "",
                                   (CONVERTED, first, "removed: an MDX import or export (what it imports is "
                                                      "converted where it is used)")))
            taken.append((match.start(), match.end()))
    for match in _HEAD.finditer(text):
        if not in_code(spans, match.start()):
            meta = dict((key.lower(), value) for key, value in _META.findall(match.group(1)))
            scan.head = Head(meta.get("og:image"), meta.get("description") or meta.get("og:description"))
            scan.edits.append(Edit(match.start(), match.end(), "", (CONVERTED, "<head>", "removed: the page's head "
                                   "(its image became the article's image)" if scan.head.image else
                                   "removed: the page's head (skillsite writes its own)")))
            taken.append((match.start(), match.end()))
    for match in _JSX_COMMENT.finditer(text):
        if not in_code(spans, match.start()) and not in_code(sorted(taken), match.start()):
            scan.edits.append(Edit(match.start(), match.end(), "", (CONVERTED, match.group()[:40], "removed: a comment")))
            taken.append((match.start(), match.end()))
    _tags(text, spans, taken, imports, scan)
    return body.edited(scan.edits), scan.head


def _imports(text: str, spans: list[tuple[int, int]]) -> dict[str, str]:
    """Imported name -> what it is imported from, from the MDX import lines."""
    found = {}
    for line in _ESM.finditer(text):
        if in_code(spans, line.start()):
            continue
        for match in _IMPORT.finditer(line.group()):
            names = [match.group(1)] if match.group(1) else [n.split(" as ")[-1].strip() for n in match.group(2).split(",")]
            for name in filter(None, names):
                found[name] = match.group(3).replace("\\_", "_")  # Prettier escapes '_' in Markdown
    return found


def _tags(text: str, spans, taken, imports: dict[str, str], scan: _Scan) -> None:
    taken = sorted(taken)
    done = 0
    for match in _TAG_START.finditer(text):
        at = match.start()
        if at < done or in_code(spans, at) or in_code(taken, at):
            continue
        end, attributes, self_closing = _tag_end(text, match.end())
        if end is None:
            continue
        done = end
        closing, name = bool(match.group(1)), match.group(2)
        written = " ".join(text[at:end].split())
        if name[0].isupper():
            scan.edits.append(_component(at, end, name, closing, self_closing, attributes, imports, written))
        elif not closing and any(value is not None and value.startswith("{") or key == "className"
                                 for key, value in attributes):
            html_attributes = _html_attributes(attributes, imports)
            new = f"<{name}{html_attributes}{' /' if self_closing else ''}>"
            scan.edits.append(Edit(at, end, new, (CONVERTED, written[:60], "HTML attributes instead of JSX")))


def _tag_end(text: str, at: int) -> tuple[int | None, list[tuple[str, str | None]], bool]:
    """Where the tag whose name ends at ``at`` ends, its attributes and whether it closes
    itself; braces are balanced (JSX values may hold '>')."""
    attributes: list[tuple[str, str | None]] = []
    limit = min(len(text), at + _LONGEST_TAG)
    while at < limit:
        rest = text[at:at + 2]
        if rest.startswith(">"):
            return at + 1, attributes, False
        if rest == "/>":
            return at + 2, attributes, True
        if text[at].isspace():
            at += 1
            continue
        match = _ATTRIBUTE.match(text, at)
        if match is None or match.end() == at:
            return None, attributes, False
        value = match.group(2)
        at = match.end()
        if value == "{":
            close = _balanced(text, at - 1)
            if close is None:
                return None, attributes, False
            value, at = text[at - 1:close], close
        attributes.append((match.group(1), value))
    return None, attributes, False


def _balanced(text: str, start: int) -> int | None:
    """The end of the braced JSX expression starting at ``start`` (within _LONGEST_TAG)."""
    depth = 0
    quote = None
    for match in _JSX_PUNCTUATION.finditer(text, start, min(len(text), start + _LONGEST_TAG)):
        char, index = match.group(), match.start()
        if quote:
            if char == quote and text[index - 1] != "\\":
                quote = None
        elif char in "'\"`":
            quote = char
        elif char == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def _html_attributes(attributes: list[tuple[str, str | None]], imports: dict[str, str]) -> str:
    out = []
    for key, value in attributes:
        key = "class" if key == "className" else key
        if value is not None and value.startswith("{"):
            expression = value[1:-1].strip()
            required = _REQUIRE.match(expression)
            address = required.group(1) if required else imports.get(expression)
            if address is None or key == "style":
                continue  # a value computed by script, or a style: no equivalent
            value = '"' + _site_address(address) + '"'
        out.append(f" {key}" if value is None else f" {key}={value}")
    return "".join(out)


def _site_address(imported: str) -> str:
    """Where a file Docusaurus imports is on the site: ``@site/static/img/a.png`` is served
    at /img/a.png; a relative import stays relative to the article."""
    if imported.startswith("@site/static/"):
        return "/" + imported[len("@site/static/"):]
    if imported.startswith("@site/"):
        return "/" + imported[len("@site/"):]
    return imported


def _component(at: int, end: int, name: str, closing: bool, self_closing: bool, attributes, imports,
               written: str) -> Edit:
    origin = imports.get(name)
    if name in _TABS:
        label = dict(attributes).get("label") or dict(attributes).get("value")
        label = label.strip("\"'{}") if label else ""
        new = f"**{label}**\n" if name == "TabItem" and not closing and label else ""
        return Edit(at, end, new, (CONVERTED, written[:60], "a labelled section" if new else "removed: its content stays"))
    if name == "Details":
        return Edit(at, end, "</details>" if closing else "<details>", (CONVERTED, written[:60], "a <details> block"))
    if closing:
        return Edit(at, end, "")
    where = ""
    if origin:
        missing = ", which is not there" if origin.endswith((".md", ".mdx")) else ""
        where = f" (from '{origin}'{missing})"
    what = "left out: a component of the original site" + where + ("" if self_closing else "; its content stays")
    return Edit(at, end, "", (LEFT_OUT, written[:60], what))


def _partials(text: str, source: Source) -> list[Edit]:
    """Each ``<Component />`` imported from a Markdown file of the site, replaced by that file's text."""
    spans = code_spans(text)
    imports = _imports(text, spans)
    edits = []
    for match in _TAG_START.finditer(text):
        origin = imports.get(match.group(2))
        if match.group(1) or not origin or not origin.endswith((".md", ".mdx")) or in_code(spans, match.start()):
            continue
        end, _, self_closing = _tag_end(text, match.end())
        partial = _partial(source, origin) if end is not None and self_closing else None
        if partial is not None:
            edits.append(Edit(match.start(), end, partial.strip("\n"),
                              (CONVERTED, " ".join(text[match.start():end].split()), f"the text of {origin}")))
    return edits


def _partial(source: Source, origin: str) -> str | None:
    """The Markdown of a file an article imports as a component, when it is there, inside the
    original site's folders."""
    parents = list(source.path.parent.parents)
    root = (source.site_root or (parents[min(2, len(parents) - 1)] if parents else source.path.parent)).resolve()
    candidate = (source.path.parent / origin).resolve() if origin.startswith(".") else None
    if candidate is None and origin.startswith("@site/") and source.site_root:
        candidate = (source.site_root / origin[len("@site/"):]).resolve()
    if candidate is None or not candidate.is_file() or not candidate.is_relative_to(root):
        return None
    text = read_text(candidate, str(candidate))
    parts = split_front_matter(text, str(candidate))
    return parts[2] if parts else text



def _line_end(text: str, at: int) -> int:
    """Past the line break that ends the line ``at`` is on (or the text's end)."""
    found = text.find("\n", at)
    return len(text) if found < 0 else found + 1
