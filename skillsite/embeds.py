"""YouTube and Vimeo videos without tracking: an ``<iframe>`` of one, or a link to one on a
line of its own, becomes a card with the video's title and a play link (a facade).

The page loads nothing from the video's site: no frame, no thumbnail, no script. Only a
reader who follows the play link leaves for the player, YouTube's from its no-cookie domain
(www.youtube-nocookie.com) and Vimeo's with do-not-track set. The card is ordinary HTML
made before the sanitiser runs, so it passes the same allow-list as the rest of the body.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from markdown_it.token import Token

CARD_CLASS, PLAY_CLASS = "video-card", "video-play"
"""The classes of a card and of its play link (the theme styles them)."""
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com",
                            "youtube-nocookie.com", "www.youtube-nocookie.com"})
_VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
_TIME = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?")
_IFRAME = re.compile(r"<iframe\b[^>]*>(?:.*?</iframe\s*>)?", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Video:
    """A video of YouTube or Vimeo, found in an address."""

    site: str
    """'YouTube' or 'Vimeo'."""
    id: str
    start: int = 0
    """Where to start playing, in seconds."""
    key: str = ""
    """A Vimeo unlisted video's hash (``vimeo.com/ID/HASH``)."""

    def player(self) -> str:
        """The address of the player the play link opens: no cookies, no tracking."""
        if self.site == "YouTube":
            start = f"&start={self.start}" if self.start else ""
            return f"https://www.youtube-nocookie.com/embed/{self.id}?autoplay=1{start}"
        key = f"&h={self.key}" if self.key else ""
        start = f"#t={self.start}s" if self.start else ""
        return f"https://player.vimeo.com/video/{self.id}?dnt=1&autoplay=1{key}{start}"


def video_at(url: str) -> Video | None:
    """The YouTube or Vimeo video an address shows or embeds, or None."""
    try:
        parts = urlsplit(html.unescape(url.strip()))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", "") or not parts.netloc:
        return None
    host, query = parts.hostname or "", parse_qs(parts.query)
    segments = [segment for segment in parts.path.split("/") if segment]
    start = _seconds((query.get("t") or query.get("start") or [""])[0] or parts.fragment.removeprefix("t="))
    if host in _YOUTUBE_HOSTS:
        found = (query.get("v") or [""])[0] if segments == ["watch"] else (
            segments[1] if len(segments) == 2 and segments[0] in ("embed", "shorts", "live", "v") else "")
    elif host == "youtu.be":
        found = segments[0] if len(segments) == 1 else ""
    elif host in _VIMEO_HOSTS:
        numbers = segments[1:] if host == "player.vimeo.com" and segments[:1] == ["video"] else segments
        if numbers and numbers[0].isdigit() and len(numbers) <= 2:
            key = numbers[1] if len(numbers) == 2 and numbers[1].isalnum() else (query.get("h") or [""])[0]
            return Video("Vimeo", numbers[0], start, key if key.isalnum() else "")
        return None
    else:
        return None
    return Video("YouTube", found, start) if _YOUTUBE_ID.fullmatch(found or "") else None


def _seconds(text: str) -> int:
    match = _TIME.fullmatch(text or "")
    if not text or not match:
        return 0
    hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def card(video: Video, title: str) -> str:
    """The facade's HTML: the title, and a link that plays the video on its own site."""
    return (f'<figure class="{CARD_CLASS}"><figcaption>{html.escape(title, quote=False)}</figcaption>'
            f'<a class="{PLAY_CLASS}" href="{html.escape(video.player())}">Play the video on {video.site}</a></figure>\n')


def _untitled(video: Video) -> str:
    return f"A video on {video.site}"


# --- in an article ------------------------------------------------------------------------------

def embed_videos(tokens: list[Token]) -> list[Token]:
    """A body's tokens, each paragraph that is only a video (a link, bare, <autolink> or
    [title](address), or an <iframe>) made its card, as each video <iframe> of an HTML block;
    one amid a paragraph's text made a play link."""
    kept, index = [], 0
    while index < len(tokens):
        token = tokens[index]
        found = None
        if (token.type == "paragraph_open" and not token.hidden  # a paragraph, not a tight list's item
                and index + 2 < len(tokens) and tokens[index + 2].type == "paragraph_close"):
            found = _paragraph_video(tokens[index + 1])
        if found is not None:
            kept.append(Token("html_block", "", 0, content=card(*found), map=token.map, block=True, level=token.level))
            index += 3
            continue
        if token.type == "html_block" and "<iframe" in token.content.lower():
            token.content = _IFRAME.sub(_iframe_card, token.content)
        if token.type == "inline" and any(child.type == "html_inline" for child in token.children or ()):
            token.children = _inline_videos(token.children)
        kept.append(token)
        index += 1
    return kept


def _paragraph_video(inline: Token) -> tuple[Video, str] | None:
    """(the video, its title) when a paragraph is one link to a video, or one video
    <iframe>, and nothing else."""
    children = [child for child in inline.children or () if not (child.type == "text" and not child.content.strip())]
    if children and all(child.type == "html_inline" for child in children):
        written = "".join(child.content for child in children)
        match = _IFRAME.fullmatch(written.strip())
        return _iframe_video(match[0]) if match else None
    if len(children) == 1 and children[0].type == "text":
        video = video_at(children[0].content) if " " not in children[0].content.strip() else None
        return (video, _untitled(video)) if video else None
    if len(children) >= 2 and children[0].type == "link_open" and children[-1].type == "link_close":
        if any(child.type in ("link_open", "image", "html_inline") for child in children[1:-1]):
            return None
        video = video_at(str(children[0].attrGet("href") or ""))
        if video is None:
            return None
        text = " ".join("".join(child.content for child in children[1:-1]).split())
        return video, (_untitled(video) if children[0].markup == "autolink" or not text else text)
    return None


def _inline_videos(children: list[Token]) -> list[Token]:
    """A paragraph's pieces with each video <iframe> amid its text made a play link (its
    closing tag dropped with it); other iframes as written."""
    kept, closing = [], False
    for child in children:
        if child.type == "html_inline" and closing and child.content.lower().startswith("</iframe"):
            closing = False
            continue
        found = _iframe_video(child.content) if child.type == "html_inline" else None
        if found is not None:
            video, title = found
            closing = "</iframe" not in child.content.lower()  # the open tag alone: its closing tag follows
            child = Token("html_inline", "", 0, content=f'<a class="{PLAY_CLASS}" href="{html.escape(video.player())}">'
                                                        f"{html.escape(title, quote=False)} (play the video on "
                                                        f"{video.site})</a>")
        kept.append(child)
    return kept


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if not self.found:
            self.found = {name: value or "" for name, value in attrs}


def _iframe_video(written: str) -> tuple[Video, str] | None:
    """(the video, its title) of an <iframe> tag (as written) that embeds one, or None."""
    if not written.lower().startswith("<iframe"):
        return None
    parser = _Attributes()
    parser.feed(written)
    video = video_at(parser.found.get("src", ""))
    if video is None:
        return None
    title = " ".join(parser.found.get("title", "").split())
    if not title or title.lower() in ("youtube video player", "vimeo video player"):
        title = _untitled(video)
    return video, title


def _iframe_card(match: re.Match) -> str:
    """A video <iframe>'s card; any other iframe as written (the sanitiser removes it, and
    removals.py says so)."""
    found = _iframe_video(match[0])
    return match[0] if found is None else card(*found).rstrip("\n")
