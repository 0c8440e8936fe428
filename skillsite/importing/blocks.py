"""The Markdown and HTML that converted template syntax becomes: fenced code, callouts,
figures, links to embedded media. One place, so every source generator's admonition or
video looks the same on the imported site."""

from __future__ import annotations

import html
import re

_FENCE_RUN = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.MULTILINE)
_BACKTICK_RUN = re.compile(r"`+")

# Callout kinds of Docusaurus, GitHub, Hugo and Jekyll themes -> the classes the theme styles.
ASIDE_CLASSES = {
    "note": "note", "info": "note", "important": "note", "secondary": "note", "abstract": "note",
    "summary": "note", "question": "note", "example": "note", "quote": "note", "seealso": "note",
    "tip": "tip", "success": "tip", "hint": "tip", "check": "tip",
    "warning": "warning", "caution": "warning", "danger": "warning", "error": "warning", "bug": "warning",
    "failure": "warning", "attention": "warning",
}
ASIDE_TITLES = {"info": "Info", "note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning",
                "caution": "Caution", "danger": "Danger"}


def fence(code: str, language: str = "", indent: str = "") -> str:
    """``code`` as a fenced code block (its lines exactly as given), the fence longer than
    any fence inside it."""
    longest = max((len(m.group(1)) for m in _FENCE_RUN.finditer(code) if m.group(1)[0] == "`"), default=0)
    marker = "`" * max(3, longest + 1)
    body = code if code.endswith("\n") or not code else code + "\n"
    return f"{marker}{language}\n{body}{indent}{marker}"


def code_in_place(text: str, start: int, end: int, inner: str, language: str) -> tuple[str, str]:
    """What a highlight block spanning ``text[start:end]`` (its code ``inner``) becomes, and
    what to call that: inline code within a sentence, else a fenced block at its place."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before, after = text[line_start:start], text[end:len(text) if line_end < 0 else line_end]
    if "\n" not in inner.strip("\n") and (before.strip() or after.strip()):
        return inline_code(inner.strip()), "inline code"
    code = (inner[1:] if inner.startswith("\n") else inner).rstrip(" \t")
    indent = before if not before.strip() else ""
    lead = "\n\n" if before.strip() else ""
    tail = "\n" if after.strip() else ""
    outcome = f"a fenced code block ({language})" if language else "a fenced code block"
    return lead + fence(code, language, indent) + tail, outcome


def inline_code(code: str) -> str:
    """``code`` as an inline code span, delimited by more backticks than any run inside it."""
    longest = max((len(m.group()) for m in _BACKTICK_RUN.finditer(code)), default=0)
    marker = "`" * (longest + 1)
    padding = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{marker}{padding}{code}{padding}{marker}"


def aside_open(kind: str, title: str = "", indent: str = "") -> str:
    """The start of a callout, to stand where the original's opening line stood (after its
    indentation, before its line break); Markdown inside stays Markdown."""
    css = ASIDE_CLASSES.get(kind.lower(), "note")
    shown = title.strip() or ASIDE_TITLES.get(kind.lower(), kind.strip().capitalize() or "Note")
    return f'<aside class="{css}">\n\n{indent}**{_markdown_text(shown)}**\n'


def aside_close(indent: str = "") -> str:
    """The end of a callout, to stand where the original's closing line stood."""
    return f"\n{indent}</aside>\n"


def figure(src: str, alt: str = "", caption: str = "", link: str = "") -> str:
    """An image with its caption (Markdown in the caption is rendered), as one HTML block."""
    image = f'<img src="{_attribute(src)}" alt="{_attribute(alt)}">'
    if link:
        image = f'<a href="{_attribute(link)}">{image}</a>'
    if not caption:
        return f"<figure>\n{image}\n</figure>"
    caption = " ".join(caption.split())
    return f'<figure>\n{image}\n<figcaption markdown="1">{caption}</figcaption>\n</figure>'


def media_link(text: str, url: str) -> str:
    """A link to a video or post the original site embedded (the theme has no embed)."""
    return f"[{_markdown_text(text)}]({url})"


def _attribute(text: str) -> str:
    return html.escape(text, quote=True)


def _markdown_text(text: str) -> str:
    """Plain text that Markdown shows as written."""
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)
