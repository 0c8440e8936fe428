"""The one place for slugs, the URL scheme and output paths.

A *site path* is a page's address relative to the base URL, without a leading slash:
``articles/mind-the-gap/``, ``category/jobs/page/2/``, ``feed.xml``. The home page is ''.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit, urlunsplit

_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# What may stay unencoded in an href: RFC 3986 reserved and unreserved characters.
_URL_SAFE = "!#$&'()*+,-./:;=?@_~%"


def is_valid_slug(text: str) -> bool:
    """True for a plain URL name: lowercase a-z, digits, single hyphens."""
    return bool(_SLUG_RE.fullmatch(text))


def ascii_slug(text: str) -> str:
    """A plain a-z0-9- slug made from a title ('' when nothing is left)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _word_characters(text: str, keep: str) -> str:
    """``text`` with every character that is not a letter, digit, combining mark (the
    vowel signs of Hindi, Arabic...) or one of ``keep`` replaced by a space."""
    return "".join(c if unicodedata.category(c)[0] in "LNM" or c in keep else " " for c in text)


# '+' and '#' right after a letter or digit are part of a name (C++, C#, F#, A+): spelled
# out, so that C++, C# and C get pages of their own. Elsewhere ('#hiring') they are punctuation.
_NAME_SYMBOLS = re.compile(r"(?<=\w)[+#]+")
_SPELLED = {"+": " plus ", "#": " sharp "}


@functools.cache  # a site names the same few hundred tags and authors thousands of times
def term_key(name: str) -> str:
    """The URL name of a tag or author: lowercase words joined by hyphens, any script
    (``Soft skills`` -> ``soft-skills``, ``C++`` -> ``c-plus-plus``, ``C#`` -> ``c-sharp``)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _NAME_SYMBOLS.sub(lambda run: "".join(_SPELLED[symbol] for symbol in run[0]), text)
    return "-".join(_word_characters(text, "_").split()).strip("_")


def heading_anchor(text: str) -> str:
    """A heading's id as GitHub, Jekyll and Docusaurus make it (lowercase, punctuation
    dropped, each space a hyphen), so links written for the original site still land."""
    kept = "".join(c for c in text.lower() if unicodedata.category(c)[0] in "LNM" or c in "-_ ")
    return kept.replace(" ", "-")


def article_path(slug: str) -> str:
    """Site path of an article's page."""
    return f"articles/{slug}/"


def listing_path(prefix: str, page: int) -> str:
    """Site path of page ``page`` of a listing whose first page is ``prefix``."""
    return prefix if page == 1 else f"{prefix}page/{page}/"


def term_path(taxonomy: str, key: str) -> str:
    """Site path of a term's first page, e.g. ``tag/interview/``."""
    return f"{taxonomy}/{key}/"


def output_name(site_path: str) -> str:
    """The file that serves a site path: pretty URLs end in index.html."""
    return site_path + "index.html" if site_path == "" or site_path.endswith("/") else site_path


def served_path(file_name: str) -> str:
    """The site path a file is served at (``output_name`` undone): pretty URLs drop index.html."""
    return file_name[: -len("index.html")] if file_name.endswith("index.html") else file_name


def href(base_path: str, site_path: str) -> str:
    """A root-relative link to a site path, under the base URL's path."""
    return base_path + quote(site_path, safe="/")


def encode_url(url: str) -> str:
    """Percent-encode what may not appear in a URL (spaces, stray '%', '|', '{'...),
    leaving valid URLs and their existing %XX escapes unchanged; a host in another script
    is written in punycode (IDNA)."""
    encoded = quote(_STRAY_PERCENT.sub("%25", url), safe=_URL_SAFE)
    if url.isascii():
        return encoded
    try:
        parts = urlsplit(url)
        host = parts.hostname
        if host and not host.isascii():
            netloc = parts.netloc.replace(host, host.encode("idna").decode("ascii"))
            return quote(_STRAY_PERCENT.sub("%25", urlunsplit(parts._replace(netloc=netloc))), safe=_URL_SAFE)
    except (ValueError, UnicodeError):
        pass
    return encoded


def resolve_content_link(article_path_in_content: str, target: str) -> str | None:
    """The content path a relative link from an article points to, or None when it
    climbs out of the content folder."""
    base = PurePosixPath(article_path_in_content).parent
    parts: list[str] = []
    for part in (base / target).parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def contained(root: Path, relative: str) -> Path:
    """``root/relative``; raises ValueError when ``relative`` could lead out of ``root``: an
    absolute path, or one with '..', '.' or empty segments, backslashes or NUL. Checked
    segment by segment, not as a string prefix. The writer creates every folder under its
    staging root itself, so no symlink can redirect the path once it passes this check."""
    segments = relative.split("/")
    if (not relative or relative.startswith("/") or "\\" in relative or "\0" in relative
            or any(segment in ("", ".", "..") for segment in segments)):
        raise ValueError(f"{relative!r} would be written outside {root}")
    return root.joinpath(*segments)
