"""The search index: Pagefind indexes the finished site in the staging folder.

Pagefind reads the built pages, so it runs after every page is written and before the
staging folder is swapped in (``writer.write_site(..., post_write=index_site)``): the
live output is never indexed half-built, and a failed index leaves it as it was. Only
articles are indexed (the theme marks their text with ``data-pagefind-body``), with their
category, audience and tags as filters (``data-pagefind-filter``).

Without the Pagefind binary the site is built all the same, with a warning; its search
page then says that search is unavailable.

Determinism: Pagefind's scripts, word index and fragments are byte-identical from one
run to the next, but Pagefind (1.5.2) writes the values of each filter in hash-map order,
which changes from run to run (Pagefind issue #638). So after it runs, the filter files
(``pagefind/filter/*.pf_filter``) are rewritten with their values sorted, and the files
that name them by hash (``pagefind/pagefind.<lang>_<hash>.pf_meta``, then
``pagefind-entry.json``) are rewritten to name the new files: the whole index is then
byte-identical for the same input. The files are gzip'd CBOR behind a "pagefind_dcd"
signature; only the few CBOR types Pagefind uses are read and written here.

Safety: Pagefind takes a filter's values from the text of the page (decoded: a tag written
``<img src=x onerror=...>`` is shown escaped on the page, and is that raw text in the
index), and its UI puts filter names and values into the search page as HTML. So while
the filter files are rewritten, every filter name and value is HTML-escaped: the UI then
shows the text as written, whatever a theme marks as a filter, and no tag runs script.
(A site that reads filters through Pagefind's own API gets them as HTML text too.)
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import shutil
import subprocess
from pathlib import Path

from .digests import digest
from .model import BuildFailed, Diagnostic

BUNDLE = "pagefind"
"""The folder of the output that holds the index and Pagefind's scripts (``/pagefind/``)."""
BINARY_VARIABLE = "PAGEFIND_BINARY_PATH"
"""An environment variable naming the binary to use, as Pagefind's own wrapper reads it."""
TIMEOUT_SECONDS = 600
INDEX_VERSION = "2"
"""Changes whenever ``sort_filter_values`` rewrites the index differently: an index kept
from an older build is made again."""
_INSTALL_HINT = "install it with: pip install 'pagefind[extended]' (or set PAGEFIND_BINARY_PATH to the binary)"


def find_binary() -> Path | None:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the one the ``pagefind[extended]``
    or ``pagefind[bin]`` package ships, else ``pagefind_extended`` or ``pagefind`` on PATH."""
    named = os.environ.get(BINARY_VARIABLE)
    if named:
        return Path(named)
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            shipped = __import__(module).get_executable()
        except (ImportError, AttributeError, OSError):
            continue
        if shipped:
            return Path(shipped)
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


class SearchIndex:
    """The search index as the writer's post-write step: run again only when a page changed."""

    folder = f"{BUNDLE}/"
    purpose = "the search index"

    def inputs_key(self, manifest) -> str:
        """A digest of every page Pagefind reads, and of how its index is rewritten."""
        return digest(INDEX_VERSION, *(f"{path}={entry['digest']}" for path, entry in sorted(manifest.items())
                                       if path.endswith(".html")))

    def run(self, staging: Path) -> tuple[Diagnostic, ...]:
        """Index the staging folder."""
        return index_site(staging)


