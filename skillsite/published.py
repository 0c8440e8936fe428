"""The site as published, for the feed contract (feedcontract.py): what readers already have.

By default that is the output folder the build is about to replace. Where the checkout is
fresh (CI), there is none: ``--against`` (or ``against:`` in site.yaml) names the live site's
URL, or a folder holding a copy of it. From it are read the feeds the contract compares,
the sitemap (every published URL) and the published pages of article URLs this build no
longer has. A live site is read with a timeout per request and a time limit for all of
them; when it cannot be read, one warning says so and the build goes on.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from . import __version__
from .config import is_web_address
from .feedcontract import check_contract, contract_feed_paths, vanished_articles
from .model import Diagnostic
from .urls import contained, output_name

TIMEOUT = 10.0
"""Seconds to wait for each answer of a live site."""
TIME_LIMIT = 30.0
"""Seconds for all the requests to a live site together."""
MAX_BYTES = 50 * 1024 * 1024
"""The largest file read: a sitemap may be 50 MB (sitemaps.org)."""
MAX_PAGES = 100
"""Published pages read, at most, to find where articles without an alias went."""
_GONE = {404, 410}
"""Answers that mean "not published", not "cannot be read"."""


class Unreadable(Exception):
    """The published site cannot be read (offline, refused, timed out, an error answer)."""


@dataclass(frozen=True, slots=True)
class _Folder:
    """A published site in a folder (the output folder, or a copy of the live site)."""

    root: Path

    def read(self, site_path: str) -> bytes | None:
        try:
            path = contained(self.root, output_name(site_path))
            if path.stat().st_size > MAX_BYTES:
                return None
            return path.read_bytes()
        except (OSError, ValueError):  # not published there, or not a file
            return None


class _Web:
    """A published site on the web, read within ``TIMEOUT`` per answer and ``TIME_LIMIT`` in all."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.deadline = time.monotonic() + TIME_LIMIT

    def read(self, site_path: str) -> bytes | None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Unreadable(f"it took longer than {TIME_LIMIT:.0f} s in all")
        request = urllib.request.Request(self.base_url + quote(site_path, safe="/%"),
                                         headers={"User-Agent": f"skillsite/{__version__} (feed contract)"})
        try:
            with urllib.request.urlopen(request, timeout=min(TIMEOUT, left)) as answer:
                content = self._body(answer, request.full_url)
        except urllib.error.HTTPError as error:
            if error.code in _GONE:
                return None
            raise Unreadable(f"{request.full_url} answered {error.code} {error.reason}") from None
        except TimeoutError:
            raise Unreadable(f"{request.full_url} did not answer within {min(TIMEOUT, left):.0f} s") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise Unreadable(f"{request.full_url} did not answer within {min(TIMEOUT, left):.0f} s") from None
            raise Unreadable(f"{request.full_url}: {getattr(reason, 'strerror', None) or reason}") from None
        return content

    def _body(self, answer, url: str) -> bytes | None:
        """The answer's bytes (None when larger than MAX_BYTES), read within the time limit."""
        parts, size = [], 0
        while part := answer.read(65536):
            parts.append(part)
            size += len(part)
            if size > MAX_BYTES:
                return None
            if time.monotonic() > self.deadline:
                raise Unreadable(f"{url} took longer than {TIME_LIMIT:.0f} s to read")
        return b"".join(parts)


def published_contract(config, taxonomies, site, against: str | None) -> list[Diagnostic]:
    """The feed contract's warnings for the site about to be written (``site``: a
    feedcontract.PublishedSite; ``taxonomies``, its categories among them), compared with the
    site as published: ``against`` (a URL or a folder, see ``against_value``), else
    site.yaml's ``against``, else the output folder. One warning instead when a site named
    cannot be read."""
    where = against or config.against
    source = _Folder(config.output_dir) if where is None else _Web(where) if is_web_address(where) else \
        _Folder(Path(where))
    try:
        if where is not None and isinstance(source, _Folder) and not source.root.is_dir():
            raise Unreadable("there is no such folder")
        sitemap = source.read("sitemap.xml")  # first: a site that cannot be read is found at once
        feeds = {name: content for name in contract_feed_paths(taxonomies)
                 if (content := source.read(name)) is not None}
        gone = vanished_articles(sitemap, site)[:MAX_PAGES] if sitemap is not None else []
        pages = {path: source.read(path) for path in gone}
    except Unreadable as problem:
        return [Diagnostic(where, 0, f"the published site could not be read ({problem}), so this site was not "
                                     "compared with it: the feed ids and URLs readers already have were not checked",
                           "check the network and the address given with --against (or against: in site.yaml)",
                           "warning")]
    return check_contract(feeds, sitemap, pages, site)
