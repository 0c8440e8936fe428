"""Images that do not shift the page and do not cost a phone the full-size file.

Every image the site holds (in static/ or beside its article) is read once with Pillow for
its intrinsic size, which the page gives as ``width``/``height`` so nothing moves as it
loads. A large one also gets smaller WebP versions, offered with ``srcset``: a phone loads
the version its screen needs, while ``src`` keeps the original (feeds carry only that:
``originals_only``). Versions are named by the digest of the original's bytes, so the same
picture shown by two articles is made, and kept, once. An image on another site keeps its
address, and no size: the build downloads nothing.

Pure functions of bytes and HTML; the queries that read the files are in queries/images.py.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from html import escape, unescape

from PIL import Image, ImageOps

IMAGE_FILE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
"""Images measured: by Pillow, and an SVG by its root element's size (never versioned)."""
VERSION_WIDTHS = (480, 800, 1200, 1600)
"""Widths of the smaller versions: a phone's screen at 1x, 2x and 3x (375 px wide), a
laptop's column at 2x."""
VERSIONS_FOLDER = "_images/"
"""Where the versions are published, below the output's root."""
SIZES = "(max-width: 46rem) 100vw, 46rem"
"""How wide the theme shows an image in an article: the whole screen on a phone, the
column (70ch, about 46rem) elsewhere."""
MAX_PIXELS = 60_000_000
"""Larger images are measured (from their header) but never decoded: a 'decompression
bomb' would take the build's memory."""
WEBP_QUALITY = 78
_ROTATED = frozenset({5, 6, 7, 8})
"""EXIF orientations that turn the picture a quarter: browsers show it with sides swapped."""
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
_SVG_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(?:px)?\s*")
_SVG_VIEWBOX = re.compile(r"\s*-?[0-9.]+[\s,]+-?[0-9.]+[\s,]+([0-9]*\.?[0-9]+)[\s,]+([0-9]*\.?[0-9]+)\s*")
_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What a page needs to know of one image file."""

    width: int
    height: int
    """As a browser shows it (EXIF rotation applied)."""
    digest: str
    """Of the file's bytes: names its versions."""
    versions: tuple[int, ...] = ()
    """Widths of its smaller versions, smallest first."""

    def version_path(self, width: int) -> str:
        return f"{VERSIONS_FOLDER}{self.digest}-{width}.webp"


def image_info(data: bytes) -> ImageInfo | None:
    """The size of an image file and the versions worth making; None for what cannot be
    read (a damaged file, an SVG sized in % or em)."""
    if (root := _SVG_ROOT.search(data[:8192])) is not None and b"<svg" in data[:1024].lower():
        return _drawing_info(root[0].decode("utf-8", "replace"), data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                orientation = image.getexif().get(0x0112, 1) if image.format == "JPEG" else 1
                animated = getattr(image, "is_animated", False)
    except Exception:  # noqa: BLE001  Pillow raises many kinds for files it cannot read
        return None
    if width <= 0 or height <= 0:
        return None
    if orientation in _ROTATED:
        width, height = height, width
    digest = hashlib.sha256(data).hexdigest()[:20]
    resizable = not animated and width * height <= MAX_PIXELS
    versions = tuple(w for w in VERSION_WIDTHS if w < width * 0.8) if resizable else ()
    return ImageInfo(width, height, digest, versions)


def _drawing_info(root: str, data: bytes) -> ImageInfo | None:
    """An SVG's size from its root element (read as text: never parsed as XML, so no
    entity of it is expanded): width and height in pixels, else its viewBox."""
    attributes = {name.lower(): value for name, value in re.findall(r'\s([\w:-]+)\s*=\s*["\']([^"\']*)["\']', root)}
    width, height = (_SVG_LENGTH.fullmatch(attributes.get(name, "")) for name in ("width", "height"))
    if width and height:
        size = float(width[1]), float(height[1])
    elif box := _SVG_VIEWBOX.fullmatch(attributes.get("viewbox", "")):
        size = float(box[1]), float(box[2])
    else:
        return None
    if min(size) <= 0:
        return None
    return ImageInfo(max(1, round(size[0])), max(1, round(size[1])), hashlib.sha256(data).hexdigest()[:20])


def make_version(data: bytes, width: int) -> bytes:
    """A WebP of the image ``width`` pixels wide (the height in proportion)."""
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        height = max(1, round(image.height * width / image.width))
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        image = image.convert("RGBA" if has_alpha else "RGB").resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)  # no metadata: EXIF (a phone's GPS) stays out
        return out.getvalue()


def sized_images(html: str, info_at, version_url) -> str:
    """Sanitised ``html`` with every image this site holds given its size, and, where it
    has versions, their ``srcset``. ``info_at(src)``: the ImageInfo of the file an image's
    address shows, or None; ``version_url(path)``: the address of a version's output path.
    A size the article gives itself is kept."""
    def sized(match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match[1]))
        info = info_at(unescape(attributes.get("src", "")))
        if info is None:
            return match[0]
        added = ""
        if "width" not in attributes and "height" not in attributes:
            added += f' width="{info.width}" height="{info.height}"'
        if info.versions:
            candidates = [f"{version_url(info.version_path(w))} {w}w" for w in info.versions]
            candidates.append(f"{unescape(attributes['src'])} {info.width}w")
            added += f' srcset="{escape(", ".join(candidates))}" sizes="{SIZES}"'
        return f"<img{match[1]}{added}>"
    return _IMG.sub(sized, html)


_SRCSET = re.compile(r'\s(?:srcset|sizes)="[^"]*"')


def originals_only(html: str) -> str:
    """A body's HTML for feeds: each image by its original only (a feed reader fetches
    one address, and should keep the full picture)."""
    return _IMG.sub(lambda match: _SRCSET.sub("", match[0]), html)