def index_site(folder: Path) -> tuple[Diagnostic, ...]:
    """Index the built site in ``folder`` into ``folder/pagefind/``. A missing or failing
    binary is a warning (the site is fine without search); a file of the site already at
    ``pagefind/`` is an error, since the index would replace it."""
    if (folder / BUNDLE).exists():
        raise BuildFailed([Diagnostic(f"static/{BUNDLE}", 0, f"'{BUNDLE}/' is where the search index goes, "
                                      "and the site has files there", f"move the site's own files out of static/{BUNDLE}/")])
    binary = find_binary()
    if binary is None or not binary.is_file():
        where = f" at {binary}" if binary else ""
        return (_warning(f"the search index was not built: the Pagefind binary was not found{where}",
                         f"{_INSTALL_HINT}; the rest of the site was built and its search page says "
                         "that search is unavailable"),)
    try:
        done = subprocess.run([str(binary), "--site", str(folder), "--output-subdir", BUNDLE, "--quiet"],
                              capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
                              env={**os.environ, "NO_COLOR": "1"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return (_warning(f"the search index was not built: Pagefind ({binary}) could not run: {exc}", _INSTALL_HINT),)
    if done.returncode != 0:
        shutil.rmtree(folder / BUNDLE, ignore_errors=True)
        output = " ".join((done.stderr or done.stdout).split())[-400:]
        return (_warning(f"the search index was not built: Pagefind exited with status {done.returncode}: {output}",
                         _INSTALL_HINT),)
    sort_filter_values(folder / BUNDLE)
    return ()


_SIGNATURE = b"pagefind_dcd"


def decode_index_file(raw: bytes):
    """The value a .pf_meta or .pf_filter file holds."""
    data = gzip.decompress(raw)
    if not data.startswith(_SIGNATURE):
        raise ValueError("not a Pagefind index file")
    value, end = _cbor_decode(data, len(_SIGNATURE))
    if end != len(data):
        raise ValueError("trailing bytes in a Pagefind index file")
    return value


def _encode_index_file(value) -> bytes:
    return gzip.compress(_SIGNATURE + _cbor_encode(value), mtime=0)


def _cbor_decode(data: bytes, at: int):
    """(value, next offset) of the CBOR item at ``at``: unsigned ints, byte and text
    strings, arrays (all Pagefind's index files use)."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info >= 24:
        size = 1 << (info - 24)
        info, at = int.from_bytes(data[at:at + size], "big"), at + size
    if major == 0:
        return info, at
    if major in (2, 3):
        raw = data[at:at + info]
        return (raw if major == 2 else raw.decode()), at + info
    if major == 4:
        items = []
        for _ in range(info):
            item, at = _cbor_decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR major type {major} is not used by Pagefind's index")


def _cbor_encode(value) -> bytes:
    def head(major: int, number: int) -> bytes:
        if number < 24:
            return bytes([major << 5 | number])
        size = next(s for s in (1, 2, 4, 8) if number < 1 << (8 * s))
        return bytes([major << 5 | (24 + size.bit_length() - 1)]) + number.to_bytes(size, "big")
    if isinstance(value, bool) or not isinstance(value, (int, bytes, str, list)):
        raise ValueError(f"cannot write {type(value).__name__} into a Pagefind index file")
    if isinstance(value, int):
        return head(0, value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode()
        return head(3, len(encoded)) + encoded
    return head(4, len(value)) + b"".join(_cbor_encode(item) for item in value)


def sort_filter_values(bundle: Path) -> None:
    """Rewrite the index so that it no longer depends on the order Pagefind happened to
    write filter values in, with every filter name and value HTML-escaped (see the
    module's docstring)."""
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language, details in entry["languages"].items():
        meta_file = bundle / f"pagefind.{details['hash']}.pf_meta"
        meta = decode_index_file(meta_file.read_bytes())
        filters = meta[3]  # [version, pages, chunks, filters: [[name, file hash]...], sorts, ...]
        for position, (name, file_hash) in enumerate(filters):
            old_file = bundle / "filter" / f"{file_hash}.pf_filter"
            filter_name, values = decode_index_file(old_file.read_bytes())
            values = [[html.escape(value, quote=False), *rest] for value, *rest in values]
            content = _encode_index_file([html.escape(filter_name, quote=False),
                                          sorted(values, key=lambda item: item[0])])
            new_hash = f"{language}_{hashlib.sha256(content).hexdigest()[:7]}"
            old_file.unlink()
            (bundle / "filter" / f"{new_hash}.pf_filter").write_bytes(content)
            filters[position] = [html.escape(name, quote=False), new_hash]
        filters.sort(key=lambda item: item[0])
        content = _encode_index_file(meta)
        new_hash = f"{language}_{hashlib.sha256(content).hexdigest()[:10]}"
        meta_file.unlink()
        (bundle / f"pagefind.{new_hash}.pf_meta").write_bytes(content)
        details["hash"] = new_hash
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _warning(message: str, hint: str) -> Diagnostic:
    return Diagnostic(BUNDLE, 0, message, hint, "warning")
