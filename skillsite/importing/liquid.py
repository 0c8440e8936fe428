"""Jekyll's Liquid in an article: converted where it has a Markdown or safe-HTML equivalent,
kept as text (and reported) where it has none.

``{% highlight ruby %}`` blocks become fenced code; ``{{ site.baseurl }}`` and
``relative_url`` become nothing; ``post_url``, ``link`` and ``include_relative`` become links
by file (or the included text); comments go; ``{% raw %}`` shows its text as written, in
code too (the only change ever made inside code: Jekyll shows it so). Liquid that computes
(``{{ site.repository }}``, ``{% for %}`` over a list the page or an ``assign`` gives) is
rendered with the original site's values (see liquid_values.py). kramdown's attribute
lists and ``{:toc}`` go (skillsite makes its own table of contents).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .blocks import code_in_place, figure, media_link
from .body import CONVERTED, KEPT, Body, Edit, code_spans, in_code, note
from .liquid_values import LiquidProblem, Values
from .source import Source

_LIQUID = re.compile(r"\{%-?\s*(\w+)(.{0,1000}?)-?%\}|\{\{-?(.{0,1000}?)-?\}\}", re.DOTALL)  # bounded: linear
_RAW_MARKER = re.compile(r"\{%-?\s*(?:raw|endraw)\s*-?%\}")
_QUOTED = re.compile(r"""^\s*(['"])(.*?)\1\s*(?:\|\s*(relative_url|absolute_url)\s*)?$""")
_INCLUDE_PARAM = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_KRAMDOWN_LINE = re.compile(r"^[ \t]*(?:[*+-]|1\.)[ \t]+TOC[ \t]*\n[ \t]*\{:[ \t]*toc[ \t]*\}[ \t]*$|^[ \t]*\{:[^}\n]*\}[ \t]*$",
                            re.MULTILINE)
_KRAMDOWN_SPAN = re.compile(r"[ \t]*\{:[ \t]*[.#][^}\n]*\}[ \t]*$", re.MULTILINE)
_SITE_URLS = {"site.baseurl", "site.url", "site.github.url", "site.url | append: site.baseurl"}
_BLOCKS = {"raw": "endraw", "highlight": "endhighlight", "comment": "endcomment", "capture": "endcapture",
           "for": "endfor", "if": "endif", "unless": "endunless", "case": "endcase"}
_OPAQUE = {"raw", "highlight", "comment"}


def convert_liquid(body: Body, source: Source) -> Body:
    """``body`` with Jekyll's Liquid converted (see the module's docstring)."""
    text = body.text
    spans = code_spans(text)
    tags = list(_LIQUID.finditer(text))
    closers = _pairs(tags)
    values = Values(source)
    edits: list[Edit] = []
    done = 0
    for match in tags:
        if match.start() < done:
            continue
        if in_code(spans, match.start()):
            if _RAW_MARKER.fullmatch(match.group()):
                edits.append(Edit(match.start(), match.end(), "", (CONVERTED, match.group(), "removed: the code "
                                                                    "shows its text as written, as Jekyll showed it")))
            continue
        name, closer = match.group(1), closers.get(match.start())
        if name in _BLOCKS:
            edit = _block(text, match, closer, spans, values)
        elif name:
            edit = _tag(match, source, values)
        else:
            edit = _output(match, values)
        edits.append(edit)
        kept_whole = closer is not None and edit.start == edit.end  # a block kept as text, with all it holds
        done = closer.end() if kept_whole else max(match.end(), edit.end)
    body = body.edited(edits)
    return body.edited(_kramdown(body.text))


def _pairs(tags: list[re.Match]) -> dict[int, re.Match]:
    """Where each block tag starts -> its end tag, in one pass. What raw, comment and
    highlight hold is not Liquid to pair; the other blocks may nest."""
    pairs: dict[int, re.Match] = {}
    open_ones: dict[str, list[re.Match]] = {}
    opaque: re.Match | None = None
    for match in tags:
        name = match.group(1)
        if opaque is not None:
            if name == _BLOCKS[opaque.group(1)]:
                pairs[opaque.start()], opaque = match, None
        elif name in _OPAQUE:
            opaque = match
        elif name in _BLOCKS:
            open_ones.setdefault(name, []).append(match)
        elif name and name.startswith("end") and open_ones.get(name[3:]):
            pairs[open_ones[name[3:]].pop().start()] = match
    return pairs


def _block(text: str, match: re.Match, closer: re.Match | None, spans, values: Values) -> Edit:
    name, argument, written = match.group(1), " ".join(match.group(2).split()), match.group()
    if closer is None:
        return note(match.start(), KEPT, written, f"kept as text: its {{% {_BLOCKS[name]} %}} is missing")
    inner = text[match.end():closer.start()]
    whole = (match.start(), closer.end())
    if name == "raw":
        return Edit(*whole, inner, (CONVERTED, written, "removed: its text is shown as written"))
    if name == "comment":
        return Edit(*whole, "", (CONVERTED, written, "removed with the comment it opens"))
    if name == "highlight":
        return _highlight(text, match, closer, inner, argument)
    if name == "capture":
        values.remember(text[slice(*whole)])
        return Edit(*whole, "", (CONVERTED, written, "removed: it sets a value the Liquid after it uses"))
    if any(start < closer.start() and end > match.end() for start, end in spans):
        return note(match.start(), KEPT, written, "kept as text, with what it holds: code inside it is never "
                                                  "rendered")
    try:
        rendered = values.render(text[slice(*whole)])
    except LiquidProblem as problem:
        return note(match.start(), KEPT, written, f"kept as text, with what it holds: {problem}")
    return Edit(*whole, rendered, (CONVERTED, written, "rendered with the original site's values"))


def _tag(match: re.Match, source: Source, values: Values) -> Edit:
    name, argument = match.group(1), " ".join(match.group(2).split())
    written = match.group()
    if name == "assign":
        values.remember(written)
        return Edit(match.start(), match.end(), "", (CONVERTED, written, "removed: it sets a value the Liquid after "
                                                                         "it uses"))
    if name == "post_url":
        return _link_by_file(match, _post(source, argument), "post_url")
    if name == "link":
        return _link_by_file(match, _under_root(source, argument), "link")
    if name == "include_relative":
        return _include_relative(match, source, argument)
    if name == "include":
        return _include(match, argument)
    if name in ("gist", "youtube", "vimeo"):
        return _embed(match, name, argument.split())
    return note(match.start(), KEPT, written, "kept as text: it has no equivalent here")


def _output(match: re.Match, values: Values) -> Edit:
    expression = " ".join(match.group(3).split())
    written = match.group()
    if expression in _SITE_URLS or expression.startswith(("site.baseurl |", "site.url |")):
        return Edit(match.start(), match.end(), "", (CONVERTED, written, "removed: links start at this site's root"))
    quoted = _QUOTED.match(expression)
    if quoted:
        return Edit(match.start(), match.end(), quoted.group(2), (CONVERTED, written, f"became {quoted.group(2)}"))
    try:
        rendered = values.render(written)
    except LiquidProblem as problem:
        return note(match.start(), KEPT, written, f"kept as text: {problem}")
    return Edit(match.start(), match.end(), rendered, (CONVERTED, written, "rendered with the original site's values"))


def _highlight(text: str, match: re.Match, closer: re.Match, inner: str, argument: str) -> Edit:
    language = argument.split()[0] if argument else ""
    new, outcome = code_in_place(text, match.start(), closer.end(), _RAW_MARKER.sub("", inner), language)
    return Edit(match.start(), closer.end(), new, (CONVERTED, match.group(), outcome))


def _link_by_file(match: re.Match, found: Path | None, tag: str) -> Edit:
    if found is None:
        return note(match.start(), KEPT, match.group(), f"kept as text: the file it names ({tag}) was not found")
    return Edit(match.start(), match.end(), found.as_posix(), (CONVERTED, match.group(), f"a link to {found.as_posix()}"))


def _post(source: Source, name: str) -> Path | None:
    """The post ``post_url`` names (``2010-07-21-name`` or ``folder/2010-07-21-name``),
    relative to this article's file."""
    roots = [folder for folder in (source.site_root, *source.path.parents[:3]) if folder is not None]
    for root in roots:
        for posts in sorted({root / "_posts", *((p for p in root.glob("*/_posts") if p.is_dir()))}):
            for suffix in (".md", ".markdown"):
                candidate = posts / f"{name}{suffix}"
                if candidate.is_file():
                    return Path(os.path.relpath(candidate, source.path.parent))
    return None


def _under_root(source: Source, relative: str) -> Path | None:
    relative = relative.strip("'\" ")
    root = source.site_root or source.path.parent
    candidate = root / relative
    return Path(os.path.relpath(candidate, source.path.parent)) if candidate.is_file() else None


def _include_relative(match: re.Match, source: Source, argument: str) -> Edit:
    name = argument.split()[0] if argument else ""
    candidate = source.path.parent / name
    if name.endswith((".md", ".markdown")) and candidate.is_file() and ".." not in Path(name).parts:
        included = candidate.read_text(encoding="utf-8", errors="replace")
        return Edit(match.start(), match.end(), included.rstrip("\n"), (CONVERTED, match.group(), f"the text of {name}"))
    return note(match.start(), KEPT, match.group(), "kept as text: the file it names was not found")


def _include(match: re.Match, argument: str) -> Edit:
    """Jekyll themes' usual includes for a video or a figure; any other is kept."""
    name = argument.split()[0] if argument else ""
    params = {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _INCLUDE_PARAM.finditer(argument)}
    written = match.group()
    stem = name.rsplit(".", 1)[0].lower()
    video = params.get("id") or params.get("video_id")
    if "youtube" in stem and video:
        return Edit(match.start(), match.end(), media_link("Watch the video on YouTube",
                    f"https://www.youtube.com/watch?v={video}"), (CONVERTED, written, "a link to the video"))
    if "vimeo" in stem and video:
        return Edit(match.start(), match.end(), media_link("Watch the video on Vimeo", f"https://vimeo.com/{video}"),
                    (CONVERTED, written, "a link to the video"))
    image = params.get("image") or params.get("src") or params.get("url") or params.get("file")
    if stem in ("figure", "image", "img", "picture") and image:
        caption = params.get("caption") or params.get("description") or ""
        alt = params.get("alt") or params.get("title") or caption
        return Edit(match.start(), match.end(), figure(image, alt, caption), (CONVERTED, written, "a figure"))
    return note(match.start(), KEPT, written, "kept as text: an include of the original site's theme has no "
                                              "equivalent here")


def _embed(match: re.Match, name: str, words: list[str]) -> Edit:
    if not words:
        return note(match.start(), KEPT, match.group(), "kept as text: it names nothing")
    urls = {"gist": f"https://gist.github.com/{words[0]}", "youtube": f"https://www.youtube.com/watch?v={words[0]}",
            "vimeo": f"https://vimeo.com/{words[0]}"}
    texts = {"gist": f"See the code on GitHub Gist ({words[0]})", "youtube": "Watch the video on YouTube",
             "vimeo": "Watch the video on Vimeo"}
    return Edit(match.start(), match.end(), media_link(texts[name], urls[name]), (CONVERTED, match.group(), "a link"))


def _kramdown(text: str) -> list[Edit]:
    """kramdown's attribute lists ({: .class}) and {:toc} lines, outside code."""
    spans = code_spans(text)
    edits = []
    for match in _KRAMDOWN_LINE.finditer(text):
        if not in_code(spans, match.start()):
            what = match.group().strip()
            outcome = ("removed: skillsite makes the table of contents" if "toc" in what
                       else "removed: kramdown's attributes have no equivalent")
            edits.append(Edit(match.start(), match.end(), "", (CONVERTED, what.split("\n")[-1].strip(), outcome)))
    for match in _KRAMDOWN_SPAN.finditer(text):
        taken = any(e.start <= match.start() < max(e.end, e.start + 1) for e in edits)
        if not taken and not in_code(spans, match.start()):
            edits.append(Edit(match.start(), match.end(), "", (CONVERTED, match.group().strip(),
                                                               "removed: kramdown's attributes have no equivalent")))
    return edits
