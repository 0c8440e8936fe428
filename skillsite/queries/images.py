"""Queries for the images the site holds: each file's size (asked by an article's body as
it is rendered) and the smaller versions made of it (published files of their own).

An image's info is one memo per file, so a body depends on the images it shows and on
nothing else of static/; a version is one memo per output path, named by the digest of
the original's bytes: made once, by a worker, and kept while that file stays as it is.
"""

from __future__ import annotations

from ..images import IMAGE_FILE_SUFFIXES, ImageInfo, image_info, make_version
from ..inputs import InputProblem, read_input
from ..query import TOP, Query
from .content import BODY, RULES
from .site import LINK_TARGETS, PUBLICATION
from .theme import STATIC


def image_file(ask, question: str) -> str | None:
    """The file (by input name) that ``asset:<content path>`` or ``static:<output path>``
    names, when it is an image this site holds."""
    kind, _, path = question.partition(":")
    if not path.lower().endswith(IMAGE_FILE_SUFFIXES):
        return None
    if kind == "asset":
        return f"{ask.get(RULES).content}/{path}" if path in ask.get(LINK_TARGETS).images else None
    return ask.get(STATIC).files.get(path) if kind == "static" else None


def _image_info(ask, question: str) -> ImageInfo | None:
    name = image_file(ask, question)
    if name is None:
        return None
    try:
        return image_info(read_input(ask, name))
    except InputProblem:
        return None  # said where the file is published (or found missing)


IMAGE_INFO = Query("image-info", 20, _image_info, ImageInfo | None)
"""An image file's size and the widths of its versions, by ``asset:...`` or ``static:...``."""


def _versions(ask, _: str) -> dict[str, tuple[str, int]]:
    found = {}
    for name in ask.get(PUBLICATION).published:
        body = ask.get(BODY, name)
        for question in body.versioned if body else ():
            info = ask.get(IMAGE_INFO, question)
            for width in info.versions if info else ():
                found.setdefault(info.version_path(width), (question, width))
    return dict(sorted(found.items()))


VERSIONS = Query("image-versions", 25, _versions, dict[str, tuple[str, int]])
"""Every smaller version the published articles offer: output path -> (the question that
finds its original, width)."""


def _version_file(ask, path: str) -> bytes:
    question, width = ask.get(VERSIONS)[path]
    return make_version(read_input(ask, image_file(ask, question)), width)


VERSION_FILE = Query("image-version", TOP, _version_file, costly=True)
"""One smaller version of an image, a WebP file."""

QUERIES = (IMAGE_INFO, VERSIONS, VERSION_FILE)
