"""The allow-list for HTML in articles (nh3, i.e. ammonia).

Everything an article's body becomes goes through ``sanitize``: Markdown output and raw
HTML alike, so one policy guards pages and feeds. URLs are handed to a caller-supplied
function, which resolves and repairs them (see markdown.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3

from .embeds import CARD_CLASS, PLAY_CLASS
from .highlight import BLOCK_CLASS, TOKEN_CLASSES

POLICY_VERSION = "4"
"""Changes whenever the policy below changes: cached renders depend on it."""

ALLOWED_TAGS = frozenset({
    "a", "abbr", "aside", "audio", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code",
    "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span",
    "source", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "track", "u", "ul", "var", "video", "wbr",
})
MEDIA_ELEMENTS = frozenset({"video", "audio", "source", "track"})
"""Elements that load a video, a sound or their captions: only from https:// or this site."""
# Removed together with everything inside them: active content and form controls.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "title", "template", "iframe", "object", "embed", "noscript",
    "textarea", "select", "button", "svg", "math", "frame", "frameset", "noembed", "xmp",
})
ALLOWED_ATTRIBUTES = {
    "*": {"dir", "lang", "id", "title", "class"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "details": {"open"},
    "col": {"span"},
    "colgroup": {"span"},
    # a player always has controls and loads nothing before the reader plays (see sanitize)
    "video": {"src", "poster", "width", "height", "muted", "loop", "playsinline"},
    "audio": {"src", "muted", "loop"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label", "default"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster"})
ALLOWED_CLASSES = frozenset({
    "footnotes-sep", "footnotes", "footnotes-list", "footnote-item", "footnote-ref",
    "footnote-backref", "note", "tip", "warning", CARD_CLASS, PLAY_CLASS,
})
ELEMENT_CLASSES = {"pre": frozenset({BLOCK_CLASS}), "span": TOKEN_CLASSES}
"""Classes allowed on one element only: a highlighted block's, and its tokens'."""
_NUMBER_ATTRIBUTES = frozenset({"width", "height", "colspan", "rowspan", "start", "value", "span"})
_ALIGN_RE = re.compile(r"text-align:\s*(left|right|center)\s*;?")
_MIME_RE = re.compile(r"[a-z]+/[a-z0-9.+-]+(;\s*codecs=\"?[\w.,+ -]+\"?)?", re.IGNORECASE)
_TRACK_KINDS = frozenset({"subtitles", "captions", "descriptions", "chapters", "metadata"})
_BOOLEAN_ATTRIBUTES = frozenset({"muted", "loop", "playsinline", "default", "reversed", "open"})
_LANG_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
# nh3 serialises canonically: attributes double-quoted, '"' '<' '>' escaped inside values.
_IMG_WITHOUT_SRC = re.compile(r'<img(?![^>]*\ssrc=")[^>]*>')
_SOURCE_WITHOUT_SRC = re.compile(r'<(?:source|track)(?![^>]*\ssrc=")[^>]*>')
_PLAYER_TAG = re.compile(r'<(video|audio)((?:\s[a-z-]+="[^"]*")*)>')
_PLAYER = re.compile(r'<(video|audio)([^>]*)>(.*?)</\1>', re.DOTALL)
_A_WITHOUT_HREF = re.compile(r'<a((?:\s(?!href=)[a-z-]+="[^"]*")*)>(.*?)</a>', re.DOTALL)
_HREFLANG = re.compile(r'\shreflang="[^"]*"')

UrlRewriter = Callable[[str, str, str], "str | None"]
"""(element, attribute, url) -> the URL to keep, or None to drop the attribute."""


def _clean_attribute(rewrite_url: UrlRewriter):
    def attribute_filter(element: str, attribute: str, value: str) -> str | None:
        if attribute in URL_ATTRIBUTES:
            return rewrite_url(element, attribute, value)
        if attribute == "class":
            kept = [c for c in value.split() if c in _classes_of(element, c)]
            return " ".join(kept) or None
        if attribute == "id":
            return "-".join(value.split()) or None
        if attribute == "dir":
            return value.lower() if value.lower() in ("ltr", "rtl", "auto") else None
        if attribute in ("lang", "hreflang", "srclang"):
            return value if _LANG_RE.fullmatch(value) else None
        if attribute in _NUMBER_ATTRIBUTES:
            return value if value.isdigit() else None
        if attribute in _BOOLEAN_ATTRIBUTES:
            return ""
        if attribute == "type":
            return value if _MIME_RE.fullmatch(value.strip()) else None
        if attribute == "kind":
            return value.lower() if value.lower() in _TRACK_KINDS else None
        if attribute == "style":
            return kept_style(element, value) or None
        return value
    return attribute_filter


def kept_style(element: str, value: str) -> str:
    """What is kept of a style= attribute: a table cell's alignment (Markdown's own), or ''."""
    match = _ALIGN_RE.fullmatch(value.strip()) if element in ("td", "th") else None
    return f"text-align:{match.group(1)}" if match else ""


def _classes_of(element: str, name: str) -> frozenset[str]:
    """The classes ``element`` may carry (``name``: the one asked about): the theme's, and
    those highlighted code is made of (highlight.py), each on its own element only."""
    if element == "code" and name.startswith("language-"):
        return frozenset((name,))
    return ELEMENT_CLASSES.get(element, frozenset()) | ALLOWED_CLASSES


def _playable(match: re.Match) -> str:
    return match[0] if ' src="' in match[2] or "<source " in match[3] else ""


def _unlinked(match: re.Match) -> str:
    attributes = _HREFLANG.sub("", match[1])
    return f"<span{attributes}>{match[2]}</span>" if attributes else match[2]


def sanitize(html: str, rewrite_url: UrlRewriter) -> str:
    """``html`` with everything outside the allow-list removed and URLs rewritten."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_clean_attribute(rewrite_url),
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        # a code block that scrolls sideways can be scrolled from the keyboard too (one value
        # per element: nh3 writes several in an order that changes from run to run)
        set_tag_attribute_values={"img": {"loading": "lazy"}, "pre": {"tabindex": "0"}},
    )
    # An image whose address was unusable is dropped whole: <img> without src is invalid;
    # so is a source of a player, and a player left with nothing to play.
    cleaned = _SOURCE_WITHOUT_SRC.sub("", _IMG_WITHOUT_SRC.sub("", cleaned))
    cleaned = _PLAYER.sub(_playable, cleaned)
    # A player has controls, and loads nothing (from another site, on a phone's data) until played.
    cleaned = _PLAYER_TAG.sub(r'<\1\2 controls="" preload="none">', cleaned)
    # A link whose address was removed stays readable text, not a link that leads nowhere.
    return _A_WITHOUT_HREF.sub(_unlinked, cleaned)
